from django.contrib import admin
from django.urls import include, path

from meetup.pagecache.live import version_probe

admin.site.site_header = "Meetup Notes: editors"
admin.site.site_title = "Meetup Notes admin"
admin.site.index_title = "Meetups, days and status updates"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("live/version", version_probe, name="live-version"),
    path("", include("priorities.urls")),
]
