"""More of the dashboard end to end: team presence, private notes, attachments both ways, filters, visitor details."""
import base64
import re
import time

import requests
from playwright.sync_api import expect

from tests.e2e.pages import Agent, open_widget, send, visitor_writes, widget_frame

# A valid 1×1 PNG: the server checks the magic number, the browsers decode it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def wait_for_status(
    live_server: str, project: dict, viewer: dict, user_id: int, status: str, timeout: float = 20
) -> None:
    """Poll GET /presence until `user_id` has `status` (the browser's socket is then surely connected)."""
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        response = requests.get(f"{live_server}/api/v1/projects/{project['id']}/presence",
                                headers={"Authorization": f"Bearer {viewer['access_token']}"}, timeout=10)
        assert response.status_code == 200, response.text
        seen = {item["user_id"]: item["status"] for item in response.json()["items"]}.get(user_id)
        if seen == status:
            return
        time.sleep(0.2)
    raise AssertionError(f"user {user_id} stayed {seen}, expected {status}")


def image_loaded(frame_or_page, alt: str) -> None:
    """Wait until an <img alt=…> has actually decoded (a 401/404 behind it never does)."""
    frame_or_page.wait_for_function(
        "alt => [...document.querySelectorAll('img')].some(i => i.alt === alt && i.complete && i.naturalWidth > 0)",
        arg=alt,
        timeout=15_000,
    )


def team_member(page, name: str):
    return page.get_by_role("region", name="Team").get_by_role("listitem").filter(has_text=name)


def test_team_presence_is_loaded_on_sign_in_and_follows_live_changes(
    new_page, sign_in, live_server, make_project, add_member, make_user
):
    project, manager = make_project(name="Presence Co")
    colleague = add_member(project, manager, "AGENT", user=make_user(name="Cleo Colleague"))
    colleague_page = sign_in(new_page(), colleague)
    # Cleo came online before the manager connected: only the presence snapshot can tell the manager.
    wait_for_status(live_server, project, manager, colleague["user"]["id"], "online")

    manager_page = sign_in(new_page(), manager)
    expect(team_member(manager_page, "Cleo Colleague")).to_contain_text("Online")

    colleague_page.get_by_label("My status").select_option("away")
    expect(team_member(manager_page, "Cleo Colleague")).to_contain_text("Away")

    colleague_page.close()
    expect(team_member(manager_page, "Cleo Colleague")).to_contain_text("Offline")


def test_a_private_note_never_reaches_the_visitor(new_page, sign_in, live_server, host_site, shop):
    project, manager = shop
    visitor_page, frame, conversation_id = visitor_writes(
        new_page, live_server, host_site, project, manager, "I would like a refund"
    )

    agent_page = sign_in(new_page(), manager)
    agent_page.goto(f"{live_server}/projects/{project['id']}/conversations/{conversation_id}")
    log = agent_page.get_by_role("list", name="Messages")
    expect(log.get_by_text("I would like a refund")).to_be_visible()

    agent_page.get_by_role("button", name="Private note").click()
    note = agent_page.get_by_role("textbox", name="Private note")
    note.fill("Finance approved the refund")
    note.press("Enter")
    expect(log.get_by_text("Finance approved the refund")).to_be_visible()
    agent_page.get_by_role("button", name="Reply", exact=True).click()
    reply = agent_page.get_by_role("textbox", name="Reply")
    reply.fill("Your refund is on its way")
    reply.press("Enter")

    expect(frame.get_by_text("Your refund is on its way")).to_be_visible()
    expect(frame.get_by_text("Finance approved the refund")).to_have_count(0)
    # Nor in the history fetched after a reload.
    visitor_page.reload()
    visitor_page.evaluate("LiveChat.open()")
    frame = widget_frame(visitor_page)
    expect(frame.get_by_text("Your refund is on its way")).to_be_visible()
    expect(frame.get_by_text("Finance approved the refund")).to_have_count(0)


def test_an_image_sent_by_the_visitor_shows_in_the_dashboard(new_page, sign_in, live_server, host_site, shop):
    project, manager = shop
    _, frame = open_widget(new_page, live_server, host_site, project)
    frame.locator("input[type=file]").set_input_files({"name": "receipt.png", "mimeType": "image/png", "buffer": PNG})
    send(frame, "Here is my receipt")
    image_loaded(frame, "receipt.png")  # the visitor sees their own upload (served only with their token)
    conversation_id, _ = Agent(live_server, project, manager).wait_for_visitor_messages(1)

    agent_page = sign_in(new_page(), manager)
    agent_page.goto(f"{live_server}/projects/{project['id']}/conversations/{conversation_id}")
    log = agent_page.get_by_role("list", name="Messages")
    expect(log.get_by_text("Here is my receipt")).to_be_visible()
    expect(log.get_by_role("img", name="receipt.png")).to_be_visible()
    image_loaded(agent_page, "receipt.png")


