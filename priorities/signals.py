"""Keep ``ContentVersion`` moving: any change to what the site shows bumps it."""

from django.db.models.signals import m2m_changed, post_delete, post_save
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


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, **kwargs):
    if sender in SHOWN_MODELS and not kwargs.get("raw"):
        ContentVersion.bump()


@receiver(m2m_changed)
def relation_changed(sender, action, **kwargs):
    if sender not in SHOWN_RELATIONS:
        return
    if action == "post_clear" or (action in ("post_add", "post_remove") and kwargs["pk_set"]):
        ContentVersion.bump()
