"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

They run whenever ``/usr/bin/chromium`` exists (``apt-get install chromium``) and are skipped
otherwise, with the reason printed at the end of the run. ``REQUIRE_BROWSER_TESTS=1`` (set by
``.ci/run``) turns every such skip (no Chromium, no Playwright, no ``pdftoppm``, no axe-core)
into a failure, so CI cannot pass without them.

Playwright is never asked to download a browser (``playwright install``): Chromium comes from
Debian. axe-core comes from npm into ``tests/browser/node_modules`` (``make test`` runs
``npm ci`` there; the folder is not committed).
"""

import io
import os
import shutil
from collections import Counter

import pytest
from django.core.management import call_command

from tests.browser.support import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_SLUG,
    DESKTOP,
    REPO,
    browser_tests_required,
    chromium_missing_reason,
    unavailable,
)

# Playwright's sync API keeps an asyncio event loop running in the test thread, and the ORM
# refuses to run while one is (SynchronousOnlyOperation). The tests only touch the database
# between browser calls, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    reason = chromium_missing_reason()
    if reason and not browser_tests_required():
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter):
    """Say once, in the summary, why browser tests were skipped (``-q`` hides skip reasons)."""
    reasons = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        if "browser" in report.keywords and isinstance(report.longrepr, tuple):
            reasons[report.longrepr[2].removeprefix("Skipped: ")] += 1
    for reason, count in reasons.items():
        terminalreporter.write_line(
            f"Browser tests: {count} skipped: {reason}", yellow=True, bold=True
        )


# -- Playwright -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    reason = chromium_missing_reason()
    if reason:
        unavailable(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
        # Close what was opened under Playwright's loop, so the test database can be dropped.
        connections.close_all()


class PageProblems:
    """JavaScript errors and failed static files seen by the pages of one test."""

    def __init__(self):
        self.errors = []

    def watch(self, page):
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("response", self.check_response)

    def check_response(self, response):
        if response.status >= 400 and "/static/" in response.url:
            self.errors.append(f"{response.status} {response.url}")


@pytest.fixture
def new_page(chromium, live_server):
    """``new_page(viewport=..., color_scheme=..., ...)``: a page in a fresh browser context.

    Fails the test at teardown if a page raised a JavaScript error or missed a static file.
    """
    contexts = []
    problems = PageProblems()

    def make(viewport=DESKTOP, **options):
        # Reduced motion: Bootstrap then jumps to anchors instead of scrolling smoothly.
        options.setdefault("reduced_motion", "reduce")
        context = chromium.new_context(
            base_url=live_server.url, viewport=viewport, accept_downloads=True, **options
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems.errors == []


@pytest.fixture
def page(new_page):
    return new_page()


# -- Data and tools ---------------------------------------------------------------------------


@pytest.fixture
def demo_day(live_server):
    """The demo meetup's day 1, loaded by ``load_demo`` as ``make run`` does."""
    from priorities.models import Day

    call_command("load_demo", stdout=io.StringIO())
    return Day.objects.select_related("meetup").get(meetup__slug=DEMO_SLUG, number=1)


@pytest.fixture(scope="session")
def pdftoppm():
    path = shutil.which("pdftoppm")
    if not path:
        unavailable("pdftoppm not installed (apt-get install poppler-utils): print check skipped")
    return path


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.exists():
        unavailable(
            f"axe-core not installed at {AXE_JS.relative_to(REPO)}: accessibility check "
            "skipped (make test installs it with npm, or run `npm ci --prefix tests/browser`)"
        )
    return AXE_JS.read_text(encoding="utf-8")
