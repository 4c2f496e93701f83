"""Why the admin refused a write, and what to tell the editor: the exceptions ``EditorAdmin``
raises and catches (``editing.py``) and the messages shown for them. Nothing here writes."""

from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError

from ..models import violated_rule_message
from ..models.locking import VersionConflict


class ObjectMissing(Exception):
    """The object a post writes to is not in the database (any more)."""


class ChangedSinceOpened(Exception):
    """An object to delete was saved after the confirmation page showed it."""

    def __init__(self, objects):
        super().__init__(", ".join(str(obj) for obj in objects))
        self.objects = objects


class WriteFailed(Exception):
    """A write lost its race every time it was tried: ``error`` is the last reason."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


#: Why a delete confirmed in the admin may be refused: the objects changed since the page, they
#: gained children meanwhile, or the delete kept losing its race.
DELETE_REFUSALS = (ChangedSinceOpened, ProtectedError, RestrictedError, WriteFailed)


def _children_message(error):
    """What to tell an editor whose delete the database refused (children added meanwhile)."""
    if isinstance(error, ProtectedError | RestrictedError):
        names = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        return (
            "It cannot be deleted: it now has "
            + ", ".join(names)
            + " (added since you opened the page). Nothing was deleted."
        )
    return "It cannot be deleted as things now stand. Nothing was deleted."


def delete_refusal_message(model, refused):
    """What to tell an editor whose delete of ``model`` rows was refused (``DELETE_REFUSALS``)."""
    if isinstance(refused, ChangedSinceOpened):
        return _changed_message(refused.objects)
    if isinstance(refused, WriteFailed):
        return failure_message(model, refused.error)
    return _children_message(refused)


def check_versions(posted, objects, *, single=False):
    """Refuse to delete objects saved after the confirmation page showed them.

    The page says which version it showed (``version`` on a single delete, ``pk:version`` pairs
    in ``_selected_version`` on the change list's action); a post that does not say is taken
    as it is, as Django's own pages are.
    """
    if single:
        shown = {str(objects[0].pk): posted.get("version")} if posted.get("version") else {}
    else:
        shown = dict(
            pair.split(":", 1) for pair in posted.getlist("_selected_version") if ":" in pair
        )
    changed = [
        obj
        for obj in objects
        if hasattr(obj, "version") and shown.get(str(obj.pk), str(obj.version)) != str(obj.version)
    ]
    if changed:
        raise ChangedSinceOpened(changed)


def _changed_message(objects):
    names = ", ".join(f"“{obj}”" for obj in objects)
    return (
        f"Nothing was deleted: {names} changed since you opened the confirmation page. "
        "Check what it holds now, then delete it again if you still want to."
    )


def failure_message(model, error):
    """What to tell an editor whose write failed for ``error`` on every attempt."""
    if isinstance(error, IntegrityError):
        return violated_rule_message(error) or (
            "the database refused it as it stands; check the page and try again."
        )
    if isinstance(error, VersionConflict):
        return f"the {model._meta.verbose_name} kept changing while it was being saved."
    return "the site was too busy to save it just now."
