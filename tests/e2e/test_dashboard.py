"""The agent dashboard in a real Chromium against the real app."""
import re

from playwright.sync_api import expect

from tests.e2e.pages import Agent, open_widget, send, visitor_writes


def test_agent_signs_in_and_sees_the_inbox(new_page, sign_in, make_project):
    project, manager = make_project(name="Browser Co")
    page = sign_in(new_page(), manager)
    expect(page.get_by_role("combobox", name="Project")).to_have_value(str(project["id"]))
    expect(page.get_by_text("No conversations here.")).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_signed_out(new_page, live_server, make_user):
    user = make_user()
    page = new_page()
    page.goto(f"{live_server}/")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()


def test_agent_cannot_reach_manager_settings(new_page, sign_in, live_server, make_project, add_member):
    project, manager = make_project(name="Roles Co")
    agent = add_member(project, manager, "AGENT")
    page = sign_in(new_page(), agent)
    page.goto(f"{live_server}/projects/{project['id']}/settings/api-keys")
    expect(page.get_by_text("Only managers can change these settings.")).to_be_visible()
    nav = page.get_by_role("navigation", name="Settings sections")
    expect(nav.get_by_role("link", name="API keys")).to_have_count(0)
    expect(nav.get_by_role("link", name="Invitations")).to_have_count(0)
    expect(page.get_by_label("Project name")).to_be_disabled()


def test_manager_creates_an_api_key_shown_once_and_it_works(new_page, sign_in, live_server, make_project, api):
    project, manager = make_project(name="Keys Co")
    page = sign_in(new_page(), manager)
    page.goto(f"{live_server}/projects/{project['id']}/settings/api-keys")
    page.get_by_label("Key name").fill("zapier")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_test_id("new-api-key").inner_text().strip()
    assert secret.startswith("lck_")
    assert api.get(f"/projects/{project['id']}", token=secret).status_code == 200
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_test_id("new-api-key")).to_have_count(0)
    expect(page.get_by_role("cell", name="zapier", exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_role("cell", name="zapier", exact=True)).to_be_visible()
    expect(page.get_by_text(secret)).to_have_count(0)


# --- live inbox with a real visitor in the widget -------------------------------

def test_a_new_conversation_appears_live_and_the_reply_reaches_the_visitor(
    new_page, sign_in, live_server, host_site, shop
):
    project, manager = shop
    agent_page = sign_in(new_page(), manager)
    expect(agent_page.get_by_text("No conversations here.")).to_be_visible()

    _, frame = open_widget(new_page, live_server, host_site, project)
    send(frame, "Where is my parcel?")

    row = agent_page.get_by_role("link", name=re.compile("Where is my parcel"))
    expect(row).to_be_visible()  # arrived over the socket, no reload
    row.click()
    composer = agent_page.get_by_role("textbox", name="Reply")
    composer.fill("It is on its way.")
    composer.press("Enter")
    expect(frame.get_by_text("It is on its way.")).to_be_visible()


def test_a_second_agent_sees_the_assignment_change_live(
    new_page, sign_in, live_server, host_site, shop, add_member
):
    project, manager = shop
    colleague = add_member(project, manager, "AGENT")
    _, frame, conversation_id = visitor_writes(
        new_page, live_server, host_site, project, manager, "Can someone help me?"
    )

    url = f"{live_server}/projects/{project['id']}/conversations/{conversation_id}"
    first = sign_in(new_page(), manager)
    first.goto(url)
    second = sign_in(new_page(), colleague)
    second.goto(url)
    expect(second.get_by_label("Assignee")).to_have_value("")

    first.get_by_role("button", name="Assign to me").click()
    expect(second.get_by_label("Assignee")).to_have_value(str(manager["user"]["id"]))


def test_after_a_dropped_connection_missed_messages_appear_exactly_once(
    new_page, sign_in, live_server, host_site, shop
):
    project, manager = shop
    _, frame, conversation_id = visitor_writes(
        new_page, live_server, host_site, project, manager, "hello before the outage"
    )
    agent_page = sign_in(new_page(), manager)
    agent_page.goto(f"{live_server}/projects/{project['id']}/conversations/{conversation_id}")
    log = agent_page.get_by_role("list", name="Messages")
    expect(log.get_by_text("hello before the outage")).to_be_visible()

    agent_page.context.set_offline(True)
    expect(agent_page.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible()
    send(frame, "sent during the outage 1")
    send(frame, "sent during the outage 2")
    Agent(live_server, project, manager).wait_for_visitor_messages(3)
    agent_page.context.set_offline(False)

    expect(agent_page.get_by_role("status").filter(has_text="Reconnecting")).to_have_count(0, timeout=30_000)
    for text in ("sent during the outage 1", "sent during the outage 2"):
        expect(log.get_by_text(text)).to_have_count(1)
    agent_page.wait_for_timeout(1000)  # a late duplicate would show up by now
    for text in ("hello before the outage", "sent during the outage 1", "sent during the outage 2"):
        expect(log.get_by_text(text)).to_have_count(1)