def test_an_agent_attachment_reaches_the_visitor(new_page, sign_in, live_server, host_site, shop):
    project, manager = shop
    _, frame, conversation_id = visitor_writes(
        new_page, live_server, host_site, project, manager, "Can I have the invoice?"
    )

    agent_page = sign_in(new_page(), manager)
    agent_page.goto(f"{live_server}/projects/{project['id']}/conversations/{conversation_id}")
    agent_page.locator("#composer-files").set_input_files(
        {"name": "invoice.png", "mimeType": "image/png", "buffer": PNG}
    )
    reply = agent_page.get_by_role("textbox", name="Reply")
    reply.fill("Here it is")
    reply.press("Enter")

    log = agent_page.get_by_role("list", name="Messages")
    expect(log.get_by_text("Here it is")).to_be_visible()
    image_loaded(agent_page, "invoice.png")
    expect(frame.get_by_text("Here it is")).to_be_visible()
    image_loaded(frame, "invoice.png")
    stored = Agent(live_server, project, manager).messages(conversation_id)
    assert [a["name"] for m in stored for a in m["attachments"]] == ["invoice.png"]


def test_filters_list_unassigned_conversations_under_all_and_unassigned(
    new_page, sign_in, live_server, host_site, shop
):
    project, manager = shop
    _, frame = open_widget(new_page, live_server, host_site, project)
    send(frame, "Nobody has picked me yet")
    Agent(live_server, project, manager).wait_for_visitor_messages(1)

    # Signed in after the conversation exists: the list comes from the server's filter, not a live event.
    page = sign_in(new_page(), manager)
    filters = page.get_by_role("group", name="Show conversations")
    row = page.get_by_role("link", name=re.compile("Nobody has picked me yet"))
    expect(filters.get_by_role("button", name="All")).to_have_attribute("aria-pressed", "true")
    expect(row).to_be_visible()
    filters.get_by_role("button", name="Mine").click()
    expect(page.get_by_text("No conversations here.")).to_be_visible()
    filters.get_by_role("button", name="Unassigned").click()
    expect(row).to_be_visible()
    filters.get_by_role("button", name="All").click()
    expect(row).to_be_visible()


def test_the_visitor_panel_shows_the_page_the_visitor_is_on(new_page, sign_in, live_server, host_site, shop):
    project, manager = shop
    visitor_page, frame, conversation_id = visitor_writes(
        new_page, live_server, host_site, project, manager, "Is this in stock?"
    )

    agent_page = sign_in(new_page(), manager)
    agent_page.goto(f"{live_server}/projects/{project['id']}/conversations/{conversation_id}")
    panel = agent_page.get_by_role("complementary", name=re.compile("Visitor"))
    link = panel.get_by_role("link", name="Shop")
    expect(link).to_have_attribute("href", visitor_page.url)
    expect(panel.get_by_text("Online", exact=True)).to_be_visible()


