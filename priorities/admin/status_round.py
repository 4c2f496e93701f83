"""The status round page: a session's status updates, one row per priority of the cycle.

A note-taker goes down the meetup's cycle's priority list in its order. Each row holds the
area's update in this session (or a new one, its status pre-selected with the area's last
status: earlier that day, or before it) and is saved on its own as soon as it is finished:
``static/js/status_round.js`` posts the one row (the row's *Save* button does the same without
JavaScript) and the update is on the public page at once. Saving the whole form saves every
row the note-taker changed. Decisions, action items and risks are added from the same page.

Each row is a ``VersionedForm``, so the rules of the session's own admin page hold: what the
note-taker changed is judged by what their page showed, a row someone else saved meanwhile is
refused with the newer text, and every write runs in ``run_write`` after locking the session.
"""

from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..enums import Status
from ..models import ActionItem, Decision, PriorityArea, Risk, Session, StatusUpdate
from ..pages import listed_areas
from .editing import WriteFailed, failure_message
from .forms import VersionedForm, editor_formfield_class
from .hardening import all_keys
from .team_scope import limit_to_teams


@dataclass
class RoundRow:
    """One priority area of the round: its update in the session, if any, and the status it
    had last (pre-selected for a new update)."""

    day: object
    area: object
    update: StatusUpdate | None
    last: StatusUpdate | None
    form: forms.Form | None = None

    @property
    def prefix(self):
        return f"area-{self.area.pk}"

    def last_when(self):
        """Where the last status was given, from the round's day: "on day 1", "at ..."."""
        return self.last.session.day.described_from(self.day) if self.last else ""


def round_rows(session):
    """The rows of ``session``'s status round: the meetup's cycle's priorities in order, then
    any other area of the team reported in the session. Three queries."""
    day = session.day
    updates = list(
        StatusUpdate.objects.filter(session__day=day).select_related("session").in_day_order()
    )
    own = {}
    earlier = {}
    for update in updates:  # in day order: the last one wins
        update.session.day = day
        if update.session_id == session.pk:
            own[update.priority_area_id] = update
        elif update.session.order < session.order:
            earlier[update.priority_area_id] = update
    areas = listed_areas(day.meetup, set(own))
    before = {
        update.priority_area_id: update
        for update in StatusUpdate.objects.latest_before(day.date, [area.pk for area in areas])
    }
    return [
        RoundRow(day, area, own.get(area.pk), earlier.get(area.pk) or before.get(area.pk))
        for area in areas
    ]


