"""The status round page: a session's status updates, one row per priority of the cycle.

A note-taker goes down the meetup's cycle's priority list in its order. Each row holds the
area's update in this session (or a new one, its status pre-selected with the area's last
status: earlier that day, or before it) and is saved on its own as soon as it is finished:
``static/js/status_round.js`` posts the one row (asking for JSON) and the update is on the
public page at once. Without JavaScript any Save button (or Enter) posts the whole form, which
saves every row the note-taker changed, so text typed in other rows is never dropped.
Decisions, action items and risks are added from the same page.

Each row is a ``VersionedForm``, so the rules of the session's own admin page hold: what the
note-taker changed is judged by what their page showed, a row someone else saved meanwhile is
refused with the newer text, and every write runs in ``run_write`` after locking the session.
"""

from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..enums import Status
from ..models import ActionItem, Decision, PriorityArea, Risk, Session, StatusUpdate
from ..pages import listed_areas
from .forms import VersionedForm, editor_formfield_class
from .hardening import all_keys
from .refusals import WriteFailed, failure_message
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
        key = unquote(object_id)
        if not all_keys(Session, [key]):
            raise Http404("No such session.")
        session = (
            self.get_queryset(request)
            .select_related("day__meetup__team", "day__meetup__cycle")
            .filter(pk=key)
            .first()
        )
        if session is None:  # as the admin's own pages answer: not found, or not the editor's
            self.message_user(
                request,
                f"Session with ID “{key}” doesn't exist. Perhaps it was deleted?",
                messages.WARNING,
            )
            return redirect(reverse("admin:index"))
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        if request.method != "POST":
            rows, outcome_form = self._round_forms(session, None)
            return self._round_page(request, session, rows, outcome_form)
        one_row = (request.POST.get("_row") or None) if _wants_json(request) else None
        if _wants_json(request) and one_row is None:
            return _json_refusal("Say which row to save: a JSON post saves one row (_row).", 400)
        try:
            save = partial(self._save_round, request, session, one_row)
            return self.run_write(save, keys=[session.pk])
        except WriteFailed as failure:
            problem = failure_message(StatusUpdate, failure.error)
            if one_row is not None:
                return _json_refusal(problem, 409)
            self.message_user(request, problem, messages.ERROR)
            # Shown again as posted: what the note-taker typed is not lost.
            rows, outcome_form = self._round_forms(session, request.POST)
            return self._round_page(request, session, rows, outcome_form)

    def _round_forms(self, session, data, one_row=None):
        """The round's rows with their forms (only ``one_row``'s, for a one-row save)."""
        rows = round_rows(session)
        for row in rows:
            if one_row is not None and row.prefix != one_row:
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

    def _save_round(self, request, session, one_row):
        """Save the rows the note-taker changed (every row, or ``one_row`` alone) and the
        outcome they filled in; nothing at all when any of them is refused."""
        rows, outcome_form = self._round_forms(session, request.POST, one_row)
        posted = [row for row in rows if row.form is not None]
        if one_row is not None and not posted:
            return _json_refusal("No such row: reload the page.", 404)
        valid = all([self._row_allowed(request, row) for row in posted])  # every row's errors
        outcome = None
        if one_row is None and outcome_form.wanted():
            if outcome_form.is_valid():
                outcome = self._allowed_outcome(request, outcome_form, session)
            valid = valid and outcome is not None
        if not valid:
            if one_row is not None:
                return JsonResponse(_refused_row(posted[0]), status=400)
            return self._round_page(request, session, rows, outcome_form)
        saved = []
        for row in posted:
            if row.form.has_changed():
                update = row.form.save(commit=False)
                update.saved_by = request.user
                update.save()
                saved.append(row)
        if outcome is not None:
            outcome.save()
        if one_row is not None:
            return JsonResponse(_saved_row(posted[0], saved=bool(saved)))
        parts = []
        if saved:
            parts.append(f"{len(saved)} status update{'s' if len(saved) != 1 else ''} saved")
        if outcome is not None:
            parts.append(f"{outcome._meta.verbose_name} added")
        if parts:  # a success message: the page's drafts (drafts.js) are then forgotten
            self.message_user(request, "; ".join(parts) + ".", messages.SUCCESS)
        else:
            self.message_user(request, "Nothing was changed.")
        return redirect(request.get_full_path())

    def _row_allowed(self, request, row):
        """Whether the row is valid and the editor may write what it changes: a new update
        needs the right to add status updates, a change to one the right to change them."""
        if not row.form.is_valid():
            return False
        if not row.form.has_changed():
            return True
        action = "change" if row.form.editing else "add"
        if not _may(request.user, action, StatusUpdate):
            row.form.add_error(None, f"You may not {action} status updates.")
            return False
        return True

    def _allowed_outcome(self, request, outcome_form, session):
        """The outcome to add, or None (with the form's error) when it is refused."""
        model = OUTCOME_MODELS[outcome_form.cleaned_data["kind"]]
        if not _may(request.user, "add", model):
            outcome_form.add_error(None, f"You may not add {model._meta.verbose_name_plural}.")
            return None
        return outcome_form.build(session)

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


def _may(user, action, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


def _json_refusal(problem, status):
    return JsonResponse({"errors": {"__all__": [problem]}}, status=status)


def _row_state(form):
    """What a row's hidden fields must hold next: its version and the values it shows."""
    return {
        "version": form.data.get(form.add_prefix("version")) or None,
        "shown": form.data.get(form.add_prefix("shown")) or "",
    }


def _saved_row(row, *, saved):
    """The JSON answer to a row saved (or left as it was): what its next save must send."""
    update = row.form.instance
    answer = {"saved": saved, "version": None, "shown": None, "url": None}
    if update.pk:
        fresh = RoundRowForm(prefix=row.prefix, instance=update)
        answer.update(
            version=update.version, shown=fresh.initial["shown"], url=update.get_absolute_url()
        )
    return answer


def _refused_row(row):
    """The JSON answer to a refused row: its errors and, when someone else saved the row
    meanwhile, their text for the fields the note-taker did not change and the version to
    send again (so that saving again, after comparing, is deliberate)."""
    form = row.form
    values = {
        name: form.data.get(form.add_prefix(name), "") for name, _field in form.editable_fields()
    }
    errors = {field: [str(e) for e in problems] for field, problems in form.errors.items()}
    return {"errors": errors, "values": values, **_row_state(form)}
