"""Priority areas: the lines of work a team committed to."""

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from ..validators import LABEL, MARKDOWN_MAX_LENGTH, markdown_validators
from .updates import StatusUpdate


class PriorityAreaQuerySet(models.QuerySet):
    def listed_with(self, area_ids):
        """The areas a day or a meetup lists: those still active, and those in ``area_ids``
        (the ones it has updates of), retired or not."""
        return self.filter(Q(active=True) | Q(pk__in=area_ids))

    def with_latest_update(self):
        """Annotate each area with the id of its most recent status update, newest day first."""
        latest = StatusUpdate.objects.filter(priority_area=OuterRef("pk")).newest_first()
        return self.annotate(latest_update_id=Subquery(latest.values("pk")[:1]))


class PriorityArea(models.Model):
    """Something the team committed to for the cycle, e.g. Cells v2."""

    name = models.CharField(max_length=100, unique=True, validators=LABEL)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(MARKDOWN_MAX_LENGTH),
    )
    leads = models.ManyToManyField(
        "Person",
        blank=True,
        related_name="led_areas",
        help_text="Who leads this area. A day page flags the area when none of them attended.",
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True, help_text="Still a priority this cycle.")

    objects = PriorityAreaQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("priorities:priority-detail", kwargs={"slug": self.slug})
