"""``export_site`` and ``import_site``: the demo site, written out and read into an empty
database by another process, gives byte-identical day reports and the same API answers."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from priorities.interchange.report_export import day_report
from priorities.interchange.site_backup import backed_up_models
from priorities.models import CONTENT_MODELS, ApiToken, Day, StatusUpdate
from tests.factories import EditorFactory, TeamFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
#: What the restored site is asked, and the original too: the answers must be the same.
API_URLS = [
    "/api/teams/",
    "/api/cycles/",
    "/api/meetups/",
    "/api/days/",
    "/api/status-updates/",
    "/api/decisions/",
    "/api/action-items/?done=true",
    "/api/risks/",
]


def manage(database, *args):
    """manage.py in its own process, on the SQLite database at ``database``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        # Reports link back to the day page at the site's address: the same in both processes.
        "SITE_URL": settings.SITE_URL,
    }
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return result


@pytest.fixture
def demo_site(demo_day):
    """The demo, with an editor of its team holding a token (and so some history)."""
    editor = EditorFactory(username="note-taker")
    editor.teams.add(TeamFactory())
    ApiToken.issue(editor, "Status bot")
    update = StatusUpdate.objects.filter(session__day=demo_day).first()
    update.headline = "Edited once, so there is history"
    update.save()
    return demo_day


def export(tmp_path):
    path = tmp_path / "site.zip"
    call_command("export_site", str(path), stdout=io.StringIO())
    return path


def test_the_zip_holds_every_row_and_every_days_report(tmp_path, demo_site):
    with zipfile.ZipFile(export(tmp_path)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        rows = json.loads(archive.read("site.json"))
        report = archive.read("reports/nova-kilo-midcycle/day-1.md").decode()
    assert report == day_report(Day.objects.with_meetup().get(pk=demo_site.pk))
    assert manifest["format"] == 1
    assert manifest["rows"]["priorities.StatusUpdate"] == StatusUpdate.objects.count()
    labels = {row["model"] for row in rows}
    assert {
        "auth.user",
        "priorities.team",
        "priorities.cycle",
        "priorities.cyclepriority",
        "priorities.person",
        "priorities.attendance",
        "priorities.historicalstatusupdate",
        "priorities.apitoken",
    } <= labels
    (team,) = [row for row in rows if row["model"] == "priorities.team"]
    assert team["fields"]["editors"] == [["note-taker"]]


def test_a_backup_holds_every_model_the_pages_show():
    """A model added to the site is not forgotten by the backup."""
    assert set(CONTENT_MODELS) <= set(backed_up_models())


def api_answers(client):
    return {url: client.get(url).json() for url in API_URLS}


@pytest.mark.slow
def test_a_site_restored_into_an_empty_database_is_the_same(tmp_path, demo_site, client):
    backup = export(tmp_path)
    database = tmp_path / "restored.sqlite3"
    assert manage(database, "migrate", "-v", "0").returncode == 0
    restored = manage(database, "import_site", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout
    report = manage(database, "export_day", "nova-kilo-midcycle", "1")
    assert report.stdout == day_report(Day.objects.with_meetup().get(pk=demo_site.pk))
    code = (
        "import json; from django.test import Client; c = Client(); "
        f"print(json.dumps({{u: c.get(u).json() for u in {API_URLS!r}}}))"
    )
    answers = manage(database, "shell", "-v", "0", "-c", code)
    assert answers.returncode == 0, answers.stderr
    assert json.loads(answers.stdout.strip().splitlines()[-1]) == api_answers(client)
    again = manage(database, "import_site", str(backup))
    assert again.returncode != 0
    assert "The database is not empty" in again.stderr


def test_importing_into_a_database_with_content_is_refused_and_writes_nothing(
    tmp_path, demo_site, row_counts
):
    backup = export(tmp_path)
    before = row_counts()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("import_site", str(backup), stdout=io.StringIO())
    assert row_counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "Not a backup of this site"),
        (None, "Not a backup of this site"),  # a zip without site.json
    ],
)
def test_a_file_that_is_not_a_backup_is_refused(tmp_path, content, message):
    path = tmp_path / "other.zip"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
    else:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_site", str(path), stdout=io.StringIO())


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_site", str(tmp_path / "nowhere.zip"), stdout=io.StringIO())
