"""What the browser tests share: where Chromium, axe-core and the screenshots live, and helpers.

Nothing here imports Playwright at module level, so the suite collects (and skips the browser
tests with a clear reason) on a machine without it.
"""

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_TESTS = Path(__file__).resolve().parent
REPO = BROWSER_TESTS.parent.parent
AXE_JS = BROWSER_TESTS / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", REPO / "docs" / "screenshots"))
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PHONE_OPTIONS = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
DEMO_SLUG = "nova-kilo-midcycle"
EDITOR_PASSWORD = "correct horse battery"

#: Every test module here carries these marks: ``pytest -m browser`` runs them alone. The live
#: server needs a transactional database: each test ends by emptying the tables, after which
#: Django's post-migrate step gives them back their content types, permissions and the Editors
#: group (``priorities.roles``), so a test that runs next in the same worker finds them.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.any_database,
    pytest.mark.django_db(transaction=True),
]


def browser_tests_required():
    return os.environ.get("REQUIRE_BROWSER_TESTS", "").strip().lower() in {"1", "true", "yes"}


def chromium_missing_reason():
    """Why the browser tests cannot run here, or ``None`` when they can."""
    if not CHROMIUM.exists():
        return (
            f"Chromium not installed at {CHROMIUM}: browser tests skipped "
            "(apt-get install chromium to run them)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python not installed: browser tests skipped (make install)"
    return None


def unavailable(reason):
    """Skip for ``reason``, or fail when REQUIRE_BROWSER_TESTS is set (as in CI)."""
    if browser_tests_required():
        pytest.fail(f"REQUIRE_BROWSER_TESTS is set, so this fails: {reason}", pytrace=False)
    pytest.skip(reason)


def expect(*args, **kwargs):
    """Playwright's ``expect``, imported only when a browser test runs."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(*args, **kwargs)


def save_screenshot(page, name, **options):
    """Save ``docs/screenshots/<name>.png``, overwriting the previous run's. Animations are
    stopped unless ``animations="allow"`` (a scroll-driven one shows the scoreboard's hint)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    options = {"animations": "disabled", "caret": "hide", **options}
    page.screenshot(path=str(path), **options)
    return path


def pdf_page_to_png(pdftoppm, pdf, png, page=1, dpi=60):
    """Render one page of ``pdf`` as ``png`` with poppler's ``pdftoppm``."""
    stem = png.with_suffix("")
    subprocess.run(  # noqa: S603 (fixed arguments, our own files)
        [
            pdftoppm,
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            pdf,
            stem,
        ],
        check=True,
        capture_output=True,
    )
    return png


def public_urls(day):
    """Every public page for the demo ``day``; ``/search/`` too once search has landed."""
    from django.urls import NoReverseMatch, reverse

    from priorities.models import PriorityArea

    area = PriorityArea.objects.filter(updates__session__day=day).first()
    urls = {
        "home": "/",
        "meetup": day.meetup.get_absolute_url(),
        "day": day.get_absolute_url(),
        "priorities": reverse("priorities:priority-list"),
        "priority": area.get_absolute_url(),
        "team": day.meetup.team.get_absolute_url(),
        "feed": reverse("priorities:updates-feed"),
        "decisions": reverse("priorities:decision-list"),
        "actions": reverse("priorities:action-list"),
    }
    with contextlib.suppress(NoReverseMatch):
        urls["search"] = reverse("priorities:search") + "?q=neutron"
    return urls
