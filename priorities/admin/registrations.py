"""The admin's model pages: organisers set up meetups and days, note-takers post what was said."""

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.utils import timezone

from ..models import (
    ActionItem,
    Attendance,
    Cycle,
    CyclePriority,
    Day,
    Decision,
    Meetup,
    Person,
    PriorityArea,
    ReportSending,
    Risk,
    Session,
    StatusUpdate,
    Team,
)
from ..models.teams import in_teams
from .day_tools import DayToolsMixin
from .editing import (
    EditorAdmin,
    EditorInlineMixin,
    ShownValuesMixin,
    StaleSafeInlineFormSet,
    VersionedAdmin,
    VersionedInlineMixin,
)
from .forms import ShownValuesForm
from .hardening import all_keys
from .report_sending import ReportSendingAdmin, SendReportMixin
from .status_round import StatusRoundMixin
from .team_scope import editable_team_ids


class DayInline(VersionedInlineMixin, admin.TabularInline):
    model = Day
    fields = ["number", "date"]
    extra = 0
    show_change_link = True


class AttendanceForm(ShownValuesForm):
    """An attendee's row: the meetup's days as checkboxes, listed once for every row."""

    #: [(day id, "Day 1 (2015-01-26)")]: set by ``AttendanceInline.get_formset``.
    day_choices = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].widget = forms.CheckboxSelectMultiple(choices=self.day_choices)


class AttendanceInline(ShownValuesMixin, admin.TabularInline):
    """Who came, one row a person, ticking the days they were in the room."""

    model = Attendance
    form = AttendanceForm
    fields = ["person", "days"]
    autocomplete_fields = ["person"]
    extra = 1
    max_num = 500
    verbose_name = "attendee"
    verbose_name_plural = "attendance (save new days first: only saved days can be ticked)"
    formset = StaleSafeInlineFormSet

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("person", "meetup")
            .prefetch_related("days")
        )

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.max_num)
        formset = super().get_formset(request, obj, **kwargs)
        days = obj.days.order_by("number") if obj else Day.objects.none()
        # Only the meetup's own days validate; the form class is made for this request.
        formset.form.base_fields["days"].queryset = days
        formset.form.day_choices = [
            (day.pk, f"Day {day.number} ({day.date.isoformat()})") for day in days
        ]
        return formset


class CycleInline(EditorInlineMixin, admin.TabularInline):
    model = Cycle
    fields = ["name", "slug", "start_date", "end_date"]
    extra = 0
    show_change_link = True


