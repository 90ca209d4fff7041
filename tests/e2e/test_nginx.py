"""Two web processes behind Debian's nginx (deploy/nginx.conf as shipped), on loopback.

A visitor's widget goes through nginx and sticks to one process; the agent
works on the other process. They chat normally: messages both ways, typing
both ways, read receipts both ways, carried between the processes by Redis.
"""
from __future__ import annotations

import json
import re
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.pages import send, widget_frame
from tests.faults.stack import Nginx, Stack, require
from tests.helpers import free_port


@pytest.fixture
def deployment(tmp_path):
    """PostgreSQL, Redis, two gunicorn web processes, one worker.py, nginx in front (all private)."""
    require("nginx", "apt-get install nginx-light")
    stack = Stack(tmp_path)
    try:
        port = free_port()
        # The public address is nginx's: the widget frame and the dashboard are served from there.
        webs = [stack.add_web(f"web{n}", TRUSTED_PROXY_COUNT="1", PUBLIC_URL=f"http://127.0.0.1:{port}")
                for n in (1, 2)]
        stack.add_worker()
        for web in webs:
            web.wait_ready()
        nginx = Nginx(webs, stack.logs, port)
        yield stack, webs, nginx
    finally:
        if "nginx" in locals():
            nginx.stop()
        stack.close()


def _routes_served(web) -> list[str]:
    """The routes a web process answered, from its JSON access log."""
    routes = []
    for line in web.output().splitlines():
        if line.startswith("{") and '"request"' in line:
            routes.append(json.loads(line).get("route") or "")
    return routes


def _process_of_the_visitor(webs) -> int:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        served = [("/api/v1/widget/session" in _routes_served(web)) for web in webs]
        if any(served):
            assert served.count(True) == 1, "one visitor's requests went to both processes"
            return served.index(True)
        time.sleep(0.2)
    raise AssertionError("no web process served the widget session")


def test_nginx_serves_hashed_assets_long_cached_and_keeps_metrics_private(deployment):
    _, _, nginx = deployment
    index = requests.get(f"{nginx.url}/", timeout=10)
    assert index.status_code == 200
    asset = re.search(r'/assets/[^"]+\.js', index.text).group(0)
    cached = requests.get(f"{nginx.url}{asset}", timeout=10)
    assert cached.status_code == 200
    assert "immutable" in cached.headers["Cache-Control"] and "max-age=31536000" in cached.headers["Cache-Control"]
    assert requests.get(f"{nginx.url}/metrics", timeout=10).status_code == 404
    too_big = requests.post(f"{nginx.url}/api/v1/widget/session", data=b"x" * (12 * 1024 * 1024), timeout=30)
    assert too_big.status_code == 413


def test_a_visitor_on_one_process_and_an_agent_on_the_other_chat_normally(deployment, new_page, host_site):
    stack, webs, nginx = deployment
    seeded = stack.project(nginx.url, origins=[host_site.origin])
    project, manager = seeded["project"], seeded["manager"]

    visitor_page = new_page()
    visitor_page.goto(host_site.page(nginx.url, project["public_key"]))
    visitor_page.evaluate("LiveChat.open()")
    frame = widget_frame(visitor_page)
    send(frame, "Hello through nginx")
    visitor_process = _process_of_the_visitor(webs)
    agent_web = webs[1 - visitor_process]

    # The agent's dashboard runs on the other process.
    agent = new_page()
    agent.goto(f"{agent_web.url}/")
    agent.get_by_label("Email").fill(manager["email"])
    agent.get_by_label("Password").fill(manager["password"])
    agent.get_by_role("button", name="Sign in").click()
    row = agent.get_by_role("link", name=re.compile("Hello through nginx"))
    expect(row).to_be_visible()
    row.click()
    messages = agent.get_by_role("list", name="Messages")
    expect(messages.get_by_text("Hello through nginx")).to_be_visible()
    # The agent read it: the visitor's message shows as seen in the widget.
    expect(frame.get_by_text("Seen")).to_be_visible()

    frame.get_by_role("textbox", name="Message").press_sequentially("about my order", delay=30)
    expect(agent.get_by_text("is typing…")).to_be_visible()
    agent.get_by_role("textbox", name="Reply").press_sequentially("Let me check", delay=30)
    expect(frame.get_by_text(re.compile(f"{manager['user']['name']} is typing"))).to_be_visible()
    agent.get_by_role("textbox", name="Reply").press("Enter")
    expect(frame.get_by_text("Let me check")).to_be_visible()
    # The visitor has the reply on screen: the agent's message shows as seen in the dashboard.
    expect(messages.get_by_text("Seen")).to_be_visible()

    send(frame, "Thanks!")
    expect(messages.get_by_text("Thanks!")).to_be_visible()
    assert _process_of_the_visitor(webs) == visitor_process
    assert "/api/v1/widget/session" not in _routes_served(agent_web)
