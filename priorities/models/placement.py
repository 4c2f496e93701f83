"""Where a row was when it was loaded, for the pages it leaves when a save moves it."""

from django.db import models


class RemembersPlacement(models.Model):
    """Keeps the fields a row was loaded with that place it (``placement_fields``: its session
    and priority area; a session's day; a day's meetup, number and date) as
    ``loaded_placement``, so that a save moving it
    changes the pages it leaves as well as those it joins (``priorities.page_scopes``), at no
    query: Django's documented way (``Model.from_db``) rather than reading the row again
    before every save. A row built otherwise (a history record restored, ``Model(**fields)``)
    has none: its earlier placement is unknown, and its save touches every page."""

    placement_fields = ("session_id", "priority_area_id")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # What the row is now in the database: the next save of this object starts from here.
        self.loaded_placement = self.current_placement()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.loaded_placement = instance.current_placement()
        return instance

    def current_placement(self):
        return tuple(self.__dict__.get(name) for name in self.placement_fields)
