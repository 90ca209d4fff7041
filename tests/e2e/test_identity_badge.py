"""Issue 14: the dashboard marks visitors whose identity the project's HMAC verified."""
import hashlib
import hmac
import re

from playwright.sync_api import expect


def test_a_verified_visitor_shows_the_badge_and_a_claimed_email_says_so(new_page, sign_in, live_server,
                                                                        make_widget_project, make_visitor,
                                                                        make_conversation):
    project, manager = make_widget_project(name="Badge Co")
    identifier = "customer-42"
    digest = hmac.new(project["identity_secret"].encode(), identifier.encode(), hashlib.sha256).hexdigest()
    verified = make_visitor(project, identifier=identifier, identifier_hash=digest, name="Vera Verified",
                            email="vera@customer.example.org")
    claimer = make_visitor(project, name="Carl Claimer", email="vera@customer.example.org")
    make_conversation(project, "I am the real Vera", visitor=verified)
    make_conversation(project, "I am Vera too, honest", visitor=claimer)

    page = sign_in(new_page(), manager)
    verified_row = page.get_by_role("link", name=re.compile("Vera Verified"))
    claimer_row = page.get_by_role("link", name=re.compile("Carl Claimer"))
    expect(verified_row.get_by_test_id("identity-verified")).to_be_visible()
    expect(claimer_row).to_be_visible()
    expect(claimer_row.get_by_test_id("identity-verified")).to_have_count(0)

    verified_row.click()
    panel = page.locator(".visitor-panel")
    expect(panel.get_by_role("heading", name=re.compile("Vera Verified"))).to_be_visible()
    expect(panel.get_by_test_id("identity-verified")).to_be_visible()
    expect(panel.get_by_test_id("identity-claimed")).to_have_count(0)

    claimer_row.click()
    expect(panel.get_by_role("heading", name=re.compile("Carl Claimer"))).to_be_visible()
    expect(panel.get_by_test_id("identity-verified")).to_have_count(0)
    expect(panel.get_by_test_id("identity-claimed")).to_have_text("(claimed)")
