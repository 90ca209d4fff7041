"""The project's 2FA policy and its audit trail, in a real Chromium."""
import pyotp
from playwright.sync_api import expect


def _enrol_in_the_profile(page, live_server: str) -> None:
    """Turn 2FA on from the profile page with a code computed here, as an authenticator app would."""
    if not page.url.endswith("/profile"):
        page.goto(f"{live_server}/profile")
    page.get_by_role("button", name="Set up two-factor authentication").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)


def test_a_member_without_2fa_is_told_to_enrol_then_let_in(new_page, sign_in, live_server, make_project, add_member):
    project, manager = make_project(name="Strict Co")
    agent = add_member(project, manager)
    settings = f"{live_server}/projects/{project['id']}/settings/security"

    page = sign_in(new_page(), manager)
    page.goto(settings)
    page.get_by_label("Require two-factor authentication for every member").check()
    page.get_by_role("button", name="Save").click()
    # A manager without 2FA of their own would lock themselves out: refused, with the reason.
    expect(page.get_by_role("alert")).to_contain_text("Enable two-factor authentication on your own account first")
    _enrol_in_the_profile(page, live_server)
    page.goto(settings)
    page.get_by_label("Require two-factor authentication for every member").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    page.reload()
    expect(page.get_by_role("row").filter(has_text="project.update").filter(has_text='"require_2fa":[false,true]')
           ).to_be_visible()

    member = sign_in(new_page(), agent)
    member.goto(f"{live_server}/projects/{project['id']}/conversations")
    expect(member.get_by_role("heading", name="This project requires two-factor authentication")).to_be_visible()
    expect(member.get_by_text("Pick a conversation on the left.")).to_have_count(0)
    member.get_by_role("link", name="Set up two-factor authentication").click()
    _enrol_in_the_profile(member, live_server)

    member.get_by_role("link", name="Inbox").click()  # within the app: no reload re-reads the account
    expect(member.get_by_text("Pick a conversation on the left.")).to_be_visible()
    expect(member.get_by_role("heading", name="This project requires two-factor authentication")).to_have_count(0)


def test_a_manager_reads_and_filters_the_audit_log(new_page, sign_in, live_server, api, make_project):
    project, manager = make_project(name="Audited Co")
    token = manager["access_token"]
    assert api.patch(f"/projects/{project['id']}", json={"name": "Audited & Co"}, token=token).status_code == 200
    invited = api.post(f"/projects/{project['id']}/invitations", json={"email": "new.agent@example.com",
                                                                       "role": "AGENT"}, token=token)
    assert invited.status_code == 201

    page = sign_in(new_page(), manager)
    page.goto(f"{live_server}/projects/{project['id']}/settings/security")
    log = page.get_by_role("region", name="Audit log")
    rows = log.get_by_role("row")
    expect(rows.filter(has_text="project.update").filter(has_text='"name":["Audited Co","Audited & Co"]')
           ).to_be_visible()
    expect(rows.filter(has_text="invitation.create")).to_be_visible()

    log.get_by_label("Event").fill("invitation.create")
    log.get_by_role("button", name="Filter").click()
    expect(rows.filter(has_text="project.update")).to_have_count(0)
    expect(rows.filter(has_text="invitation.create")).to_have_count(1)

    log.get_by_label("Who").select_option(label="API key")
    log.get_by_role("button", name="Filter").click()
    expect(log.get_by_text("No entries.")).to_be_visible()
