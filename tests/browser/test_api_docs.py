"""The API's Swagger UI runs in a real browser under the site's Content-Security-Policy."""

from tests.browser.support import BROWSER_MARKS, expect

pytestmark = BROWSER_MARKS


def test_the_api_docs_list_every_operation_without_breaking_the_policy(page, demo_day):
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name="Meetup Notes API")).to_be_visible()
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    paths = operations.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/days/{id}/" in [path.replace("\u200b", "") for path in paths]
    assert operations.count() == 23  # 10 lists, 10 records, 3 writable lists
    assert [line for line in console if "Content Security Policy" in line] == []
