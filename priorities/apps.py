from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "priorities"
    verbose_name = "Meetup notes"

    def ready(self):
        from django.db.models.signals import post_migrate

        from meetup.pagecache.signals import watch

        from . import signals  # noqa: F401 (connects the receivers)
        from .models import CONTENT_MODELS, Attendance, CyclePriority, Team
        from .models.team_rules import install_after_migrate
        from .roles import sync_roles

        # After Django's own receiver has created this app's permissions.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="priorities-sync-roles")
        post_migrate.connect(
            install_after_migrate, sender=self, dispatch_uid="priorities-team-rules"
        )

        # Every page shows these: any change to them is a change of the site's content. Who
        # leads an area and who attended which day decide the day page's absent-lead flags;
        # which teams an editor edits decides the edit links their pages carry (and ETags).
        watch(
            *CONTENT_MODELS,
            relations=(
                CyclePriority.leads.through,
                Attendance.days.through,
                Team.editors.through,
            ),
        )
