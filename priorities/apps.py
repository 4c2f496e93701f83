from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "priorities"
    verbose_name = "Meetup notes"

    def ready(self):
        from meetup.pagecache.signals import watch

        from . import signals  # noqa: F401 (connects the receivers)
        from .models import CONTENT_MODELS, Attendance, PriorityArea

        # Every page shows these: any change to them is a change of the site's content. Who
        # leads an area and who attended which day decide the day page's absent-lead flags.
        watch(*CONTENT_MODELS, relations=(PriorityArea.leads.through, Attendance.days.through))
