from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views.generic import DetailView, ListView, TemplateView

from meetup.pagecache.decorators import reader_page
from meetup.pagecache.keys import content_version

from .enums import Status
from .forms import (
    ActionItemFilterForm,
    ListFilterForm,
    MeetupFilterForm,
    OutcomeFilterForm,
    SearchForm,
)
from .interchange.calendars import meetups_calendar
from .interchange.report_export import day_report, report_filename
from .models import ActionItem, Cycle, Day, Decision, Meetup, PriorityArea, StatusUpdate, Team
from .pages import (
    cycle_leads,
    day_contents,
    meetups_by_team,
    scoreboard,
    status_chart,
    with_latest_updates,
)
from .search import search


class LivePageMixin:
    """A page that updates itself while a meeting runs (``meetup.pagecache.live``: its
    ``<main>`` carries the content version it was built from) and that links, for an editor
    of its team, what it shows to the admin pages that edit it. Readers' pages, the ones
    the page cache keeps, carry no such links."""

    def get_team(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["live_version"] = content_version(self.request)[0]
        context["edit_links"] = self.get_team().is_editable_by(self.request.user)
        return context


@method_decorator(reader_page(query=MeetupFilterForm.base_fields), name="dispatch")
class MeetupListView(ListView):
    """The home page: every meetup, newest first within each team, with its size."""

    template_name = "priorities/meetup_list.html"
    context_object_name = "meetups"

    def get_queryset(self):
        self.filter_form = MeetupFilterForm(self.request.GET or None)
        meetups = Meetup.objects.select_related("team", "cycle").with_counts()
        return meetups.filtered(**self.filter_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["teams"] = meetups_by_team(context["meetups"])
        context["filter_form"] = self.filter_form
        status = self.filter_form.filters()["status"]
        context["status_filter"] = Status(status) if status else None
        return context


@method_decorator(reader_page, name="dispatch")
class MeetupDetailView(LivePageMixin, DetailView):
    """A meetup's days and its scoreboard: priority areas x days."""

    template_name = "priorities/meetup_detail.html"
    context_object_name = "meetup"

    def get_queryset(self):
        return Meetup.objects.select_related("team", "cycle").prefetch_related(
            Prefetch("days", queryset=Day.objects.with_update_counts().order_by("number"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = list(self.object.days.all())
        context["days"] = days
        context["scoreboard"] = scoreboard(self.object, days)
        return context

    def get_team(self):
        return self.object.team


@method_decorator(reader_page, name="dispatch")
class DayDetailView(LivePageMixin, DetailView):
    """A day's summary, every priority area's updates, the sessions and their outcomes."""

    template_name = "priorities/day_detail.html"
    context_object_name = "day"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Day.objects.with_meetup(),
            meetup__slug=self.kwargs["slug"],
            number=self.kwargs["number"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day = self.object
        numbers = list(day.meetup.days.values_list("number", flat=True))
        contents = day_contents(day, transcripts=True)
        context.update(
            meetup=day.meetup,
            area_reports=contents.area_reports,
            sessions=contents.sessions,
            attendees=contents.attendees,
            previous_number=max((n for n in numbers if n < day.number), default=None),
            next_number=min((n for n in numbers if n > day.number), default=None),
        )
        return context

    def get_team(self):
        return self.object.meetup.team


@method_decorator(reader_page, name="dispatch")
class PriorityAreaListView(ListView):
    """Every team's priority areas with their latest status, team by team."""

    template_name = "priorities/priorityarea_list.html"
    context_object_name = "areas"

    def get_queryset(self):
        return PriorityArea.objects.select_related("team").order_by("team__name", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with_latest_updates(context["areas"])
        return context


@method_decorator(reader_page, name="dispatch")
class TeamDetailView(DetailView):
    """A team: its current cycle's priorities with their latest status, its cycles with their
    priority lists, and its meetups."""

    template_name = "priorities/team_detail.html"
    context_object_name = "team"
    slug_url_kwarg = "team"
    queryset = Team.objects.prefetch_related(
        Prefetch("cycles", queryset=Cycle.objects.with_priority_list())
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team = self.object
        for cycle in team.cycles.all():
            for priority in cycle.priority_list.all():
                priority.area.team = team  # its address costs no query
        current = team.current_cycle
        priorities = list(current.priority_list.all()) if current else []
        with_latest_updates([priority.area for priority in priorities])
        context.update(
            current_cycle=current,
            current_priorities=priorities,
            meetups=team.meetups.select_related("cycle").with_counts(),
        )
        return context


@method_decorator(reader_page(query=[*ListFilterForm.base_fields, "page"]), name="dispatch")
class PriorityAreaDetailView(DetailView):
    """One area's timeline: a chart of its status across its latest cycle, then every update
    across days and meetups, newest first."""

    template_name = "priorities/priorityarea_detail.html"
    context_object_name = "area"
    timeline_page_size = 50

    def get_object(self, queryset=None):
        return get_object_or_404(
            PriorityArea.objects.select_related("team"),
            team__slug=self.kwargs["team"],
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chart = status_chart(self.object)
        context["chart"] = chart
        context["leads"] = cycle_leads(chart.cycle.pk).get(self.object.pk, []) if chart else []
        filter_form = ListFilterForm(self.request.GET or None, team=self.object.team)
        updates = StatusUpdate.objects.for_priority_area(self.object).filtered(
            **filter_form.filters()
        )
        paginator = Paginator(updates, self.timeline_page_size)
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        context["filter_form"] = filter_form
        return context


class SearchView(TemplateView):
    """Search over everything said, with filters; ``priorities.search`` does the work."""

    template_name = "priorities/search.html"
    page_size = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET or None)
        arguments = form.search_arguments()
        page_obj = None
        if arguments is not None:
            paginator = Paginator(search(**arguments), self.page_size)
            page_obj = paginator.get_page(self.request.GET.get("page"))
        context.update(form=form, page_obj=page_obj)
        return context


@reader_page
def day_report_view(request, slug, number):
    """The day report as a Markdown download, built by ``interchange.report_export``."""
    day = get_object_or_404(Day.objects.with_meetup(), meetup__slug=slug, number=number)
    response = HttpResponse(day_report(day), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=report_filename(day)
    )
    return response


@reader_page
def calendar_view(request, team=None):
    """The iCalendar feed of every meetup, or of one team's (``interchange.calendars``)."""
    meetups = Meetup.objects.for_calendar()
    if team is None:
        name, filename = "Meetup Notes: meetups", "meetups.ics"
    else:
        team = get_object_or_404(Team, slug=team)
        meetups = meetups.filter(team=team)
        name, filename = f"{team.name}: meetups", f"{team.slug}-meetups.ics"
    calendar = meetups_calendar(
        meetups,
        name=name,
        host=request.get_host(),
        stamp=content_version(request)[1],
        absolute_url=request.build_absolute_uri,
    )
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=filename
    )
    return response


class _FilteredOutcomeListView(ListView):
    """A paginated list of outcomes across every meetup, filtered by a GET form.

    An unknown or garbage page number shows the first or last page, as the other lists do,
    rather than answering 404.
    """

    form_class = None

    def get_filter_form(self):
        if not hasattr(self, "filter_form"):
            self.filter_form = self.form_class(self.request.GET or None)
        return self.filter_form

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.get_filter_form()
        return context


@method_decorator(reader_page(query=[*OutcomeFilterForm.base_fields, "page"]), name="dispatch")
class DecisionListView(_FilteredOutcomeListView):
    """The decision register: every decision of every meetup, newest day first."""

    template_name = "priorities/decision_list.html"
    context_object_name = "decisions"
    form_class = OutcomeFilterForm
    paginate_by = 50

    def get_queryset(self):
        return Decision.objects.register().filtered(**self.get_filter_form().filters())


@method_decorator(reader_page(query=[*ActionItemFilterForm.base_fields, "page"]), name="dispatch")
class ActionItemListView(_FilteredOutcomeListView):
    """Action items of every meetup by owner: open ones, and done ones if asked."""

    template_name = "priorities/actionitem_list.html"
    context_object_name = "action_items"
    form_class = ActionItemFilterForm
    paginate_by = 100

    def get_queryset(self):
        form = self.get_filter_form()
        items = ActionItem.objects.by_owner().filtered(**form.filters())
        return items if form.include_done else items.open()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        # Whether the page's first owner continues from the previous page: one more query,
        # on later pages only.
        previous_owner = None
        if page.number > 1:
            index = page.start_index() - 2
            previous_owner = page.paginator.object_list.values_list("owner", flat=True)[index]
        context["continued_owner"] = previous_owner
        return context


def legacy_area_view(request, slug, feed=False):
    """``/priorities/<slug>/`` from before teams: a permanent redirect to the area's page (or
    feed) when one team has an area of that slug, the choice when several do."""
    areas = list(PriorityArea.objects.select_related("team").filter(slug=slug))
    if not areas:
        raise Http404("No priority area has this address.")
    if len(areas) == 1:
        area = areas[0]
        return redirect(area.get_feed_url() if feed else area, permanent=True)
    return render(request, "priorities/priorityarea_choice.html", {"areas": areas, "feed": feed})
