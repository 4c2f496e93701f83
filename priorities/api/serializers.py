"""What each record looks like in JSON.

Markdown fields (descriptions, summaries, notes, bodies, outcomes' text) are given as the
editors wrote them, not rendered: a tool shows them through its own sanitising renderer.
``page`` is the record's place on the site, ``url`` its address in the API.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    ActionItem,
    Cycle,
    CyclePriority,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
    Team,
)


@extend_schema_field(OpenApiTypes.URI)
class PageField(serializers.Field):
    """The absolute address of the record's page on the site."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


def api_url(view_name, lookup_field="pk"):
    return serializers.HyperlinkedIdentityField(
        view_name=f"api:{view_name}-detail", lookup_field=lookup_field
    )


class TeamSerializer(serializers.ModelSerializer):
    url = api_url("team", "slug")
    page = PageField()

    class Meta:
        model = Team
        fields = ["url", "slug", "name", "description", "homepage", "mailing_list", "page"]


class AreaSummarySerializer(serializers.ModelSerializer):
    """A priority area where a record names it: its id, team, slug and name."""

    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PriorityArea
        fields = ["id", "team", "slug", "name"]


class PriorityAreaSerializer(AreaSummarySerializer):
    url = api_url("area")
    page = PageField()

    class Meta(AreaSummarySerializer.Meta):
        fields = ["url", *AreaSummarySerializer.Meta.fields, "description", "page"]


class CyclePrioritySerializer(serializers.ModelSerializer):
    area = AreaSummarySerializer(read_only=True)
    leads = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = CyclePriority
        fields = ["order", "area", "leads"]


class CycleSerializer(serializers.ModelSerializer):
    url = api_url("cycle")
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    priority_list = CyclePrioritySerializer(many=True, read_only=True)
    page = PageField()

    class Meta:
        model = Cycle
        fields = [
            "url",
            "id",
            "team",
            "slug",
            "name",
            "start_date",
            "end_date",
            "priority_list",
            "page",
        ]


class DaySummarySerializer(serializers.ModelSerializer):
    url = api_url("day")

    class Meta:
        model = Day
        fields = ["url", "id", "number", "date"]


class MeetupSerializer(serializers.ModelSerializer):
    url = api_url("meetup", "slug")
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    cycle = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    days = DaySummarySerializer(many=True, read_only=True)
    page = PageField()

    class Meta:
        model = Meetup
        fields = [
            "url",
            "slug",
            "name",
            "team",
            "cycle",
            "location",
            "start_date",
            "end_date",
            "description",
            "days",
            "page",
        ]


class RecordSerializer(serializers.ModelSerializer):
    """A record of a session (an update or an outcome): where it was said, and by whom."""

    session = serializers.PrimaryKeyRelatedField(read_only=True)
    day = serializers.IntegerField(source="session.day_id", read_only=True)
    meetup = serializers.CharField(source="session.day.meetup.slug", read_only=True)
    area = AreaSummarySerializer(source="priority_area", read_only=True, allow_null=True)
    page = PageField()

    where_fields = ["id", "session", "day", "meetup", "area"]


class StatusUpdateSerializer(RecordSerializer):
    url = api_url("status-update")
    area = AreaSummarySerializer(source="priority_area", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "url",
            *RecordSerializer.where_fields,
            "status",
            "status_label",
            "headline",
            "body",
            "reported_by",
            "delivery",
            "created_at",
            "updated_at",
            "page",
        ]


OUTCOME_FIELDS = ["text", "order", "created_at", "updated_at", "page"]


class DecisionSerializer(RecordSerializer):
    url = api_url("decision")

    class Meta:
        model = Decision
        fields = ["url", *RecordSerializer.where_fields, *OUTCOME_FIELDS]


class ActionItemSerializer(RecordSerializer):
    url = api_url("action-item")

    class Meta:
        model = ActionItem
        fields = ["url", *RecordSerializer.where_fields, "owner", "done", *OUTCOME_FIELDS]


class RiskSerializer(RecordSerializer):
    url = api_url("risk")

    class Meta:
        model = Risk
        fields = ["url", *RecordSerializer.where_fields, *OUTCOME_FIELDS]


SESSION_FIELDS = [
    "id",
    "title",
    "kind",
    "part_of_day",
    "start_time",
    "order",
    "facilitator",
    "notes",
    "page",
]


class SessionSerializer(serializers.ModelSerializer):
    url = api_url("session")
    day = serializers.PrimaryKeyRelatedField(read_only=True)
    meetup = serializers.CharField(source="day.meetup.slug", read_only=True)
    page = PageField()

    class Meta:
        model = Session
        fields = ["url", "day", "meetup", *SESSION_FIELDS]


class DayUpdateSerializer(serializers.ModelSerializer):
    """A status update inside its session, on the day's endpoint."""

    area = AreaSummarySerializer(source="priority_area", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "area",
            "status",
            "status_label",
            "headline",
            "body",
            "reported_by",
            "delivery",
            "created_at",
            "updated_at",
        ]


class DayOutcomeSerializer(serializers.Serializer):
    """An outcome inside its session, on the day's endpoint."""

    id = serializers.IntegerField(read_only=True)
    area = AreaSummarySerializer(source="priority_area", read_only=True, allow_null=True)
    text = serializers.CharField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class DayActionItemSerializer(DayOutcomeSerializer):
    owner = serializers.CharField(read_only=True)
    done = serializers.BooleanField(read_only=True)


class DaySessionSerializer(serializers.ModelSerializer):
    """A session with everything said in it, on the day's endpoint."""

    page = PageField()
    updates = DayUpdateSerializer(many=True, read_only=True)
    decisions = DayOutcomeSerializer(many=True, read_only=True)
    action_items = DayActionItemSerializer(many=True, read_only=True)
    risks = DayOutcomeSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = [*SESSION_FIELDS, "updates", "decisions", "action_items", "risks"]


class DaySerializer(serializers.ModelSerializer):
    url = api_url("day")
    meetup = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    team = serializers.CharField(source="meetup.team.slug", read_only=True)
    page = PageField()
    report = serializers.SerializerMethodField()

    class Meta:
        model = Day
        fields = ["url", "id", "meetup", "team", "number", "date", "summary", "page", "report"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_report(self, day):
        path = reverse(
            "priorities:day-report", kwargs={"slug": day.meetup.slug, "number": day.number}
        )
        return self.context["request"].build_absolute_uri(path)


class DayDetailSerializer(DaySerializer):
    """A whole day: its sessions in order, each with its updates and outcomes."""

    sessions = DaySessionSerializer(many=True, read_only=True)

    class Meta(DaySerializer.Meta):
        fields = [*DaySerializer.Meta.fields, "sessions"]
