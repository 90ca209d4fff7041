"""Browser fixtures: Debian's Chromium driven by Playwright, against the live server."""
from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

from tests import services
from tests.e2e.pages import HostSite

# Live updates cross processes (web, relay worker, Redis); on a loaded 2-core CI box give them time.
expect.set_options(timeout=15_000)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine has no network beyond loopback: keep Chromium from phoning home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return os.environ.get("SCREENSHOT_BROWSER") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    executable = _chromium_path()
    if executable is None:
        services.unavailable("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (separate storage, like separate people)."""
    contexts = []

    def open_page():
        context = browser.new_context()
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(live_server):
    """Sign a user in through the dashboard's form; returns the page once the app shell shows."""

    def sign(page, user: dict):
        page.goto(f"{live_server}/")
        page.get_by_label("Email").fill(user["email"])
        page.get_by_label("Password").fill(user["password"])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Settings").wait_for()
        return page

    return sign


@pytest.fixture(scope="session")
def host_site():
    site = HostSite()
    yield site
    site.close()


@pytest.fixture
def shop(make_project, host_site):
    """A project whose allowed origin is the host site; returns (project, manager)."""
    return make_project(name="Shop", allowed_origins=[host_site.origin])
