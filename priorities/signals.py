"""The one data rule a constraint cannot hold: attendance is for days of its own meetup."""

from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import Attendance, Day


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
