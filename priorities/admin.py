"""The editors' admin: organisers set up meetups and days, note-takers post what was said."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header

from .admin_forms import ReportImportForm
from .models import ActionItem, Day, Decision, Meetup, PriorityArea, Risk, Session, StatusUpdate
from .report import day_report, report_filename, reports_zip
from .report_import import ReportError, import_report


class DayInline(admin.TabularInline):
    model = Day
    fields = ["number", "date"]
    extra = 0
    show_change_link = True


@admin.register(Meetup)
class MeetupAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "cycle", "location", "start_date", "end_date"]
    list_filter = ["project", "cycle"]
    search_fields = ["name", "project", "cycle", "location"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    inlines = [DayInline]


class SessionInline(admin.TabularInline):
    model = Session
    fields = ["order", "title", "kind", "part_of_day", "start_time", "facilitator"]
    extra = 0
    show_change_link = True


@admin.register(Day)
class DayAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meetup", "number", "date"]
    list_filter = ["meetup"]
    list_select_related = ["meetup"]
    search_fields = ["meetup__name", "summary"]
    autocomplete_fields = ["meetup"]
    date_hierarchy = "date"
    inlines = [SessionInline]
    actions = ["download_reports"]
    change_list_template = "admin/priorities/day/change_list.html"

    @admin.action(description="Download the Markdown report of the selected days")
    def download_reports(self, request, queryset):
        days = list(queryset.select_related("meetup").order_by("meetup__slug", "number"))
        if len(days) == 1:
            response = HttpResponse(
                day_report(days[0]), content_type="text/markdown; charset=utf-8"
            )
            filename = report_filename(days[0])
        else:
            response = HttpResponse(reports_zip(days), content_type="application/zip")
            filename = "day-reports.zip"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.import_report_view)
        return [
            path("import/", import_view, name="priorities_day_import"),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_report_view(self, request):
        """Upload a report, preview what it would change (a dry run), then confirm."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ReportImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            confirmed = "confirm" in request.POST
            try:
                result = import_report(
                    form.cleaned_data["text"],
                    meetup_slug=form.meetup_slug(),
                    create_areas=form.cleaned_data["create_areas"],
                    dry_run=True,
                )
                denied = sorted(
                    {str(c) for c in result.changes if not request.user.has_perm(c.permission)}
                )
                if denied:
                    form.add_error(None, "You may not: " + "; ".join(denied) + ".")
                    result = None
                elif confirmed:
                    result = import_report(
                        form.cleaned_data["text"],
                        meetup_slug=form.meetup_slug(),
                        create_areas=form.cleaned_data["create_areas"],
                        user=request.user,
                    )
                    messages.success(
                        request, f"Imported {result.day}: {len(result.changes)} change(s)."
                    )
                    return redirect(reverse("admin:priorities_day_change", args=[result.day.pk]))
            except ReportError as error:
                form.add_error(None, f"The report cannot be imported: {error}.")
                result = None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a day report",
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/priorities/day/import.html", context)


class StatusUpdateInline(admin.StackedInline):
    model = StatusUpdate
    fields = [
        ("priority_area", "status"),
        "headline",
        "body",
        ("reported_by", "delivery"),
    ]
    autocomplete_fields = ["priority_area"]
    extra = 0


class OutcomeInline(admin.TabularInline):
    fields = ["order", "priority_area", "text"]
    autocomplete_fields = ["priority_area"]
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
class SessionAdmin(RecordsEditorMixin, admin.ModelAdmin):
    list_display = ["title", "day", "kind", "part_of_day", "order"]
    list_filter = ["day__meetup", "kind"]
    list_select_related = ["day__meetup"]
    search_fields = ["title", "notes", "day__meetup__name"]
    autocomplete_fields = ["day"]
    inlines = [StatusUpdateInline, DecisionInline, ActionItemInline, RiskInline]


@admin.register(PriorityArea)
class PriorityAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "leads", "display_order", "active"]
    list_editable = ["display_order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "slug", "leads"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StatusUpdate)
class StatusUpdateAdmin(RecordsEditorMixin, admin.ModelAdmin):
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
    list_filter = ["session__day__meetup", "priority_area", "status", "delivery"]
    list_select_related = ["priority_area", "session__day__meetup", "saved_by"]
    search_fields = ["headline", "body", "reported_by", "priority_area__name"]
    autocomplete_fields = ["session", "priority_area"]
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


class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "priority_area", "session"]
    list_filter = ["session__day__meetup", "priority_area"]
    list_select_related = ["priority_area", "session__day__meetup"]
    search_fields = ["text"]
    autocomplete_fields = ["session", "priority_area"]


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
