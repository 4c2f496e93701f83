"""Who may do what in the admin: the groups the site keeps, and their rights, in one table.

``sync_roles`` runs after every ``migrate`` (``priorities.apps``), once Django has created the
permissions, and gives each group exactly the rights listed here: a change to this table is a
change to the groups on the next migrate, and a database set up without migrations (a test run
with ``--nomigrations``) gets the same groups.
"""

from django.contrib.auth.models import Group, Permission

#: Models whose earlier versions editors may see and restore (django-simple-history): seeing
#: needs ``view_historical<model>``, restoring ``change_historical<model>``. Nobody but a
#: superuser may add to or delete from history itself.
HISTORY = ["view", "change"]

#: group -> {model name -> actions}. Note-takers post days, sessions, updates and outcomes;
#: meetups and priority areas are the organisers' to create and delete; people are the
#: editors' to add, attendance the organisers' to record; users and groups are out of reach.
#: Each editor makes and revokes their own API tokens.
ROLES = {
    "Editors": {
        "team": ["view"],
        "cycle": ["view"],
        "cyclepriority": ["view"],
        "meetup": ["view"],
        "priorityarea": ["view"],
        "day": ["add", "change", "view"],
        "session": ["add", "change", "view"],
        "statusupdate": ["add", "change", "delete", "view"],
        "decision": ["add", "change", "delete", "view"],
        "actionitem": ["add", "change", "delete", "view"],
        "risk": ["add", "change", "delete", "view"],
        "person": ["add", "change", "view"],
        "attendance": ["view"],
        # Their own API tokens only (the admin lists no one else's); revoking is a change.
        "apitoken": ["add", "change", "view"],
        "historicalday": HISTORY,
        "historicalsession": HISTORY,
        "historicalstatusupdate": HISTORY,
        "historicaldecision": HISTORY,
        "historicalactionitem": HISTORY,
        "historicalrisk": HISTORY,
    },
}


def _has(apps, model_name):
    try:
        apps.get_model("priorities", model_name)
    except LookupError:
        return False
    return True


def codenames(rights):
    return {f"{action}_{model}" for model, actions in rights.items() for action in actions}


def sync_roles(app_config=None, using="default", apps=None, **kwargs):
    """Give every group of ``ROLES`` exactly its rights (creating the group if need be).

    After a ``migrate`` back to an earlier state (``apps``), rights on models that state
    does not have yet are left out.
    """
    for name, rights in ROLES.items():
        if apps is not None:
            rights = {model: actions for model, actions in rights.items() if _has(apps, model)}
        wanted = codenames(rights)
        permissions = list(
            Permission.objects.using(using).filter(
                content_type__app_label="priorities", codename__in=wanted
            )
        )
        missing = wanted - {permission.codename for permission in permissions}
        if missing:
            raise LookupError(f"{name}: no such permission {', '.join(sorted(missing))}")
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions)
