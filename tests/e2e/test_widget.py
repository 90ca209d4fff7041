"""The embeddable widget in a real Chromium, on a customer page served from another origin."""
from __future__ import annotations

import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from playwright.sync_api import expect

from tests.helpers import free_port


class HostSite:
    """A pretend customer website on its own origin (localhost:<port>, the app is on 127.0.0.1)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.origin = f"http://localhost:{self.port}"
        self.pages: dict[str, str] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.pages.get(self.path.split("?")[0])
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, live_server: str, project_key: str, script: str = "", loader_async: bool = True) -> str:
        """Publish a page embedding the snippet; returns its URL."""
        path = f"/shop-{uuid.uuid4().hex[:8]}"
        attr = " async" if loader_async else ""
        self.pages[path] = (
            "<!doctype html><html lang='en'><head><title>Shop</title></head><body>"
            "<h1>Welcome to the shop</h1>"
            f"<script src='{live_server}/widget/loader.js' data-project-key='{project_key}'{attr}></script>"
            f"<script>{script}</script></body></html>"
        )
        return self.origin + path

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="session")
def host_site():
    site = HostSite()
    yield site
    site.close()


@pytest.fixture
def shop(make_project, host_site):
    """A project whose allowed origin is the host site; returns (project, manager)."""
    return make_project(name="Shop", allowed_origins=[host_site.origin])


class Agent:
    """An agent using the REST API of the live server."""

    def __init__(self, live_server: str, project: dict, user: dict) -> None:
        self.base = f"{live_server}/api/v1/projects/{project['id']}"
        self.headers = {"Authorization": f"Bearer {user['access_token']}"}

    def conversations(self) -> list[dict]:
        response = requests.get(f"{self.base}/conversations", headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def messages(self, conversation_id: int) -> list[dict]:
        response = requests.get(f"{self.base}/conversations/{conversation_id}/messages", headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def wait_for_visitor_messages(self, count: int, timeout: float = 20) -> tuple[int, list[str]]:
        """(conversation id, visitor message texts) once `count` visitor messages are stored."""
        deadline = time.monotonic() + timeout
        texts: list[str] = []
        while time.monotonic() < deadline:
            conversations = self.conversations()
            if conversations:
                cid = conversations[0]["id"]
                texts = [m["content"] for m in self.messages(cid) if m["sender_type"] == "visitor"]
                if len(texts) >= count:
                    return cid, texts
            time.sleep(0.2)
        raise AssertionError(f"expected {count} visitor messages, saw {texts}")

    def reply(self, conversation_id: int, content: str) -> dict:
        response = requests.post(
            f"{self.base}/conversations/{conversation_id}/messages",
            json={"content": content, "client_msg_id": str(uuid.uuid4())},
            headers=self.headers,
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return response.json()


def widget_frame(page, timeout: float = 15):
    """The chat iframe (it lives in the loader's closed shadow root, so find it among the page's frames)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "/widget/frame" in frame.url:
                return frame
        page.wait_for_timeout(50)
    raise AssertionError("the widget iframe never appeared")


def send(frame, text: str, label: str = "Message") -> None:
    box = frame.get_by_role("textbox", name=label)
    box.fill(text)
    box.press("Enter")


def test_visitor_chats_with_an_agent_from_a_foreign_origin(new_page, live_server, host_site, shop):
    project, manager = shop
    agent = Agent(live_server, project, manager)
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"]))

    # The loader creates the (hidden) frame once the launcher is drawn and the browser is idle.
    frame = widget_frame(page)
    # A visitor using the keyboard only: Tab to the launcher, Enter opens the chat.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    send(frame, "Hello, is my order shipped?")

    conversation_id, texts = agent.wait_for_visitor_messages(1)
    assert texts == ["Hello, is my order shipped?"]
    agent.reply(conversation_id, "Yes, it left this morning.")
    expect(frame.get_by_text("Yes, it left this morning.")).to_be_visible()
    expect(frame.get_by_text("Hello, is my order shipped?")).to_be_visible()


def test_calls_made_before_the_widget_is_ready_take_effect(new_page, live_server, host_site, shop, api):
    project, manager = shop
    script = "LiveChat.setLocale('es'); LiveChat.setAttributes({plan: 'pro'}); LiveChat.open();"
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"], script=script, loader_async=False))
    frame = widget_frame(page)
    # setLocale('es') and open() were queued before the frame existed.
    expect(frame.get_by_role("textbox", name="Mensaje")).to_be_visible()
    send(frame, "Hola", label="Mensaje")
    agent = Agent(live_server, project, manager)
    agent.wait_for_visitor_messages(1)
    visitors = api.get(f"/projects/{project['id']}/visitors", token=manager["access_token"]).json["items"]
    assert visitors[0]["attributes"].get("plan") == "pro"


def test_messages_written_offline_arrive_once_in_order(new_page, live_server, host_site, shop):
    project, manager = shop
    agent = Agent(live_server, project, manager)
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"]))
    page.evaluate("LiveChat.open()")
    frame = widget_frame(page)
    send(frame, "first, while online")
    agent.wait_for_visitor_messages(1)

    page.context.set_offline(True)
    send(frame, "second, offline")
    send(frame, "third, offline")
    page.wait_for_timeout(500)
    page.context.set_offline(False)

    _, texts = agent.wait_for_visitor_messages(3)
    page.wait_for_timeout(1500)  # give any duplicate a chance to arrive before counting
    _, texts = agent.wait_for_visitor_messages(3)
    assert texts == ["first, while online", "second, offline", "third, offline"]


def test_a_page_whose_origin_is_not_allowed_gets_no_widget(new_page, live_server, host_site, make_project):
    project, _ = make_project(name="Elsewhere", allowed_origins=["https://only-this-site.test"])
    page = new_page()
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    page.goto(host_site.page(live_server, project["public_key"]))
    page.wait_for_function("() => window.LiveChat !== undefined")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any("not allowed" in text for text in warnings):
        page.wait_for_timeout(100)
    assert any("LiveChat" in text and "not allowed" in text for text in warnings), warnings
    page.evaluate("LiveChat.open()")
    page.wait_for_timeout(500)
    assert not any("/widget/frame" in frame.url for frame in page.frames)


def test_html_from_an_agent_is_shown_as_text(new_page, live_server, host_site, shop):
    project, manager = shop
    agent = Agent(live_server, project, manager)
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"]))
    page.evaluate("LiveChat.open()")
    frame = widget_frame(page)
    send(frame, "hi")
    conversation_id, _ = agent.wait_for_visitor_messages(1)
    payload = '<img src=x onerror="window.__xss=1"><b>bold</b><script>window.__xss=2</script>'
    agent.reply(conversation_id, payload)
    expect(frame.get_by_text(payload)).to_be_visible()
    assert frame.evaluate("() => window.__xss") is None
    assert page.evaluate("() => window.__xss") is None
    assert frame.locator("img[src='x']").count() == 0
