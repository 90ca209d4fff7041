"""Account security in a real Chromium: 2FA enrolment and sign-in, password reset from the mail."""
import re

import pyotp
from playwright.sync_api import expect

from tests.auth.conftest import code_at
from tests.helpers import text_body


def test_enrol_2fa_from_the_profile_then_sign_in_with_a_code(new_page, sign_in, live_server, make_project):
    _, manager = make_project(name="Two Factor Co")
    page = sign_in(new_page(), manager)
    page.goto(f"{live_server}/profile")
    page.get_by_role("button", name="Set up two-factor authentication").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    expect(page.get_by_text("On: signing in needs a code")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill(manager["email"])
    page.get_by_label("Password").fill(manager["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Authentication code").fill(code_at(secret, +1))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()


def test_reset_a_password_from_the_mail(new_page, live_server, make_project, smtp_sink, rq_worker):
    _, manager = make_project(name="Reset Co")
    page = new_page()
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(manager["email"])
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_text("a reset link is on its way")).to_be_visible()

    mail = next(m for m in _mails(smtp_sink, manager["email"]) if "reset" in m["Subject"].lower())
    link = re.search(r"http://\S+/reset-password\?token=[\w-]+", text_body(mail)).group(0)
    assert link.startswith(live_server)
    page.goto(link)
    page.get_by_label("New password").fill("a brand new passphrase 77")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password is changed")).to_be_visible()

    page.goto(f"{live_server}/")
    page.get_by_label("Email").fill(manager["email"])
    page.get_by_label("Password").fill("a brand new passphrase 77")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()


def _mails(sink, to: str, timeout: float = 20.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in sink.all_to(to) if "reset" in m["Subject"].lower()]
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no reset mail to {to}")


def test_sign_up_shows_the_verify_banner_until_the_mailed_link_is_opened(new_page, live_server, smtp_sink, rq_worker):
    import uuid

    email = f"banner-{uuid.uuid4().hex[:8]}@example.com"
    page = new_page()
    page.goto(f"{live_server}/signup")
    page.get_by_label("Name").fill("Bea")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Create account").click()
    # The browser's own check stops a short password; a long but common one gets the server's reason.
    page.get_by_label("Password").fill("password1234")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("too weak")
    page.get_by_label("Password").fill("a sturdy passphrase 31")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Please confirm your email address ({email})")).to_be_visible()

    mail = smtp_sink.wait_for(email)
    link = re.search(r"http://\S+/verify-email\?token=[\w-]+", text_body(mail)).group(0)
    page.goto(link)
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    page.reload()
    expect(page.get_by_role("heading", name="Create your first project")).to_be_visible()
    expect(page.get_by_text("Please confirm your email address")).to_have_count(0)


def test_sign_in_with_an_openid_provider(new_page, app, rq_worker):
    """A server of its own, configured with the loopback provider: the button shows and signs in."""
    import os
    import subprocess
    import sys
    import uuid

    from tests.auth.oidc_provider import OpenIDProvider
    from tests.conftest import ROOT
    from tests.helpers import free_port, stop_processes, wait_until_ready

    provider = OpenIDProvider().start()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ) | app.config["TEST_ENV"] | {
        "HOST": "127.0.0.1", "PORT": str(port), "PUBLIC_URL": base_url, "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": provider.client_id, "OIDC_CLIENT_SECRET": provider.client_secret, "OIDC_NAME": "Acme SSO"}
    server = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env)
    try:
        wait_until_ready(server, base_url)
        email = f"sso-{uuid.uuid4().hex[:8]}@example.com"
        provider.next_user = {"sub": uuid.uuid4().hex, "email": email, "email_verified": True, "name": "Sam SSO"}
        page = new_page()
        page.goto(f"{base_url}/")
        page.get_by_role("link", name="Sign in with Acme SSO").click()
        expect(page.get_by_role("heading", name="Create your first project")).to_be_visible()
        page.goto(f"{base_url}/profile")
        expect(page.get_by_text(f"oidc — {email}")).to_be_visible()
    finally:
        stop_processes([server])
        provider.stop()


def test_a_manager_erases_a_visitor_from_the_visitor_panel(new_page, sign_in, live_server, host_site, shop):
    from tests.e2e.pages import Agent, visitor_writes

    project, manager = shop
    _, _, conversation_id = visitor_writes(new_page, live_server, host_site, project, manager, "My card ends in 4242")
    page = sign_in(new_page(), manager)
    page.goto(f"{live_server}/projects/{project['id']}/conversations/{conversation_id}")
    expect(page.get_by_role("list", name="Messages").get_by_text("My card ends in 4242")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Erase visitor").click()
    expect(page.get_by_text("Erased.")).to_be_visible()
    contents = [m["content"] for m in Agent(live_server, project, manager).messages(conversation_id)]
    assert contents and set(contents) == {"[erased]"}
