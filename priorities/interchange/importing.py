"""What the report import and quick notes share: checking and saving rows, the changes they
make, and confirming them.

Each row an import makes or changes is checked with ``row_problem`` (the models' own rules,
as the admin checks them) and saved with ``save_row``, which says which of the database's
rules refused it, if one did; both importers turn these into messages naming their line.

Both importers describe every record they create, update or delete as a ``Change`` and do
their work through ``apply``: in one transaction, either rolled back (a dry run, to preview)
or kept. A preview carries the digest of its changes; a confirmation passes that digest back
(``expected_digest``), and if the import would now change anything else (someone edited, added
or deleted a row of the day since the preview), nothing is kept and ``PreviewOutdated`` brings
the new list of changes to confirm instead. Rows an import updates or deletes count with their
version, so even an edit that leaves the list's wording as it was is noticed.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import ActionItem, Decision, Risk, Session, StatusUpdate, violated_rule_message

#: Rows checked field by field only: an import has just saved their parents and keeps their
#: keys unique itself, and checking each database constraint first would cost several queries
#: a row (9 s instead of 1 s for a day of 1,000 updates). The database still enforces every
#: constraint on save (``save_row``), and a dry run catches what it refuses.
ROWS_CHECKED_BY_FIELD = (Session, StatusUpdate, Decision, ActionItem, Risk)
PARENTS = ("day", "session", "priority_area")


def row_problem(obj):
    """Why ``obj`` may not be saved as it stands, on one line, or "" if it may."""
    try:
        if isinstance(obj, ROWS_CHECKED_BY_FIELD):
            obj.full_clean(exclude=PARENTS, validate_unique=False, validate_constraints=False)
        else:
            obj.full_clean()
    except ValidationError as error:
        return validation_messages(error)
    return ""


def save_row(obj):
    """Save ``obj``; "" or, when the database refuses it, the message of the rule it broke."""
    try:
        obj.save()
    except IntegrityError as error:
        return violated_rule_message(error) or str(error)
    return ""


def validation_messages(error):
    """A ValidationError's messages on one line, each prefixed by its field."""
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


@dataclass(frozen=True)
class Change:
    """One record an import creates, updates or deletes."""

    action: str  # "add", "change" or "delete", as in Django's permission names
    model: type
    label: str
    fields: tuple = ()
    #: (primary key, version) of the row changed or deleted, as the import read it.
    row: tuple = ()
    #: The line of the imported text it comes from, when there is one.
    line: int | None = None
    #: The text it writes that the label cannot hold (an update's body), for the preview.
    detail: str = ""
    #: How many rows it makes at once (an IRC log's transcript lines).
    count: int = 1

    def __str__(self):
        verb = {"add": "create", "change": "update", "delete": "delete"}[self.action]
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{verb} {self.label}{detail}"

    @property
    def permission(self):
        return f"{self.model._meta.app_label}.{self.action}_{self.model._meta.model_name}"

    @classmethod
    def of(cls, action, obj, label, fields=(), line=None, detail="", model=None, count=1):
        """The change of ``obj`` (a row of ``model``, by default its class, or ``count`` rows),
        recording the version it had (none for a new row)."""
        row = () if action == "add" else (obj.pk, getattr(obj, "version", None))
        return cls(action, model or type(obj), label, tuple(fields), row, line, detail, count)


@dataclass
class ImportResult:
    day: object
    changes: list = field(default_factory=list)
    dry_run: bool = False
    #: Quick notes from an IRC log: the ``irc_import.LogImport`` (speakers, lines left out).
    log: object = None


class PreviewOutdated(Exception):
    """The import would no longer make the changes that were previewed: see ``result``."""

    def __init__(self, result):
        super().__init__("the day changed since the preview")
        self.result = result


def changes_digest(changes):
    """A short digest of a list of changes, rows' versions included, for a preview to carry."""
    digest = hashlib.blake2b(digest_size=16)
    for change in changes:
        digest.update(f"{change}\x1f{change.model._meta.label}\x1f{change.row}\n".encode())
    return digest.hexdigest()


def apply(work, *, dry_run=False, expected_digest=None):
    """Run ``work()`` (which returns an ``ImportResult``) in one transaction.

    With ``dry_run`` everything is rolled back. With ``expected_digest`` (what a preview
    showed), everything is rolled back and ``PreviewOutdated`` raised unless the changes made
    are exactly those.
    """
    with transaction.atomic():
        result = work()
        result.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
        elif expected_digest is not None and changes_digest(result.changes) != expected_digest:
            raise PreviewOutdated(result)  # leaving the block rolls everything back
    return result
