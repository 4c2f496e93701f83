from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from meetup.pagecache.live import version_probe

from .health import healthz

admin.site.site_header = "Meetup Notes: editors"
admin.site.site_title = "Meetup Notes admin"
admin.site.index_title = "Meetups, days and status updates"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("live/version", version_probe, name="live-version"),
    path(settings.HEALTH_CHECK_PATH, healthz, name="healthz"),
    path("api/", include("priorities.api.urls")),
    path("", include("priorities.urls")),
]
