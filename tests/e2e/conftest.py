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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _describe(page) -> str:
    """What a person would see on the page, frame by frame, plus its console."""
    lines = [f"--- page {page.url}"]
    lines += [f"console: {text}" for text in getattr(page, "console_lines", [])[-30:]]
    for frame in page.frames:
        try:
            lines.append(f"[frame {frame.url}]\n{frame.locator('body').inner_text(timeout=2000)[:3000]}")
        except Exception as error:  # noqa: BLE001 - a diagnostic must not hide the real failure
            lines.append(f"[frame {frame.url}] unreadable: {error}")
    return "\n".join(lines)


@pytest.fixture
def new_page(browser, request):
    """Open pages in fresh browser contexts (separate storage, like separate people).

    When the test fails, every page's visible text and console go to the test's output.
    """
    contexts, pages = [], []

    def open_page():
        context = browser.new_context()
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.console_lines = []
        page.on("console", lambda message: page.console_lines.append(f"{message.type}: {message.text}"))
        pages.append(page)
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print("\n".join(_describe(page) for page in pages))
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
