"""Security headers on dashboard, API, demo and widget-frame responses; HSTS under HTTPS."""
import re

import pytest

from app.web import routes
from tests.web.test_static import built  # noqa: F401  (fixture)

COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _common(response):
    for name, value in COMMON.items():
        assert response.headers[name] == value
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_dashboard_has_a_strict_csp(client, built):  # noqa: F811
    response = client.get("/inbox/42")
    _common(response)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert re.search(r"script-src 'self'(;|$)", csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # PUBLIC_URL is http in tests


def test_api_responses_allow_nothing(client, api, make_user):
    user = make_user()
    for response in (api.get("/me", token=user["access_token"]), api.get("/projects/999999"), client.get("/healthz")):
        _common(response)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in api.get("/me").headers["Content-Security-Policy"]


def test_the_widget_frame_keeps_its_per_project_frame_ancestors(client, make_project, built):  # noqa: F811
    project, _ = make_project(allowed_origins=["https://shop.example.com"])
    response = client.get(f"/widget/frame?project_key={project['public_key']}")
    assert response.status_code == 200
    _common(response)
    assert "frame-ancestors https://shop.example.com" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


def test_hsts_when_the_public_url_is_https(app_env):
    import os

    from app import create_app

    _, env = app_env
    saved = dict(os.environ)
    os.environ.update(env | {"PUBLIC_URL": "https://chat.example.com"})
    try:
        https_app = create_app({"TESTING": True})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    response = https_app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    assert https_app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert https_app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_built_dashboard_has_no_inline_script():
    index = routes.DASHBOARD_DIST / "index.html"
    if not index.exists():
        pytest.skip("the dashboard is not built (make build)")
    html = index.read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, "the dashboard loads its bundle"
    for attributes, body in scripts:
        assert "src=" in attributes and not body.strip(), "inline script in index.html"
    assert "<style" not in html and " style=" not in html
