from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "priorities"
    verbose_name = "Meetup notes"

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
