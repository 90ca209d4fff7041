"""The app serves the built front ends, and says so clearly when they are not built."""
import pytest

from app.cli import seed_demo
from app.web import routes


@pytest.fixture
def built(tmp_path, monkeypatch):
    """Pretend builds of the dashboard and the widget."""
    dashboard = tmp_path / "frontend"
    (dashboard / "assets").mkdir(parents=True)
    (dashboard / "index.html").write_text("<!doctype html><title>Dashboard</title>")
    (dashboard / "assets" / "index-abc123.js").write_text("console.log(1)")
    widget = tmp_path / "widget"
    (widget / "assets").mkdir(parents=True)
    (widget / "loader.js").write_text("/* loader */")
    (widget / "frame.html").write_text("<!doctype html><title>Chat</title>")
    (widget / "assets" / "frame-abc123.js").write_text("/* frame */")
    monkeypatch.setattr(routes, "DASHBOARD_DIST", dashboard)
    monkeypatch.setattr(routes, "WIDGET_DIST", widget)


@pytest.fixture
def not_built(tmp_path, monkeypatch):
    monkeypatch.setattr(routes, "DASHBOARD_DIST", tmp_path / "nothing")
    monkeypatch.setattr(routes, "WIDGET_DIST", tmp_path / "nothing")


def test_spa_routes_fall_back_to_index(client, built):
    for path in ("/", "/inbox/42", "/settings/members"):
        response = client.get(path)
        assert response.status_code == 200
        assert b"Dashboard" in response.data


def test_hashed_assets_are_cached_long_and_loader_short(client, built):
    assert "immutable" in client.get("/assets/index-abc123.js").headers["Cache-Control"]
    assert "immutable" in client.get("/widget/assets/frame-abc123.js").headers["Cache-Control"]
    loader = client.get("/widget/loader.js")
    assert loader.status_code == 200
    assert "max-age=300" in loader.headers["Cache-Control"]


def test_api_paths_never_fall_back_to_the_spa(client, built):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert client.get("/assets/missing.js").status_code == 404


def test_frame_may_only_be_framed_by_allowed_origins(app, client, api, make_project, built):
    project, manager = make_project(allowed_origins=["https://shop.test", "https://*.shop.test"])
    response = client.get(f"/widget/frame?project_key={project['public_key']}")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert policy.endswith("frame-ancestors https://shop.test https://*.shop.test")
    assert "default-src 'self'" in policy


def test_frame_of_a_project_without_origins_cannot_be_framed(client, make_project, built):
    project, _ = make_project()
    policy = client.get(f"/widget/frame?project_key={project['public_key']}").headers["Content-Security-Policy"]
    assert policy.endswith("frame-ancestors 'none'")


def test_frame_with_an_unknown_key_is_404(client, built):
    assert client.get("/widget/frame?project_key=pk_nope").status_code == 404


def test_missing_builds_say_so(client, make_project, not_built):
    page = client.get("/")
    assert page.status_code == 503
    assert b"make build" in page.data
    loader = client.get("/widget/loader.js")
    assert loader.status_code == 503
    assert b"not built" in loader.data


def test_demo_page_embeds_the_demo_projects_widget(app, client):
    assert client.get("/demo").status_code == 404
    with app.app_context():
        _, _, project = seed_demo()
        key = project.public_key
    page = client.get("/demo")
    assert page.status_code == 200
    assert f'data-project-key="{key}"'.encode() in page.data
    assert b"/widget/loader.js" in page.data
