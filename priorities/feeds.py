"""Atom feeds to follow the meetups without visiting the site.

Each entry links to its anchor on the day page; its id is that absolute link, which is
stable. ``updated`` is when the entry was last saved, ``published`` when it was first.

A feed is always well-formed XML: the models refuse what XML 1.0 cannot hold (control
characters, noncharacters), and ``XmlSafeAtomFeed`` drops any such character a row stored
before that rule may still hold, rather than answering 500 or sending a feed readers reject.
"""

import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.text import Truncator

from .models import ActionItem, Meetup, PriorityArea, StatusUpdate, Team

#: How many entries a feed holds.
FEED_SIZE = 50

#: What XML 1.0 cannot hold: C0 controls but tab and line breaks, lone surrogates, U+FFFE and
#: U+FFFF. (C1 controls and the other noncharacters are legal XML, but the models refuse
#: them, and readers show nothing for them: they go too.)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def xml_safe(value):
    """``value`` with the characters XML cannot hold removed (strings, and lists of them)."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    return value


class XmlSafeAtomFeed(Atom1Feed):
    """An Atom feed that stays well-formed whatever the database holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *(xml_safe(arg) for arg in args), **{k: xml_safe(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *(xml_safe(arg) for arg in args), **{k: xml_safe(v) for k, v in kwargs.items()}
        )


class BaseFeed(Feed):
    """An Atom feed for feed readers; a browser following its link gets a readable page of
    the same entries instead (content negotiation on ``Accept``), with the address to give a
    feed reader. The feed itself stays valid Atom at the same address."""

    feed_type = XmlSafeAtomFeed
    author_name = "Meetup Notes"

    def __call__(self, request, *args, **kwargs):
        if request.get_preferred_type(["application/atom+xml", "text/html"]) == "text/html":
            response = self.browser_page(request, *args, **kwargs)
        else:
            response = super().__call__(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    def browser_page(self, request, *args, **kwargs):
        obj = self.get_object(request, *args, **kwargs)
        feed = self.get_feed(obj, request)
        return render(
            request,
            "priorities/feed_page.html",
            {"feed": feed.feed, "entries": feed.items, "feed_url": feed.feed["feed_url"]},
        )

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class UpdatesFeed(BaseFeed):
    """Every priority area's status updates, the most recently posted first."""

    title = "Meetup Notes: status updates"
    subtitle = "Where each priority area stands, as reported at the meetups."

    def link(self):
        return reverse("priorities:priority-list")

    def feed_url(self):
        return reverse("priorities:updates-feed")

    def items(self):
        return StatusUpdate.objects.recent()[:FEED_SIZE]

    def item_title(self, item):
        team = item.priority_area.team.name
        return f"{team} · {item.priority_area.name}: {item.get_status_display()}. {item.headline}"

    def item_description(self, item):
        where = format_html("<p>{}, {}</p>", item.session.day, item.session.title)
        return item.body_html + where

    def item_author_name(self, item):
        return item.reported_by or None

    def item_categories(self, item):
        return [item.priority_area.team.name, item.priority_area.name, item.get_status_display()]


class TeamFeed(UpdatesFeed):
    """A team's status updates, every area's."""

    def get_object(self, request, team):
        return get_object_or_404(Team, slug=team)

    def title(self, team):
        return f"Meetup Notes: {team.name}"

    def subtitle(self, team):
        return f"Where {team.name}'s priority areas stand, as reported at its meetups."

    def link(self, team):
        return team.get_absolute_url()

    def feed_url(self, team):
        return reverse("priorities:team-feed", kwargs={"team": team.slug})

    def items(self, team):
        return StatusUpdate.objects.filter(priority_area__team=team).recent()[:FEED_SIZE]


class PriorityAreaFeed(UpdatesFeed):
    """One priority area's status updates."""

    def get_object(self, request, team, slug):
        return get_object_or_404(
            PriorityArea.objects.select_related("team"), team__slug=team, slug=slug
        )

    def title(self, area):
        return f"Meetup Notes: {area.team.name} · {area.name}"

    def subtitle(self, area):
        return f"Status updates of {area.team.name}'s priority area {area.name}."

    def link(self, area):
        return area.get_absolute_url()

    def feed_url(self, area):
        return area.get_feed_url()

    def items(self, area):
        return StatusUpdate.objects.filter(priority_area=area).recent()[:FEED_SIZE]


class MeetupFeed(BaseFeed):
    """A meetup's decisions and action items, the most recently recorded first."""

    def get_object(self, request, slug):
        return get_object_or_404(Meetup, slug=slug)

    def title(self, meetup):
        return f"{meetup.name}: decisions and action items"

    def subtitle(self, meetup):
        return f"What was decided at {meetup.name}, and who does what next."

    def link(self, meetup):
        return meetup.get_absolute_url()

    def feed_url(self, meetup):
        return reverse("priorities:meetup-feed", kwargs={"slug": meetup.slug})

    def items(self, meetup):
        return meetup.recent_decisions_and_action_items(limit=FEED_SIZE)

    def item_title(self, item):
        words = Truncator(" ".join(item.text.split())).words(20)
        if isinstance(item, ActionItem):
            state = "done" if item.done else "open"
            return f"Action item for {item.owner} ({state}): {words}"
        return f"Decision: {words}"

    def item_description(self, item):
        return item.text_html

    def item_categories(self, item):
        kind = "Action item" if isinstance(item, ActionItem) else "Decision"
        team = item.session.day.meetup.team.name
        return [team, kind, item.priority_area.name] if item.priority_area else [team, kind]
