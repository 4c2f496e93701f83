"""The commands a meeting's lines hold, MeetBot's and ours: the one vocabulary of pasted IRC
logs and hand-typed notes, who may say each, and the cheat sheet that tells them.

``irc_meeting`` obeys these commands (``irc_logs`` tells its rules). The cheat sheet, the help of
the admin's quick notes form and of ``import_notes``, is built from ``HELP``, which has a line
for every known command (a test checks it), so what the help says cannot drift from what is
read.
"""

from ..enums import Status

#: Commands that make an item, and the item's normalised command.
ITEM_COMMANDS = {
    "topic": "topic",
    "info": "info",
    "idea": "idea",
    "link": "link",
    "help": "help",
    "halp": "help",
    "agreed": "agreed",
    "agree": "agreed",
    "accepted": "agreed",
    "accept": "agreed",
    "rejected": "rejected",
    "reject": "rejected",
    "action": "action",
    "status": "status",
    "risk": "risk",
    "inwriting": "inwriting",
}
#: The "(Chairs only.)" commands of MeetBot's manual, and the votes' of the OpenStack fork.
CHAIR_COMMANDS = frozenset(
    {
        *("topic", "agreed", "agree", "accepted", "accept", "rejected", "reject", "undo"),
        *("chair", "unchair", "meetingname", "startvote", "endvote", "endmeeting"),
        *("meetingtopic", "save", "lurk", "unlurk", "restrictlogs"),
    }
)
#: Commands that steer the meeting, each read by the ``on_<command>`` method of the reader.
CONTROL_COMMANDS = (
    *("startmeeting", "endmeeting", "meetingname", "chair", "unchair", "undo", "nick"),
    *("here", "startvote", "vote", "endvote"),
)
#: MeetBot commands that change nothing in the minutes.
NO_EFFECT_COMMANDS = frozenset(
    {"meetingtopic", "save", "lurk", "unlurk", "restrictlogs", "commands"}
)
KNOWN_COMMANDS = frozenset({*ITEM_COMMANDS, *CONTROL_COMMANDS, *NO_EFFECT_COMMANDS})
#: Item commands that need no text ("#inwriting": the update was written, by nobody named).
ITEMS_WITHOUT_TEXT = frozenset({"inwriting"})

#: What the commands do, in the order the cheat sheet shows them: (the command and its
#: aliases, how it is used).
HELP = (
    (("startmeeting",), '[title]: the start; the title names the session (default "Quick notes")'),
    (("meetingname",), "<title>: the session's title (the last one given wins)"),
    (("topic",), "<text>: a priority area's name, slug or one of its words, or any other topic"),
    (
        ("status",),
        "<status> [headline]: the area's status update, e.g. "
        '"#status slow-progress: Moving, but slowly"',
    ),
    (("inwriting",), "[name]: the area's update was written down, not given in the room"),
    (("info",), "<text>: a point (the update's body under an area topic, else the notes)"),
    (("idea",), '<text>: a point marked "Idea:"'),
    (("help", "halp"), '<text>: a point marked "Help wanted:"'),
    (("link",), "<http(s) URL> [text]: a link, listed with the #info points"),
    (("agreed", "agree", "accepted", "accept"), "<text>: a decision"),
    (("rejected", "reject"), '<text>: a decision marked "Rejected:"'),
    (
        ("action",),
        "<owner> <text>: an action item for the owner (an IRC nick becomes the person's "
        'name); several owners, one item each: "#action alice, bob: fix the job"',
    ),
    (("risk",), "<text>: a risk or blocker"),
    (
        ("startvote",),
        "<question>? [option, option...]: a vote (options Yes, No unless given)",
    ),
    (
        ("vote",),
        "<option>: a vote for the option (each line one; in a log, each nick's last one)",
    ),
    (("endvote",), ': the vote\'s result, a decision with its tally ("Vote: ...? Yes 3, No 1")'),
    (("undo",), ": removes the last item, a #topic too"),
    (("here", "nick"), "<nick>[, <nick>...]: who is there; these nicks may own actions"),
    (("chair", "unchair"), "<nick>...: who chairs a logged meeting (in typed notes, everyone)"),
    (("endmeeting",), ": the end (nothing may follow it in typed notes)"),
    (tuple(sorted(NO_EFFECT_COMMANDS)), ": MeetBot's, accepted, and change nothing here"),
)

#: The commands an unknown command's error lists: all that do something, in the help's order.
COMMAND_LIST = ", ".join(
    f"#{name}" for names, _usage in HELP for name in names if name not in NO_EFFECT_COMMANDS
)


def _help_line(names, usage):
    shown = ", ".join(f"#{name}" for name in names)
    return f"{shown}{usage}" if usage.startswith(":") else f"{shown} {usage}"


#: The commands in a few lines: the help of the admin form and of the command.
CHEAT_SHEET = "\n".join(
    [
        "One command a line; a line without a command counts as #info (or #link, when it "
        "starts with an http(s) URL); blank lines are skipped.",
        *(_help_line(names, usage) for names, usage in HELP),
        "Statuses: "
        + ", ".join(status.value for status in Status)
        + ' (or their labels, such as "Good progress").',
        "Under a #topic that names a priority area, #info, #idea, #help and #link lines (but "
        "the first one when it is the headline) make the update's body, and decisions, action "
        "items and risks are tied to the area.",
    ]
)
