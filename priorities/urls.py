from django.urls import path, register_converter

from . import feeds, views


class DayNumberConverter:
    """Day numbers as the database can hold them: 1 to 4 digits, anything else is a 404."""

    regex = "[0-9]{1,4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(DayNumberConverter, "day")

app_name = "priorities"

urlpatterns = [
    path("", views.MeetupListView.as_view(), name="meetup-list"),
    path("meetups.ics", views.calendar_view, name="calendar"),
    path("meetups/<slug:slug>/", views.MeetupDetailView.as_view(), name="meetup-detail"),
    path(
        "meetups/<slug:slug>/days/<day:number>/",
        views.DayDetailView.as_view(),
        name="day-detail",
    ),
    path(
        "meetups/<slug:slug>/days/<day:number>/report.md",
        views.day_report_view,
        name="day-report",
    ),
    path("priorities/", views.PriorityAreaListView.as_view(), name="priority-list"),
    path("teams/<slug:team>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("teams/<slug:team>/feed/", feeds.TeamFeed(), name="team-feed"),
    path("teams/<slug:team>/meetups.ics", views.calendar_view, name="team-calendar"),
    path(
        "teams/<slug:team>/priorities/<slug:slug>/",
        views.PriorityAreaDetailView.as_view(),
        name="priority-detail",
    ),
    path(
        "teams/<slug:team>/priorities/<slug:slug>/feed/",
        feeds.PriorityAreaFeed(),
        name="priority-feed",
    ),
    # Addresses from before teams: a permanent redirect where they name one area.
    path("priorities/<slug:slug>/", views.legacy_area_view, name="priority-legacy"),
    path(
        "priorities/<slug:slug>/feed/",
        views.legacy_area_view,
        {"feed": True},
        name="priority-feed-legacy",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("decisions/", views.DecisionListView.as_view(), name="decision-list"),
    path("actions/", views.ActionItemListView.as_view(), name="action-list"),
    path("feeds/updates/", feeds.UpdatesFeed(), name="updates-feed"),
    path("meetups/<slug:slug>/feed/", feeds.MeetupFeed(), name="meetup-feed"),
]
