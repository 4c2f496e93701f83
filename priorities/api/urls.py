"""``/api/``: the router's endpoints, the OpenAPI schema and Swagger UI to browse it."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views


class Router(DefaultRouter):
    """Endpoints as ``path()`` routes, without ``.json`` suffixes (JSON is all we answer)."""

    include_format_suffixes = False


router = Router(use_regex_path=False)
router.register("teams", views.TeamViewSet, basename="team")
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("areas", views.PriorityAreaViewSet, basename="area")
router.register("meetups", views.MeetupViewSet, basename="meetup")
router.register("days", views.DayViewSet, basename="day")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("status-updates", views.StatusUpdateViewSet, basename="status-update")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("action-items", views.ActionItemViewSet, basename="action-item")
router.register("risks", views.RiskViewSet, basename="risk")

app_name = "api"

urlpatterns = [
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # Swagger UI's set-up script is served apart (?script=), never inline: the
        # Content-Security-Policy allows scripts from our own addresses only.
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]
