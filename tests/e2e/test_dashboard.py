"""The agent dashboard in a real Chromium against the real app."""
from playwright.sync_api import expect


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
