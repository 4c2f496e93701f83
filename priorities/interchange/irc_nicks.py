"""IRC nicks as people: one key for ``alice``, ``Alice_`` and ``alice|away``, and the owners an
``#action`` names.

Owners, the rule followed (neither MeetBot's nor HcoopMeetbot's alone, because both list an
action under every nick they find in it but leave the text as typed, while a notes site needs
the task without its owners):

1. A leading list of nick-shaped words ending in a colon, such as ``#action alice, bob: fix
   the job``, is the owners, even when nobody by those nicks spoke: the colon says so. They
   are removed from the text (as in the rules below) and shown as the meeting knows them.
2. Failing that, the leading known nicks, separated by commas, spaces, "and" or "&", are the
   owners and are removed from the text: ``#action alice, bob fix the job`` gives ("alice",
   "bob") and "fix the job"; a "to" after them goes too, as minutes so often say "#action bob
   to fix it". Known nicks are the meeting's (speakers, ``#here``, ``#nick``, chairs, and
   ``#here`` aliases, which stand for their nick), collected over the whole meeting as
   MeetBot does when it writes the minutes, plus the caller's.
3. Failing that, in hand-typed notes (``typed``), where nobody speaks and so few nicks are
   known, the first word is the owner, as quick notes have always read ``#action alaski write
   the plan``. Its other words stay the task: "#action danpb, write the spec" has one owner.
4. Failing that, MeetBot's rule: every known nick named anywhere in the text, which is then
   kept whole (``#action ask alice about the gate`` is alice's). Words are whole tokens, as in
   HcoopMeetbot, not MeetBot's ``\\b`` boundaries, so "dims" is not found in "dims-test".
5. Else no owners: ``#action fix the gate`` gives ().
"""

import re

_WORD = re.compile(r"\S+")
_CONJUNCTIONS = frozenset({"and", "&"})
_LEADING_TO = re.compile(r"to\s", re.IGNORECASE)
_NICK_SHAPE = re.compile(r"[A-Za-z\[\]\\`_^{|}][\w\[\]\\`^{|}-]*")
_NICK_TOKEN = re.compile(r"[\w\[\]\\`^{|}-]+")
_NICK_LIST_SEPARATOR = re.compile(r"[,\s]+")


def display_nick(nick):
    """The nick without the decorations people add when away or reconnecting: trailing
    underscores and a ``|away``-style suffix ("alice_", "alice|away": "alice")."""
    return nick.split("|", 1)[0].rstrip("_") or nick


def nick_key(nick):
    """What two spellings of one person's nick have in common: nicks compare
    case-insensitively, as IRC does, and without decorations."""
    return display_nick(nick).lower()


def split_nicks(text):
    """The nicks of ``#chair alice, bob`` or ``#nick carol dave``: commas and/or spaces apart."""
    return [nick.rstrip(":") for nick in _NICK_LIST_SEPARATOR.split(text) if nick.rstrip(":")]


def split_owners(text, known, *, typed=False):
    """``(owners, task)`` of an ``#action``'s text, given ``known``: {nick key: nick};
    ``typed`` for hand-typed notes."""
    listed, task_at = _listed_before_colon(text)
    owners = list(dict.fromkeys(known.get(nick_key(name), name) for name in listed))
    if not owners:
        owners, task_at = _leading_known(text, known)
    if not owners and typed and (first := _WORD.match(text)):
        owner = first.group().rstrip(",:")
        owners, task_at = ([display_nick(owner)], first.end()) if owner else ([], 0)
    if owners:
        task = text[task_at:].lstrip(" ,:")
        return tuple(owners), task[3:].lstrip() if _LEADING_TO.match(task) else task
    return _named_anywhere(text, known), text


def _leading_known(text, known):
    owners, task_at = [], 0
    for word in _WORD.finditer(text):
        token = word.group()
        if owners and _is_separator(token):
            continue
        name = known.get(nick_key(token.rstrip(",:")))
        if name is None:
            break
        if name not in owners:
            owners.append(name)
        task_at = word.end()
        if token.endswith(":"):
            break
    return owners, task_at


def _listed_before_colon(text):
    names, joined = [], True
    for word in _WORD.finditer(text):
        token = word.group()
        if names and _is_separator(token):
            joined = True
            continue
        name = token.rstrip(",:")
        if not joined or not _NICK_SHAPE.fullmatch(name):
            break
        names.append(display_nick(name))
        if token.endswith(":"):
            return names, word.end()
        joined = token.endswith(",")
    return [], 0


def _is_separator(token):
    return token.lower() in _CONJUNCTIONS or not token.strip(",")


def _named_anywhere(text, known):
    owners = []
    for token in _NICK_TOKEN.finditer(text):
        name = known.get(nick_key(token.group()))
        if name is not None and name not in owners:
            owners.append(name)
    return tuple(owners)
