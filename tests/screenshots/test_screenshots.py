"""Screenshots of the visitor's page: real Chromium, every request through the SSRF check."""
from __future__ import annotations

import shutil
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests import services
from tests.core.test_outbound import REFUSED_URLS


def _png(width=2, height=2) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x00\xff\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Site:
    """A page on loopback that pulls one image from itself and one from the metadata address."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                site.paths.append(self.path)
                if self.path == "/logo.png":
                    body, kind = _png(), "image/png"
                else:
                    body = (b"<html><head><title>Pricing</title></head><body><h1>Pricing</h1>"
                            b"<img src='/logo.png'><img src='http://169.254.169.254/latest/meta-data/x.png'>"
                            b"<iframe src='http://10.0.0.1/admin'></iframe></body></html>")
                    kind = "text/html"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/pricing"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        services.unavailable("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture
def site():
    site = Site()
    yield site
    site.close()


def _path(project, visitor, sid=None):
    return f"/projects/{project['id']}/visitors/{visitor['visitor']['id']}/screenshots" + (f"/{sid}" if sid else "")


def _wait_done(api, project, visitor, sid, token, timeout=90):
    deadline = time.monotonic() + timeout
    while True:
        shot = api.get(_path(project, visitor, sid), token=token).json
        if shot["status"] != "pending" or time.monotonic() > deadline:
            return shot
        time.sleep(0.2)


def test_a_loopback_page_is_rendered_and_blocked_requests_are_aborted(app, api, make_widget_project, make_visitor,
                                                                     site, rq_worker):
    _chromium()
    project, manager = make_widget_project()
    visitor = make_visitor(project, page={"url": site.url, "title": "Pricing"})
    requested = api.post(_path(project, visitor), token=manager["access_token"])
    assert requested.status_code == 202
    assert requested.json["status"] == "pending"
    shot = _wait_done(api, project, visitor, requested.json["id"], manager["access_token"])
    assert shot["status"] == "done", shot
    assert "/logo.png" in site.paths
    blocked = {b["url"]: b["reason"] for b in shot["blocked_requests"]}
    assert blocked["http://169.254.169.254/latest/meta-data/x.png"] == "metadata_address"
    assert blocked["http://10.0.0.1/admin"] == "private_address"
    image = api.get(shot["image_url"], token=manager["access_token"])
    assert image.status_code == 200
    assert image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")


def test_a_missing_browser_fails_with_a_reason(app, api, make_widget_project, make_visitor, site):
    from app.extensions import db
    from app.screenshots import jobs
    from app.screenshots.models import Screenshot

    project, manager = make_widget_project()
    visitor = make_visitor(project, page={"url": site.url})
    with app.app_context():
        shot = Screenshot(project_id=project["id"], visitor_id=visitor["visitor"]["id"], url=site.url,
                          status="pending", blocked_requests=[])
        db.session.add(shot)
        db.session.commit()
        saved, app.config["SCREENSHOT_BROWSER"] = app.config["SCREENSHOT_BROWSER"], "/nonexistent/chromium"
        try:
            jobs.capture(shot.id)
        finally:
            app.config["SCREENSHOT_BROWSER"] = saved
        sid = shot.id
        db.session.remove()
    shot = api.get(_path(project, visitor, sid), token=manager["access_token"]).json
    assert shot["status"] == "failed"
    assert "/nonexistent/chromium" in shot["error"]
    assert shot["image_url"] is None


def test_the_ssrf_table_is_refused_through_the_screenshot_path(app, api, make_widget_project, make_visitor):
    from app.extensions import db
    from app.screenshots import jobs
    from app.screenshots.models import Screenshot

    project, manager = make_widget_project()
    visitor = make_visitor(project)
    ids = []
    with app.app_context():
        saved, app.config["OUTBOUND_ALLOWLIST"] = app.config["OUTBOUND_ALLOWLIST"], ()
        try:
            for url in REFUSED_URLS:
                if url.startswith("http://93.184"):
                    continue  # plain http is fine for a visitor's page; the table's other entries are not
                shot = Screenshot(project_id=project["id"], visitor_id=visitor["visitor"]["id"], url=url or None,
                                  status="pending", blocked_requests=[])
                db.session.add(shot)
                db.session.commit()
                jobs.capture(shot.id)
                ids.append(shot.id)
        finally:
            app.config["OUTBOUND_ALLOWLIST"] = saved
        db.session.remove()
    assert len(ids) >= 40
    for sid in ids:
        shot = api.get(_path(project, visitor, sid), token=manager["access_token"]).json
        assert shot["status"] == "failed", shot
        assert shot["image_url"] is None


def test_another_tenant_gets_404(api, make_widget_project, make_visitor):
    project, manager = make_widget_project()
    _, stranger = make_widget_project(name="Other")
    visitor = make_visitor(project)
    shot = api.post(_path(project, visitor), token=manager["access_token"]).json
    for method, path in (("POST", _path(project, visitor)), ("GET", _path(project, visitor, shot["id"])),
                         ("GET", _path(project, visitor, shot["id"]) + "/image")):
        assert api.request(method, path, token=stranger["access_token"]).status_code == 404
    own, own_manager = make_widget_project(name="Third")
    own_visitor = make_visitor(own)
    assert api.get(f"/projects/{own['id']}/visitors/{own_visitor['visitor']['id']}/screenshots/{shot['id']}",
                   token=own_manager["access_token"]).status_code == 404


def test_agents_hear_when_a_screenshot_is_done(rest, make_widget_project, make_visitor, add_member, connect_agent,
                                              site):
    _chromium()
    project, manager = make_widget_project()
    agent = add_member(project, manager)
    visitor = make_visitor(project, page={"url": site.url})
    watcher = connect_agent(agent)
    requested = rest.request("POST", _path(project, visitor), manager["access_token"]).json()
    event = watcher.wait_for("screenshot:updated", lambda data: data["screenshot"]["id"] == requested["id"],
                             timeout=90)
    assert event["screenshot"]["status"] == "done"
    assert event["project_id"] == project["id"]
