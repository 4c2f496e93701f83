"""The day page on paper: Chromium prints it to PDF, poppler turns pages into PNG and text."""

import re
import shutil
import subprocess

from tests.browser.support import (
    BROWSER_MARKS,
    SCREENSHOTS,
    expect,
    pdf_page_to_png,
    unavailable,
)

pytestmark = BROWSER_MARKS


def pdf_pages_text(pdf):
    """The text of each page of ``pdf``, by poppler's ``pdftotext`` (same package as pdftoppm)."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        unavailable("pdftotext not installed (apt-get install poppler-utils): print check skipped")
    result = subprocess.run(  # noqa: S603 (fixed arguments, our own file)
        [pdftotext, "-layout", pdf, "-"], check=True, capture_output=True, text=True
    )
    return result.stdout.split("\f")


def test_day_page_prints_without_navigation_with_links_and_page_breaks(
    page, demo_day, pdftoppm, tmp_path
):
    page.goto(demo_day.get_absolute_url())
    source = page.locator(".print-source")
    expect(source).to_have_text(re.compile(rf"^http://localhost:\d+{demo_day.get_absolute_url()}$"))
    # The live server's port changes every run; the committed picture should not.
    source.evaluate("el => { el.textContent = el.textContent.replace(/:[0-9]+\\//, ':8000/'); }")
    pdf = tmp_path / "day.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf_page_to_png(pdftoppm, pdf, SCREENSHOTS / "day-print.png", page=1, dpi=70)
    pdf_page_to_png(pdftoppm, pdf, SCREENSHOTS / "day-print-2.png", page=2, dpi=70)

    pages = [text for text in pdf_pages_text(pdf) if text.strip()]
    everything = "\n".join(pages)
    # No navigation: no header, breadcrumbs, search, buttons or footer.
    for absent in ("Skip to content", "Search the notes", "Download Markdown", "Meetups /"):
        assert absent not in everything
    assert "what each day of a developer meetup covered" not in everything
    # What the page is about, and where it lives.
    assert "Day 1" in pages[0]
    assert demo_day.get_absolute_url() in pages[0]
    assert "At a glance" in pages[0]
    # Links are written out after their text.
    assert "(/teams/openstack-nova/priorities/cells-v2/)" in " ".join(everything.split())
    # The priority areas and the sessions each begin a page.
    first_lines = [text.strip().splitlines()[0].strip() for text in pages]
    assert "Priority areas" in first_lines
    assert "Sessions" in first_lines


def test_printing_from_dark_mode_uses_the_light_palette(new_page, demo_day):
    page = new_page(color_scheme="dark")
    page.goto(demo_day.get_absolute_url())
    assert page.evaluate("document.documentElement.dataset.bsTheme") == "dark"
    on_screen = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(media="print")
    body = page.locator("body").evaluate(
        "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]"
    )
    badge = page.locator(".status-started").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert on_screen != "rgb(255, 255, 255)"
    assert body == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert badge == "rgb(207, 226, 255)"