def test_a_project_created_in_the_dashboard_gets_live_conversations_without_a_reload(
    new_page, sign_in, live_server, host_site, make_project
):
    _, manager = make_project(name="First Co")
    page = sign_in(new_page(), manager)
    page.get_by_label("Project").select_option(label="+ New project")
    page.get_by_label("Project name").fill("Second Co")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url(re.compile(r"/projects/\d+/settings/widget$"))
    project_id = int(re.search(r"/projects/(\d+)/", page.url).group(1))
    headers = {"Authorization": f"Bearer {manager['access_token']}"}
    response = requests.patch(
        f"{live_server}/api/v1/projects/{project_id}",
        json={"allowed_origins": [host_site.origin]},
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    project = response.json()

    # In-app navigation only: the socket connected before this project existed.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(page.get_by_text("No conversations here.")).to_be_visible()
    _, frame = open_widget(new_page, live_server, host_site, project)
    send(frame, "Hello, brand new project")
    expect(page.get_by_role("link", name=re.compile("Hello, brand new project"))).to_be_visible()


def test_a_pre_chat_form_set_in_the_dashboard_is_asked_by_the_widget(
    new_page, sign_in, live_server, host_site, shop
):
    project, manager = shop
    page = sign_in(new_page(), manager)
    page.goto(f"{live_server}/projects/{project['id']}/settings/inbox")
    page.get_by_label("Ask visitors for these details before their first message").check()
    page.get_by_role("button", name="Add a field").click()
    page.get_by_label("Label of field 1").fill("Order number")
    expect(page.get_by_label("Name of field 1")).to_have_value("order_number")
    page.get_by_role("list").filter(has=page.get_by_label("Label of field 1")).get_by_label("Required").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Label of field 1")).to_have_value("Order number")

    _, frame = open_widget(new_page, live_server, host_site, project)
    order = frame.get_by_label(re.compile("Order number"))
    order.fill("A-1234")
    frame.get_by_role("button", name="Start chatting").click()
    send(frame, "Where is it?")
    agent = Agent(live_server, project, manager)
    conversation_id, _ = agent.wait_for_visitor_messages(1)
    conversation = next(c for c in agent.conversations() if c["id"] == conversation_id)
    visitor = requests.get(
        f"{agent.base}/visitors/{conversation['visitor_id']}", headers=agent.headers, timeout=10
    ).json()
    assert visitor["attributes"].get("order_number") == "A-1234"


def test_a_revoked_api_key_shows_as_revoked_and_stops_working(new_page, sign_in, live_server, make_project, api):
    project, manager = make_project(name="Revoke Co")
    page = sign_in(new_page(), manager)
    page.goto(f"{live_server}/projects/{project['id']}/settings/api-keys")
    page.get_by_label("Key name").fill("old-crm")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_test_id("new-api-key").inner_text().strip()
    page.get_by_role("button", name="Done").click()
    assert api.get(f"/projects/{project['id']}", token=secret).status_code == 200

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke key old-crm").click()
    row = page.get_by_role("row").filter(has_text="old-crm")
    expect(row).to_contain_text("Revoked")
    expect(page.get_by_role("button", name="Revoke key old-crm")).to_have_count(0)
    assert api.get(f"/projects/{project['id']}", token=secret).status_code == 401


def test_typing_shows_both_ways(new_page, sign_in, live_server, host_site, shop):
    project, manager = shop
    _, frame, conversation_id = visitor_writes(new_page, live_server, host_site, project, manager, "Quick question")
    agent_page = sign_in(new_page(), manager)
    agent_page.goto(f"{live_server}/projects/{project['id']}/conversations/{conversation_id}")
    expect(agent_page.get_by_role("list", name="Messages").get_by_text("Quick question")).to_be_visible()

    frame.get_by_role("textbox", name="Message").press_sequentially("about sizes", delay=30)
    expect(agent_page.get_by_text("is typing…")).to_be_visible()

    agent_page.get_by_role("textbox", name="Reply").press_sequentially("Sure", delay=30)
    expect(frame.get_by_text(re.compile(f"{manager['user']['name']} is typing"))).to_be_visible()


def test_presence_changes_missed_while_disconnected_show_after_reconnecting(
    new_page, sign_in, live_server, make_project, add_member, make_user
):
    project, manager = make_project(name="Outage Co")
    colleague = add_member(project, manager, "AGENT", user=make_user(name="Omar Outage"))
    colleague_page = sign_in(new_page(), colleague)
    manager_page = sign_in(new_page(), manager)
    expect(team_member(manager_page, "Omar Outage")).to_contain_text("Online")

    manager_page.context.set_offline(True)
    expect(manager_page.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible()
    colleague_page.get_by_label("My status").select_option("away")
    wait_for_status(live_server, project, colleague, colleague["user"]["id"], "away")
    manager_page.context.set_offline(False)

    expect(manager_page.get_by_role("status").filter(has_text="Reconnecting")).to_have_count(0, timeout=30_000)
    expect(team_member(manager_page, "Omar Outage")).to_contain_text("Away")


def test_an_agent_renames_a_visitor_and_a_colleague_sees_it_live(
    new_page, sign_in, live_server, host_site, shop, add_member
):
    project, manager = shop
    colleague = add_member(project, manager, "AGENT")
    _, frame, conversation_id = visitor_writes(new_page, live_server, host_site, project, manager, "Hi, it's me")
    url = f"{live_server}/projects/{project['id']}/conversations/{conversation_id}"
    second = sign_in(new_page(), colleague)
    second.goto(url)
    expect(second.get_by_role("heading", name="Visitor", exact=True).first).to_be_visible()

    first = sign_in(new_page(), manager)
    first.goto(url)
    first.get_by_role("button", name="Edit name and email").click()
    first.get_by_label("Name", exact=True).fill("Vera Visitor")
    first.get_by_label("Email", exact=True).fill("vera@example.com")
    first.get_by_role("complementary").filter(has=first.get_by_label("Name", exact=True)).get_by_role(
        "button", name="Save"
    ).click()
    expect(first.get_by_role("heading", name="Vera Visitor").first).to_be_visible()

    expect(second.get_by_role("heading", name="Vera Visitor", level=1)).to_be_visible()
    expect(second.get_by_role("link", name=re.compile("Vera Visitor"))).to_be_visible()
    agent = Agent(live_server, project, manager)
    conversation = next(c for c in agent.conversations() if c["id"] == conversation_id)
    assert conversation["visitor"]["name"] == "Vera Visitor"
    assert conversation["visitor"]["email"] == "vera@example.com"