@admin.register(Team)
class TeamAdmin(EditorAdmin):
    """A team, its cycles, and who may edit its data: the organisers' to set up."""

    list_display = ["name", "slug", "mailing_list", "homepage"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["editors"]
    inlines = [CycleInline]


class CyclePriorityInline(EditorInlineMixin, admin.TabularInline):
    """The cycle's priority list: one row an area, in order, with the cycle's leads of it."""

    model = CyclePriority
    fields = ["order", "area", "leads"]
    autocomplete_fields = ["leads"]
    extra = 0
    verbose_name = "priority"


@admin.register(Cycle)
class CycleAdmin(EditorAdmin):
    list_display = ["name", "team", "start_date", "end_date"]
    list_filter = [("team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["team"]
    search_fields = ["name", "team__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CyclePriorityInline]


@admin.register(Meetup)
class MeetupAdmin(EditorAdmin):
    list_display = ["name", "team", "cycle", "location", "start_date", "end_date"]
    list_filter = [("team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["team", "cycle"]
    search_fields = ["name", "team__name", "cycle__name", "location"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    inlines = [DayInline, AttendanceInline]


class SessionInline(VersionedInlineMixin, admin.TabularInline):
    model = Session
    fields = ["order", "title", "kind", "part_of_day", "start_time", "facilitator"]
    extra = 0
    show_change_link = True


@admin.register(Day)
class DayAdmin(SendReportMixin, DayToolsMixin, VersionedAdmin):
    list_display = ["__str__", "meetup", "number", "date"]
    list_filter = [("meetup", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["meetup"]
    search_fields = ["meetup__name", "summary"]
    autocomplete_fields = ["meetup"]
    date_hierarchy = "date"
    inlines = [SessionInline]
    actions = ["download_reports", "send_report"]
    change_list_template = "admin/priorities/day/change_list.html"

    def get_changeform_initial_data(self, request):
        """A new day: of the meetup asked for, else the one in progress (or the latest) of the
        editor's teams, numbered and dated after its last day (``Meetup.next_day``)."""
        initial = super().get_changeform_initial_data(request)
        meetups = in_teams(Meetup.objects.all(), editable_team_ids(request))
        if "meetup" in initial:
            asked = initial["meetup"]
            meetup = meetups.filter(pk=asked).first() if all_keys(Meetup, [asked]) else None
        else:
            meetup = meetups.current(timezone.localdate())
        if meetup is None:
            return initial
        day = meetup.next_day()
        return {"meetup": meetup.pk, "number": day.number, "date": day.date, **initial}

    def get_search_results(self, request, queryset, search_term):
        """Also the days named as people say them, "day 2" or "kilo 2" (``DayQuerySet.named``),
        among the editor's days (``queryset``), in the same single query."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        named = queryset.named(search_term)
        if named is not None:
            found = found | named
        return found, may_have_duplicates


admin.site.register(ReportSending, ReportSendingAdmin)


class StatusUpdateInline(VersionedInlineMixin, admin.StackedInline):
    model = StatusUpdate
    fields = [
        ("priority_area", "status"),
        "headline",
        "body",
        ("reported_by", "delivery"),
    ]
    extra = 0

    def get_queryset(self, request):
        # Each row is titled with its area ("Cells v2: Good progress"): loaded with it.
        return super().get_queryset(request).select_related("priority_area")


class OutcomeInline(VersionedInlineMixin, admin.TabularInline):
    fields = ["order", "priority_area", "text"]
    extra = 0


class DecisionInline(OutcomeInline):
    model = Decision


class ActionItemInline(OutcomeInline):
    model = ActionItem
    fields = ["order", "priority_area", "text", "owner", "done"]


class RiskInline(OutcomeInline):
    model = Risk


class RecordsEditorMixin:
    """Record the editor who saved each status update, from its own form or an inline."""

    def save_model(self, request, obj, form, change):
        if isinstance(obj, StatusUpdate):
            obj.saved_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is StatusUpdate:
            for update in formset.save(commit=False):
                update.saved_by = request.user
                update.save()
            for deleted in formset.deleted_objects:
                deleted.delete()
            formset.save_m2m()
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Session)
class SessionAdmin(StatusRoundMixin, RecordsEditorMixin, VersionedAdmin):
    list_display = ["title", "day", "kind", "part_of_day", "order"]
    list_filter = [("day__meetup", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["day__meetup"]
    search_fields = ["title", "notes", "day__meetup__name"]
    autocomplete_fields = ["day"]
    inlines = [StatusUpdateInline, DecisionInline, ActionItemInline, RiskInline]


@admin.register(PriorityArea)
class PriorityAreaAdmin(EditorAdmin):
    list_display = ["name", "team", "cycle_names"]
    list_filter = [("team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["team"]
    search_fields = ["name", "slug", "team__name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("cycles")

    @admin.display(description="a priority of")
    def cycle_names(self, area):
        return ", ".join(cycle.name for cycle in area.cycles.all())


@admin.register(Person)
class PersonAdmin(EditorAdmin):
    list_display = ["name", "irc_nick", "affiliation", "areas_led"]
    search_fields = ["name", "irc_nick", "affiliation"]

    def get_queryset(self, request):
        # People are everyone's; what they lead is shown for the editor's teams only.
        led = in_teams(
            CyclePriority.objects.select_related("area", "cycle"), editable_team_ids(request)
        )
        return super().get_queryset(request).prefetch_related(Prefetch("led_priorities", led))

    @admin.display(description="leads")
    def areas_led(self, person):
        return ", ".join(
            f"{priority.area.name} ({priority.cycle.name})"
            for priority in person.led_priorities.all()
        )


@admin.register(StatusUpdate)
class StatusUpdateAdmin(RecordsEditorMixin, VersionedAdmin):
    list_display = [
        "headline",
        "priority_area",
        "status",
        "session",
        "reported_by",
        "delivery",
        "saved_by",
        "updated_at",
    ]
    list_filter = [
        ("session__day__meetup", admin.RelatedOnlyFieldListFilter),
        ("priority_area", admin.RelatedOnlyFieldListFilter),
        "status",
        "delivery",
    ]
    list_select_related = ["priority_area", "session__day__meetup", "saved_by"]
    # The area's name is the one joined field searched, and the list joins the area anyway
    # to show it; nothing further is joined to search.
    search_fields = ["headline", "body", "reported_by", "priority_area__name"]
    # The largest table: a filtered or searched list counts its hits, not every update too.
    show_full_result_count = False
    autocomplete_fields = ["session"]
    date_hierarchy = "session__day__date"
    readonly_fields = ["saved_by", "created_at", "updated_at"]
    fields = [
        "session",
        ("priority_area", "status"),
        "headline",
        "body",
        ("reported_by", "delivery"),
        ("saved_by", "created_at", "updated_at"),
    ]


class OutcomeAdmin(VersionedAdmin):
    list_display = ["__str__", "priority_area", "session"]
    list_filter = [
        ("session__day__meetup", admin.RelatedOnlyFieldListFilter),
        ("priority_area", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["priority_area", "session__day__meetup"]
    search_fields = ["text"]
    show_full_result_count = False
    autocomplete_fields = ["session"]


@admin.register(Decision)
class DecisionAdmin(OutcomeAdmin):
    pass


@admin.register(ActionItem)
class ActionItemAdmin(OutcomeAdmin):
    list_display = ["__str__", "owner", "done", "priority_area", "session"]
    list_filter = ["done", *OutcomeAdmin.list_filter]
    list_editable = ["done"]
    search_fields = ["text", "owner"]


@admin.register(Risk)
class RiskAdmin(OutcomeAdmin):
    pass
