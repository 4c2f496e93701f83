"""Writing through the API: a bot's status update, decision or action item is saved as the
admin saves an editor's, under the same rules.

- who: the token's editor, with the admin's rights (``access``) and only into sessions and
  areas of their teams (``WriteSerializer`` keeps both choices to them, with the admin's
  ``team_scope``: another team's id is "not found");
- what: only the fields listed (anything else is refused, not ignored), each checked by the
  model's own ``full_clean`` (its field validators, its ``clean`` and its constraints), with
  the message the admin shows;
- how: in one transaction that first locks the session (the parent before its children, the
  lock order of ``priorities.models.locking``), so nothing is half-written, and recorded in
  the record's history as by that editor (django-simple-history reads the request's user,
  which the token set). A race lost to another save is tried again, then answered ``503``.
"""

import time

from django.core.exceptions import ValidationError as ModelValidationError
from django.db import DatabaseError, IntegrityError, transaction
from rest_framework import exceptions, serializers

from ..admin.team_scope import editable_team_ids
from ..models import (
    ActionItem,
    Decision,
    PriorityArea,
    Session,
    StatusUpdate,
    violated_rule_message,
)
from ..models.locking import is_transient, lock
from ..models.teams import in_teams

WRITE_ATTEMPTS = 3

#: The API's names for the models' fields where they differ.
API_NAMES = {"priority_area": "area"}


class Busy(exceptions.APIException):
    status_code = 503
    default_detail = "The site was too busy to save it just now; try again."
    default_code = "busy"


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large for one record."
    default_code = "too_large"


def _api_errors(error):
    """A model's ``ValidationError`` as the API's: by field (in the API's names)."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    return {
        API_NAMES.get(name, name) if name != "__all__" else "non_field_errors": messages
        for name, messages in error.message_dict.items()
    }


def save_new(record):
    """Check and save a new update or outcome, its session locked first; one transaction."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            with transaction.atomic():
                lock(Session.objects.filter(pk=record.session_id))
                record.full_clean()
                record.save()
            return record
        except ModelValidationError as error:
            raise exceptions.ValidationError(_api_errors(error)) from None
        except IntegrityError as error:
            message = violated_rule_message(error) or "The database refused it as it stands."
            raise exceptions.ValidationError({"non_field_errors": [message]}) from None
        except DatabaseError as error:
            if not is_transient(error):
                raise
            time.sleep(0.05 * (attempt + 1))
    raise Busy


class WriteSerializer(serializers.ModelSerializer):
    """What a bot may post: a record of one of its teams' sessions, and nothing else."""

    session = serializers.PrimaryKeyRelatedField(queryset=Session.objects.all())
    area = serializers.PrimaryKeyRelatedField(
        source="priority_area",
        queryset=PriorityArea.objects.all(),
        allow_null=True,
        required=False,
    )

    class Meta:
        # The model's full_clean checks its rules (unique ones included), in one place.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            teams = editable_team_ids(request)
            for name in ("session", "area"):
                self.fields[name].queryset = in_teams(self.fields[name].queryset, teams)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)

    def create(self, validated_data):
        record = self.Meta.model(**validated_data)
        if isinstance(record, StatusUpdate):
            record.saved_by = self.context["request"].user
        return save_new(record)


class StatusUpdateWriteSerializer(WriteSerializer):
    area = serializers.PrimaryKeyRelatedField(
        source="priority_area", queryset=PriorityArea.objects.all()
    )

    class Meta(WriteSerializer.Meta):
        model = StatusUpdate
        fields = ["session", "area", "status", "headline", "body", "reported_by", "delivery"]


class DecisionWriteSerializer(WriteSerializer):
    class Meta(WriteSerializer.Meta):
        model = Decision
        fields = ["session", "area", "text", "order"]


class ActionItemWriteSerializer(WriteSerializer):
    class Meta(WriteSerializer.Meta):
        model = ActionItem
        fields = ["session", "area", "owner", "text", "done", "order"]
