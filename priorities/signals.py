"""Keep ``ContentVersion`` moving: any change to what the site shows bumps it. Also the one
data rule a constraint cannot hold: attendance is for days of its own meetup."""

import threading

from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.transaction import on_commit
from django.dispatch import receiver

from .models import (
    ActionItem,
    Attendance,
    ContentVersion,
    Day,
    Decision,
    Meetup,
    Person,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
)

SHOWN_MODELS = (
    Meetup,
    Day,
    Session,
    PriorityArea,
    StatusUpdate,
    Decision,
    ActionItem,
    Risk,
    Person,
    Attendance,
)
#: Who leads an area and who attended which day decide the day page's absent-lead flags.
SHOWN_RELATIONS = (PriorityArea.leads.through, Attendance.days.through)


_bumps = threading.local()


def bump_content_version_after_commit():
    """Move the content version on once the transaction commits, once however many rows it
    saved (the first of its callbacks bumps, the rest see that it did).

    After the commit, not inside the transaction: the version's single row would otherwise be
    locked from a transaction's first save to its end, between the row locks that other saves
    take in their own order, which is how concurrent saves deadlocked. A reader who reads the
    old version just after the commit gets the new content under the old version's key, which
    the bump makes unreachable a moment later. A rolled-back transaction bumps nothing.
    """
    generation = getattr(_bumps, "generation", 0)

    def bump():
        if getattr(_bumps, "generation", 0) != generation:
            return  # this transaction's version was already moved on
        _bumps.generation = generation + 1
        ContentVersion.bump()

    on_commit(bump)


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, **kwargs):
    if sender in SHOWN_MODELS and not kwargs.get("raw"):
        bump_content_version_after_commit()


@receiver(m2m_changed)
def relation_changed(sender, action, **kwargs):
    if sender not in SHOWN_RELATIONS:
        return
    if action == "post_clear" or (action in ("post_add", "post_remove") and kwargs["pk_set"]):
        bump_content_version_after_commit()


@receiver(m2m_changed, sender=Attendance.days.through)
def attendance_days_belong_to_its_meetup(sender, instance, action, reverse, pk_set, **kwargs):
    """Someone at one meetup cannot be ticked present on a day of another, whichever side
    the days are added from (the admin's inline only offers the meetup's days anyway)."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:
        strays = Attendance.objects.filter(pk__in=pk_set).exclude(meetup_id=instance.meetup_id)
    else:
        strays = Day.objects.filter(pk__in=pk_set).exclude(meetup_id=instance.meetup_id)
    if strays.exists():
        raise ValidationError("Attendance can only be recorded for days of its own meetup.")
