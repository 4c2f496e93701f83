"""The whole site in one zip file, and back again: ``export_site`` and ``import_site``.

The zip holds:

- ``site.json``: every row the site keeps, written by Django's serializer with their ids, in
  an order where each row's parents come first: users (with their groups and password
  hashes), teams (with their editors), cycles, areas, priority lists and their leads,
  people, meetups, attendance, days, sessions, status updates, outcomes, the history of each
  (django-simple-history) and the API tokens' digests;
- ``reports/<meetup>/day-<n>.md``: every day's Markdown report, to read without the site;
- ``manifest.json``: the format, when it was written, and how many rows of each model.

``import_site`` reads ``site.json`` (which holds everything the reports hold, and more) into
an empty database in one transaction, keeping every id, so the restored site's pages, reports
and API answers are those of the original. (The HTML of editors' Markdown is not in the file:
it is rendered again as the rows are read in, which takes about a millisecond a text.) The file
holds password hashes and token digests: keep it as safe as the database.
"""

import datetime
import io
import itertools
import json
import zipfile

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from meetup.pagecache.signals import bump_content_version_after_commit

from ..models import (
    ActionItem,
    ApiToken,
    Attendance,
    Cycle,
    CyclePriority,
    Day,
    Decision,
    Meetup,
    Person,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
    Team,
    TranscriptLine,
)
from ..models.markup import rebuild_markup
from .report_export import day_report

FORMAT = 1
DATA, MANIFEST = "site.json", "manifest.json"
#: A backup's ``site.json`` larger than this is refused before it is read.
MAX_DATA_BYTES = 1024**3


class BackupError(Exception):
    """A file that is not a backup this site can read, or a database that is not empty."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder keeps milliseconds only, and a restored
    site must give the same answers, ``created_at`` included."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models():
    """Every model a backup holds, parents before children."""
    content = [
        Team,
        Cycle,
        PriorityArea,
        CyclePriority,
        Person,
        Meetup,
        Attendance,
        Day,
        Session,
        TranscriptLine,
        StatusUpdate,
        Decision,
        ActionItem,
        Risk,
    ]
    history = [
        model.history.model for model in (Day, Session, StatusUpdate, Decision, ActionItem, Risk)
    ]
    return [get_user_model(), *content, *history, ApiToken]


def _rows(model):
    return model._default_manager.order_by("pk")


def report_path(day):
    return f"reports/{day.meetup.slug}/day-{day.number}.md"


def export_site(file):
    """Write the whole site as a zip to ``file`` (a path or a binary file); return the count
    of rows of each model."""
    models = backed_up_models()
    counts = {model._meta.label: _rows(model).count() for model in models}
    data = serializers.serialize(
        "json",
        itertools.chain.from_iterable(_rows(model).iterator() for model in models),
        use_natural_foreign_keys=True,
        indent=1,
        cls=ExactJSONEncoder,
    )
    manifest = {
        "format": FORMAT,
        "written_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "rows": counts,
    }
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        archive.writestr(DATA, data)
        for day in Day.objects.with_meetup().order_by("meetup__slug", "number"):
            archive.writestr(report_path(day), day_report(day))
    return counts


def database_is_empty():
    """No user and no content: what ``migrate`` leaves (the Editors group, the version row)."""
    return not any(_rows(model).exists() for model in backed_up_models())


def read_backup(file):
    """The manifest and ``site.json`` of a backup, checked; raises ``BackupError``."""
    try:
        with zipfile.ZipFile(file) as archive:
            manifest = json.loads(archive.read(MANIFEST))
            if manifest.get("format") != FORMAT:
                raise BackupError(
                    f"This backup's format is {manifest.get('format')!r}, not {FORMAT}."
                )
            if archive.getinfo(DATA).file_size > MAX_DATA_BYTES:
                raise BackupError(f"{DATA} is larger than {MAX_DATA_BYTES} bytes.")
            return manifest, archive.read(DATA)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BackupError(f"Not a backup of this site: {error}") from None


def import_site(file):
    """Read a backup into this empty database, in one transaction; return the count of rows
    of each model. Raises ``BackupError`` and writes nothing if it cannot."""
    manifest, data = read_backup(file)
    with transaction.atomic():
        if not database_is_empty():
            raise BackupError("The database is not empty: import a backup only into a new one.")
        counts = {}
        try:
            for row in serializers.deserialize(
                "json", io.BytesIO(data), handle_forward_references=True
            ):
                row.save()
                label = row.object._meta.label
                counts[label] = counts.get(label, 0) + 1
        except serializers.base.DeserializationError as error:
            raise BackupError(f"The backup cannot be read: {error}") from None
        if counts != {label: n for label, n in manifest["rows"].items() if n}:
            raise BackupError("The backup's rows do not match its manifest.")
        # A backup holds no HTML (it is derived): the Markdown is rendered again.
        rebuild_markup(backed_up_models())
        # New rows must not take the ids of the restored ones (PostgreSQL's sequences).
        statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        bump_content_version_after_commit()
    return counts
