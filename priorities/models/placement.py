"""Where a row was when it was loaded, for the pages it leaves when a save moves it."""

from django.db import models


class RemembersPlacement(models.Model):
    """Keeps the session and priority area a row was loaded with (``loaded_placement``), so
    that a save moving it to another session or area changes the pages it leaves as well as
    those it joins (``priorities.page_scopes``), at no query: Django's documented way
    (``Model.from_db``) rather than reading the row again before every save."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        loaded = instance.__dict__
        instance.loaded_placement = (loaded.get("session_id"), loaded.get("priority_area_id"))
        return instance
