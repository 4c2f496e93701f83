from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .health import healthz

admin.site.site_header = "Meetup Notes: editors"
admin.site.site_title = "Meetup Notes admin"
admin.site.index_title = "Meetups, days and status updates"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(settings.HEALTH_CHECK_PATH, healthz, name="healthz"),
    path("api/", include("priorities.api.urls")),
    path("", include("priorities.urls")),
]
