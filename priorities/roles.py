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

#: group -> {model name -> actions}. An action is Django's (``view`` gives ``view_<model>``)
#: or, with an underscore, the codename of one of the model's own ``Meta.permissions``.
#: Note-takers (Editors) post days, sessions, updates and outcomes; people are theirs to add.
#: Organisers do that too, and set up meetups and areas, record attendance and send day
#: reports to mailing lists; deleting meetups and areas, users and groups stay a superuser's.
#: Each editor makes and revokes their own API tokens.
EDITORS = {
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
    # An IRC log's lines, imported with its quick notes; never edited afterwards.
    "transcriptline": ["add", "view"],
    # Their own API tokens only (the admin lists no one else's); revoking is a change.
    "apitoken": ["add", "change", "view"],
    "historicalday": HISTORY,
    "historicalsession": HISTORY,
    "historicalstatusupdate": HISTORY,
    "historicaldecision": HISTORY,
    "historicalactionitem": HISTORY,
    "historicalrisk": HISTORY,
}

ROLES = {
    "Editors": EDITORS,
    "Organisers": {
        **EDITORS,
        "meetup": ["add", "change", "view"],
        "priorityarea": ["add", "change", "view"],
        "attendance": ["add", "change", "delete", "view"],
        "reportsending": ["view", "send_report"],
    },
}


def _has(apps, model_name):
    try:
        apps.get_model("priorities", model_name)
    except LookupError:
        return False
    return True


def codenames(rights):
    return {
        action if "_" in action else f"{action}_{model}"
        for model, actions in rights.items()
        for action in actions
    }


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
