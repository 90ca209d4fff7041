"""Page helpers for browser tests: a customer site on another origin, the widget frame, an agent over REST."""
from __future__ import annotations

import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

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
        response = requests.get(
            f"{self.base}/conversations/{conversation_id}/messages", headers=self.headers, timeout=10
        )
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


def open_widget(new_page, live_server: str, host_site: HostSite, project: dict):
    """A visitor on the customer's site with the chat open; returns (page, frame)."""
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"]))
    page.evaluate("LiveChat.open()")
    return page, widget_frame(page)


def visitor_writes(new_page, live_server: str, host_site: HostSite, project: dict, manager: dict, text: str):
    """A visitor opens the chat and writes `text`; returns (page, frame, conversation id) once it is stored."""
    page, frame = open_widget(new_page, live_server, host_site, project)
    send(frame, text)
    conversation_id, _ = Agent(live_server, project, manager).wait_for_visitor_messages(1)
    return page, frame, conversation_id
