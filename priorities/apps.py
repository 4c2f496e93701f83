from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "priorities"
    verbose_name = "Meetup notes"

    def ready(self):
        from django.db.models.signals import post_migrate

        from meetup.pagecache.signals import watch

        from . import signals  # noqa: F401 (connects the receivers)
        from .models import CONTENT_MODELS, Attendance, PriorityArea
        from .roles import sync_roles

        # After Django's own receiver has created this app's permissions.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="priorities-sync-roles")

        # Every page shows these: any change to them is a change of the site's content. Who
        # leads an area and who attended which day decide the day page's absent-lead flags.
        watch(*CONTENT_MODELS, relations=(PriorityArea.leads.through, Attendance.days.through))
