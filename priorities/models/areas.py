"""Priority areas: the lines of work a team committed to (Cells v2, Nova Objects...)."""

from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.urls import reverse

from ..validators import LABEL, MARKDOWN_MAX_LENGTH, markdown_validators
from .markup import RenderedMarkdownField, RendersMarkdown
from .updates import StatusUpdate


class PriorityAreaQuerySet(models.QuerySet):
    def with_latest_update(self):
        """Annotate each area with the id of its most recent status update, newest day first."""
        latest = StatusUpdate.objects.filter(priority_area=OuterRef("pk")).newest_first()
        return self.annotate(latest_update_id=Subquery(latest.values("pk")[:1]))


class PriorityArea(RendersMarkdown, models.Model):
    """A team's line of work, e.g. Cells v2: its name and slug are the team's own.

    Which cycles it is a priority of, in what place and led by whom, is each cycle's priority
    list (``CyclePriority``); an area stays when a later cycle drops it, with its history.
    """

    team = models.ForeignKey("Team", on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(max_length=100, validators=LABEL)
    slug = models.SlugField(max_length=100)
    description = models.TextField(
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(MARKDOWN_MAX_LENGTH),
    )
    description_html = RenderedMarkdownField("description")

    objects = PriorityAreaQuerySet.as_manager()

    class Meta:
        ordering = ["team_id", "name"]
        constraints = [
            models.UniqueConstraint(
                models.F("team"),
                Lower("name"),
                name="area_name_unique_per_team",
                violation_error_message="This team already has a priority area with this name.",
            ),
            models.UniqueConstraint(
                fields=["team", "slug"],
                name="area_slug_unique_per_team",
                violation_error_message="This team already has a priority area with this slug.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "priorities:priority-detail", kwargs={"team": self.team.slug, "slug": self.slug}
        )

    def get_feed_url(self):
        return reverse(
            "priorities:priority-feed", kwargs={"team": self.team.slug, "slug": self.slug}
        )
