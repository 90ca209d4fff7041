"""The browser fixtures of the e2e suite, for the deployment tests that drive Chromium."""
from tests.e2e.conftest import browser, new_page, pytest_runtest_makereport  # noqa: F401
