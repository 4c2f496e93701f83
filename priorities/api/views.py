"""The API's viewsets, thin: each names its rows (a QuerySet method that loads what its
serializer shows, so a list costs the same few queries however long it is), its serializer
and its filters (``filters``).

Every answer carries ``ETag`` and ``Last-Modified`` from the content version and answers a
conditional request with ``304``, and anonymous answers are kept in the page cache, exactly as
the reader pages (``reader_page``): any change to the notes is seen on the next request.
"""

from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from meetup.pagecache.decorators import reader_page

from ..models import (
    ActionItem,
    Cycle,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
    Team,
)
from . import filters, serializers, writing


class Pagination(PageNumberPagination):
    """``?page=`` (from 1) and ``?page_size=`` (50 by default, at most 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and its records: filtered by ``list_filters``, paginated."""

    pagination_class = Pagination
    list_filters = None
    lookup_value_converter = "int"

    def filter_queryset(self, queryset):
        if self.action == "list" and self.list_filters is not None:
            return self.list_filters.filter(queryset, self.request.query_params)
        return queryset


class WritableViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """A list editors' tokens may also post to (``writing``); the answer is the new record
    as the list shows it, at its address (``Location``)."""

    write_serializer_class = None
    #: A post is one record, whose longest field is 20,000 characters: anything much larger
    #: is refused before it is read.
    max_body_bytes = 256 * 1024

    def get_serializer_class(self):
        if self.action == "create":
            return self.write_serializer_class
        return super().get_serializer_class()

    def create(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body_bytes:
            raise writing.BodyTooLarge
        posted = self.get_serializer(data=request.data)
        posted.is_valid(raise_exception=True)
        record = posted.save()
        shown = self.serializer_class(record, context=self.get_serializer_context()).data
        return Response(shown, status=status.HTTP_201_CREATED, headers={"Location": shown["url"]})


def api_view(list_filters=None, *, description):
    """A viewset's class decorator: its filters in the schema, and ``reader_page``'s
    conditional requests and page cache (reading its filters and pagination only)."""
    names = list_filters.names if list_filters else []
    parameters = list_filters.parameters() if list_filters else []

    def decorate(viewset):
        viewset.list_filters = list_filters
        documented = {
            "list": extend_schema(description=description, parameters=parameters),
            "retrieve": extend_schema(description=description),
        }
        if issubclass(viewset, WritableViewSet):
            documented["create"] = extend_schema(
                description="Post one as the token's editor, with the admin's rights and rules.",
                request=viewset.write_serializer_class,
                responses={201: viewset.serializer_class},
            )
        viewset = extend_schema_view(**documented)(viewset)
        query = [*names, "page", "page_size"]
        return method_decorator(reader_page(query=query), name="dispatch")(viewset)

    return decorate


@api_view(description="The teams, by name.")
class TeamViewSet(ReadOnlyViewSet):
    queryset = Team.objects.all()
    serializer_class = serializers.TeamSerializer
    lookup_field = "slug"
    lookup_value_converter = "slug"


@api_view(filters.TEAM, description="Each team's cycles, latest first, with its priority list.")
class CycleViewSet(ReadOnlyViewSet):
    queryset = Cycle.objects.select_related("team").with_priority_list()
    serializer_class = serializers.CycleSerializer

    def get_queryset(self):
        # Every priority's area is of the cycle's team: loaded once, with the cycle.
        return super().get_queryset().prefetch_related("priority_list__area__team")


@api_view(filters.TEAM, description="Each team's priority areas, by name.")
class PriorityAreaViewSet(ReadOnlyViewSet):
    queryset = PriorityArea.objects.select_related("team").order_by("team__name", "name", "pk")
    serializer_class = serializers.PriorityAreaSerializer


@api_view(filters.MEETUPS, description="The meetups, newest first, with their days.")
class MeetupViewSet(ReadOnlyViewSet):
    queryset = Meetup.objects.for_calendar()
    serializer_class = serializers.MeetupSerializer
    lookup_field = "slug"
    lookup_value_converter = "slug"


@api_view(
    filters.DAYS,
    description="The days of every meetup, newest first; one day holds its sessions, each "
    "with its status updates, decisions, action items and risks.",
)
class DayViewSet(ReadOnlyViewSet):
    serializer_class = serializers.DaySerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return Day.objects.with_sessions()
        return Day.objects.with_meetup().order_by("-date", "meetup_id", "number")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.DayDetailSerializer
        return serializers.DaySerializer


@api_view(filters.SESSIONS, description="The sessions of every day, in the day's order.")
class SessionViewSet(ReadOnlyViewSet):
    queryset = Session.objects.select_related("day__meetup").order_by(
        "-day__date", "day_id", "order", "start_time", "pk"
    )
    serializer_class = serializers.SessionSerializer


@api_view(filters.STATUS_UPDATES, description="Status updates, the most recently posted first.")
class StatusUpdateViewSet(WritableViewSet):
    queryset = StatusUpdate.objects.recent()
    serializer_class = serializers.StatusUpdateSerializer
    write_serializer_class = writing.StatusUpdateWriteSerializer


@api_view(filters.OUTCOMES, description="Decisions, newest day first (as the register).")
class DecisionViewSet(WritableViewSet):
    queryset = Decision.objects.register()
    serializer_class = serializers.DecisionSerializer
    write_serializer_class = writing.DecisionWriteSerializer


@api_view(
    filters.ACTION_ITEMS,
    description="Action items by owner, open ones only unless `done` is true (as the page).",
)
class ActionItemViewSet(WritableViewSet):
    queryset = ActionItem.objects.by_owner()
    serializer_class = serializers.ActionItemSerializer
    write_serializer_class = writing.ActionItemWriteSerializer


@api_view(filters.OUTCOMES, description="Risks, newest day first.")
class RiskViewSet(ReadOnlyViewSet):
    queryset = Risk.objects.register()
    serializer_class = serializers.RiskSerializer
