"""Where a row was when it was loaded, for the pages it leaves when a save moves it."""

from django.db import models


class RemembersPlacement(models.Model):
    """Keeps the keys a row was loaded with that place it (``placement_fields``: its session
    and priority area, a session's day) as ``loaded_placement``, so that a save moving it
    changes the pages it leaves as well as those it joins (``priorities.page_scopes``), at no
    query: Django's documented way (``Model.from_db``) rather than reading the row again
    before every save."""

    placement_fields = ("session_id", "priority_area_id")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        loaded = instance.__dict__
        instance.loaded_placement = tuple(loaded.get(name) for name in cls.placement_fields)
        return instance
