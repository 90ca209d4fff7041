"""Issue 14: the widget in a real Chromium shows no internal workflow lines."""
import requests
from playwright.sync_api import expect

from tests.e2e.pages import Agent, send, widget_frame


def test_the_widget_shows_no_internal_status_messages(new_page, live_server, host_site, shop):
    project, manager = shop
    agent = Agent(live_server, project, manager)
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"]))
    page.evaluate("LiveChat.open()")
    frame = widget_frame(page)
    send(frame, "Where is my parcel?")
    conversation_id, _ = agent.wait_for_visitor_messages(1)

    def patch(**fields):
        response = requests.patch(f"{agent.base}/conversations/{conversation_id}", json=fields,
                                  headers=agent.headers, timeout=10)
        assert response.status_code == 200, response.text

    patch(assignee_id=manager["user"]["id"])
    patch(status="snoozed", snoozed_until="2099-01-01T00:00:00Z")
    patch(status="open")
    agent.reply(conversation_id, "Found it, it ships today.")

    expect(frame.get_by_text("Found it, it ships today.")).to_be_visible()
    expect(frame.get_by_text(f"{manager['user']['name']} joined the conversation")).to_be_visible()
    # A reload syncs the history from the server: still none of the workflow lines.
    page.reload()
    page.evaluate("LiveChat.open()")
    frame = widget_frame(page)
    expect(frame.get_by_text("Found it, it ships today.")).to_be_visible()
    log = frame.get_by_role("log").inner_text()
    for internal in ("assigned", "snoozed", "reopened", "open again"):
        assert internal not in log, log
    # The agents' view keeps every line.
    contents = [m["content"] for m in agent.messages(conversation_id)]
    assert any("assigned this conversation" in c for c in contents)
    assert any("snoozed this conversation" in c for c in contents)
    assert any("reopened this conversation" in c for c in contents)
