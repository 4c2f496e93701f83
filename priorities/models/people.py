"""People who lead priority areas and attend meetups, and who was in the room on which day."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from ..validators import LABEL, ONE_LINE
from .meetups import Day, Meetup


class Person(models.Model):
    """Someone who leads a priority area or attends meetups."""

    name = models.CharField(max_length=200, validators=LABEL)
    irc_nick = models.CharField(
        "IRC nick",
        max_length=50,
        blank=True,
        validators=ONE_LINE,
        help_text="As typed in the meeting channel; quick notes map #action owners by it.",
    )
    affiliation = models.CharField(max_length=200, blank=True, validators=ONE_LINE)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="person_name_unique",
                violation_error_message="There is already a person with this name.",
            ),
            models.UniqueConstraint(
                Lower("irc_nick"),
                condition=~Q(irc_nick=""),
                name="person_irc_nick_unique",
                violation_error_message="Someone else already has this IRC nick.",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="person_name_not_empty",
                violation_error_message="A person needs a name.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.irc_nick})" if self.irc_nick else self.name


class Attendance(models.Model):
    """Who came to a meetup, and on which of its days."""

    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    days = models.ManyToManyField(
        Day,
        blank=True,
        related_name="attendances",
        help_text="The days this person was in the room.",
    )

    class Meta:
        ordering = ["meetup_id", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meetup", "person"],
                name="attendance_unique_per_meetup",
                violation_error_message="This person is already listed for this meetup.",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} at {self.meetup.name}"
