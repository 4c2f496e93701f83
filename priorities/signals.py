"""Keep ``ContentVersion`` moving: any change to what the site shows bumps it. Also the one
data rule a constraint cannot hold: attendance is for days of its own meetup."""

from django.core.exceptions import ValidationError
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
