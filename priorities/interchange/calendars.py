"""iCalendar (RFC 5545) feeds of meetups, for calendar applications to subscribe to.

One all-day event per meetup, from its first day to the day after its last (iCalendar's end
of an all-day event is exclusive), with its place, its page and, in its description, a link
to each of its days. Built with the ``icalendar`` library, which folds and escapes the text.

A meetup's ``UID`` is its id on this site (``meetup-<id>@<host>``), so renaming a meetup or
moving its dates updates the event a subscriber already has instead of adding another. The
whole calendar depends only on its meetups and the content version's time (its ``DTSTAMP``),
so the same content gives the same bytes, as the ETag promises.
"""

import datetime

from icalendar import Calendar, Event

PRODUCT_ID = "-//Meetup Notes//Meetup calendar//EN"


def event_description(meetup, days, absolute_url):
    """The team and cycle, the meetup's description as written (Markdown reads as text), and
    one line per day with its date and address."""
    lines = [f"{meetup.team.name}, {meetup.cycle.name} cycle."]
    if meetup.description.strip():
        lines += ["", meetup.description.strip()]
    if days:
        lines += ["", "Days:"]
        lines += [
            f"Day {day.number} ({day.date.isoformat()}): {absolute_url(day.get_absolute_url())}"
            for day in days
        ]
    return "\n".join(lines)


def meetup_event(meetup, *, host, stamp, absolute_url):
    days = list(meetup.days.all())
    event = Event()
    event.add("uid", f"meetup-{meetup.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("summary", meetup.name)
    event.add("dtstart", meetup.start_date)
    event.add("dtend", meetup.end_date + datetime.timedelta(days=1))
    if meetup.location:
        event.add("location", meetup.location)
    event.add("url", absolute_url(meetup.get_absolute_url()))
    event.add("description", event_description(meetup, days, absolute_url))
    return event


def meetups_calendar(meetups, *, name, host, stamp, absolute_url):
    """The calendar of ``meetups`` (each with its team, cycle and prefetched ``days``) as
    bytes. ``stamp``: when the content last changed; ``absolute_url``: a path to an address."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for meetup in meetups:
        calendar.add_component(
            meetup_event(meetup, host=host, stamp=stamp, absolute_url=absolute_url)
        )
    return calendar.to_ical()