class RoundRowForm(VersionedForm):
    """One area's update in the round; the area and the session are the row's, not posted."""

    class Meta:
        model = StatusUpdate
        fields = ["status", "headline", "body", "reported_by"]
        field_classes = {
            name: editor_formfield_class(StatusUpdate._meta.get_field(name))
            for name in ["headline", "body", "reported_by"]
        }
        widgets = {
            "headline": forms.TextInput(attrs={"class": "vLargeTextField round-headline"}),
            "body": forms.Textarea(attrs={"rows": 2, "class": "round-body"}),
            "reported_by": forms.TextInput(attrs={"class": "round-reporter"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new row left alone is not an update: nothing to check or save.
        self.empty_permitted = not self.editing
        self.use_required_attribute = False
        if not self.editing:
            self.initial["version"] = None  # the page says: this row was new

    def clean(self):
        if self.editing and self.shown_version() is None:
            # New on the editor's page, but someone saved this area's update since.
            self.show_current(keep=self.changed_data)
            raise forms.ValidationError(self.conflict_messages())
        return super().clean()


OUTCOME_MODELS = {"decision": Decision, "action": ActionItem, "risk": Risk}


class RoundOutcomeForm(forms.Form):
    """A decision, action item or risk of the session, added from the round page."""

    kind = forms.ChoiceField(
        choices=[("decision", "Decision"), ("action", "Action item"), ("risk", "Risk")]
    )
    priority_area = forms.ModelChoiceField(queryset=None, required=False, label="Priority area")
    text = editor_formfield_class(Decision._meta.get_field("text"))(
        required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = editor_formfield_class(ActionItem._meta.get_field("owner"))(
        required=False, max_length=200, help_text="For an action item."
    )

    prefix = "outcome"

    def __init__(self, *args, areas, team_id, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["priority_area"]
        field.queryset = PriorityArea.objects.filter(pk__in=[area.pk for area in areas])
        limit_to_teams(field, [team_id])
        self.use_required_attribute = False

    def wanted(self):
        """Whether the note-taker filled the form in (a blank one adds nothing)."""
        return self.is_bound and bool(self.data.get(self.add_prefix("text"), "").strip())

    def build(self, session):
        """The outcome, checked by the model's own rules (its errors become the form's)."""
        data = self.cleaned_data
        model = OUTCOME_MODELS[data["kind"]]
        last = model.objects.filter(session=session).aggregate(last=Max("order"))["last"] or 0
        outcome = model(
            session=session, priority_area=data["priority_area"], text=data["text"], order=last + 1
        )
        if model is ActionItem:
            outcome.owner = data["owner"]
        try:
            outcome.full_clean()
        except forms.ValidationError as error:
            for field, problems in error.message_dict.items():
                self.add_error(field if field in self.fields else None, problems)
            return None
        return outcome


class StatusRoundMixin:
    """``SessionAdmin``'s status round page (``<session>/round/``)."""

    def get_urls(self):
        round_view = self.admin_site.admin_view(self.status_round_view)
        return [
            path("<path:object_id>/round/", round_view, name="priorities_session_round"),
            *super().get_urls(),
        ]

    def status_round_view(self, request, object_id):
        if not all_keys(Session, [unquote(object_id)]):
            raise Http404("No such session.")
        session = self.get_object(request, unquote(object_id))
        if session is None:  # as the admin's own pages answer: not found, or not the editor's
            self.message_user(
                request,
                f"Session with ID “{unquote(object_id)}” doesn't exist. Perhaps it was deleted?",
                messages.WARNING,
            )
            return redirect(reverse("admin:index"))
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        session = Session.objects.select_related("day__meetup__team").get(pk=session.pk)
        if request.method == "POST":
            try:
                save = partial(self._save_round, request, session)
                return self.run_write(save, keys=[session.pk])
            except WriteFailed as failure:
                problem = failure_message(StatusUpdate, failure.error)
                if _wants_json(request):
                    return JsonResponse({"errors": {"__all__": {"__all__": [problem]}}}, status=409)
                self.message_user(request, problem, messages.ERROR)
        rows, outcome_form = self._round_forms(session, None)
        return self._round_page(request, session, rows, outcome_form)

    def _round_forms(self, session, data, only_row=None):
        rows = round_rows(session)
        for row in rows:
            if only_row is not None and row.prefix != only_row:
                row.form = None
                continue
            instance = row.update or StatusUpdate(session=session, priority_area=row.area)
            initial = {}
            if row.update is None:
                instance.status = row.last.status if row.last else Status.NOT_STARTED
                initial["status"] = instance.status
            row.form = RoundRowForm(data, prefix=row.prefix, instance=instance, initial=initial)
        areas = [row.area for row in rows]
        outcome_form = RoundOutcomeForm(data, areas=areas, team_id=session.day.meetup.team_id)
        return rows, outcome_form

    def _save_round(self, request, session):
        only_row = request.POST.get("_row") or None
        rows, outcome_form = self._round_forms(session, request.POST, only_row)
        forms_posted = [row for row in rows if row.form is not None]
        if only_row is not None and not forms_posted:
            raise Http404("No such row.")
        valid = all([row.form.is_valid() for row in forms_posted])  # every row's errors
        outcome = None
        if only_row is None and outcome_form.wanted():
            outcome = outcome_form.build(session) if outcome_form.is_valid() else None
            valid = valid and outcome is not None
        if not valid:
            if _wants_json(request):
                return JsonResponse({"errors": _errors(forms_posted)}, status=400)
            return self._round_page(request, session, rows, outcome_form)
        saved = []
        for row in forms_posted:
            if row.form.has_changed():
                update = row.form.save(commit=False)
                update.saved_by = request.user
                update.save()
                saved.append(row)
        if outcome is not None:
            outcome.save()
        if _wants_json(request):
            row = forms_posted[0]
            update = row.form.instance
            fresh = RoundRowForm(prefix=row.prefix, instance=update) if update.pk else row.form
            return JsonResponse(
                {
                    "saved": bool(saved),
                    "version": update.version if update.pk else None,
                    "shown": fresh.initial.get("shown") if update.pk else None,
                    "url": update.get_absolute_url() if update.pk else None,
                }
            )
        parts = []
        if saved:
            parts.append(f"{len(saved)} status update{'s' if len(saved) != 1 else ''} saved")
        if outcome is not None:
            parts.append(f"{outcome._meta.verbose_name} added")
        self.message_user(request, ("; ".join(parts) or "Nothing was changed") + ".")
        return redirect(request.get_full_path())

    def _round_page(self, request, session, rows, outcome_form):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Status round: {session}",
            "session": session,
            "rows": rows,
            "outcome_form": outcome_form,
            "errors": any(row.form is not None and row.form.errors for row in rows),
        }
        return TemplateResponse(request, "admin/priorities/session/status_round.html", context)


def _wants_json(request):
    return request.headers.get("Accept", "").startswith("application/json")


def _errors(rows):
    return {
        row.prefix: {field: [str(e) for e in errors] for field, errors in row.form.errors.items()}
        for row in rows
        if row.form.errors
    }
