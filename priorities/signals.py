"""Keep ``ContentVersion`` moving: any save or delete of what the site shows bumps it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import (
    ActionItem,
    ContentVersion,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
)

SHOWN_MODELS = (Meetup, Day, Session, PriorityArea, StatusUpdate, Decision, ActionItem, Risk)


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, **kwargs):
    if sender in SHOWN_MODELS and not kwargs.get("raw"):
        ContentVersion.bump()
