from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.generic import DetailView, ListView

from .models import Day, Meetup, PriorityArea, StatusUpdate
from .report import day_report, report_filename


class MeetupListView(ListView):
    """The home page: every meetup, newest first, with its size."""

    template_name = "priorities/meetup_list.html"
    context_object_name = "meetups"

    def get_queryset(self):
        return Meetup.objects.with_counts()


class MeetupDetailView(DetailView):
    """A meetup's days and its scoreboard: priority areas x days."""

    template_name = "priorities/meetup_detail.html"
    context_object_name = "meetup"

    def get_queryset(self):
        return Meetup.objects.prefetch_related(
            Prefetch("days", queryset=Day.objects.with_update_counts().order_by("number"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = list(self.object.days.all())
        context["days"] = days
        context["scoreboard"] = self.object.scoreboard(days)
        return context


class DayDetailView(DetailView):
    """A day's summary, every priority area's updates, the sessions and their outcomes."""

    template_name = "priorities/day_detail.html"
    context_object_name = "day"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Day.objects.select_related("meetup"),
            meetup__slug=self.kwargs["slug"],
            number=self.kwargs["number"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day = self.object
        numbers = list(day.meetup.days.values_list("number", flat=True))
        context.update(
            meetup=day.meetup,
            area_reports=day.area_reports(),
            sessions=day.sessions_with_outcomes(),
            previous_number=max((n for n in numbers if n < day.number), default=None),
            next_number=min((n for n in numbers if n > day.number), default=None),
        )
        return context


class PriorityAreaListView(ListView):
    """Every priority area with its latest status."""

    template_name = "priorities/priorityarea_list.html"
    context_object_name = "areas"

    def get_queryset(self):
        return PriorityArea.objects.with_latest_update()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest_ids = [area.latest_update_id for area in context["areas"] if area.latest_update_id]
        latest = StatusUpdate.objects.select_related("session__day__meetup").in_bulk(latest_ids)
        for area in context["areas"]:
            area.latest_update = latest.get(area.latest_update_id)
        return context


class PriorityAreaDetailView(DetailView):
    """One area's timeline: every update across days and meetups, newest first."""

    template_name = "priorities/priorityarea_detail.html"
    context_object_name = "area"
    model = PriorityArea
    timeline_page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(
            StatusUpdate.objects.for_priority_area(self.object), self.timeline_page_size
        )
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        return context


def day_report_view(request, slug, number):
    """The day report as a Markdown download, built by ``priorities.report.day_report``."""
    day = get_object_or_404(Day.objects.select_related("meetup"), meetup__slug=slug, number=number)
    response = HttpResponse(day_report(day), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=report_filename(day)
    )
    return response
