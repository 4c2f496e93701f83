from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "priorities"
    verbose_name = "Meetup notes"

    def ready(self):
        from django.db.models.signals import post_migrate

        from meetup.pagecache.scopes import define_scopes
        from meetup.pagecache.signals import watch

        from . import (
            page_scopes,
            signals,  # noqa: F401 (connects the receivers)
        )
        from .models import CONTENT_MODELS, Attendance, CyclePriority, Team
        from .models.team_rules import install_after_migrate
        from .roles import sync_roles

        # After Django's own receiver has created this app's permissions.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="priorities-sync-roles")
        post_migrate.connect(
            install_after_migrate, sender=self, dispatch_uid="priorities-team-rules"
        )

        # What each page shows and which pages each change touches: page_scopes. Who leads an
        # area decides the day page's absent-lead flags; which teams an editor edits decides
        # the edit links their pages carry (and ETags): every page.
        define_scopes(of_page=page_scopes.scopes_of_page, of_changes=page_scopes.scopes_changed)
        watch(
            *CONTENT_MODELS,
            relations=(CyclePriority.leads.through, Team.editors.through),
        )
        watch(*page_scopes.SCOPED_MODELS, touches=page_scopes.touched_by)
        watch(relations=(Attendance.days.through,), touches=page_scopes.touched_by_relation)
