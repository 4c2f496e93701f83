"""Clean what existing rows hold so that they pass the rules of 0010 (priorities.validators).

- control characters (C0 but tab and LF, DEL, C1), lone surrogates and noncharacters
  (U+FFFE, U+FFFF...) are removed; CRLF and CR become LF first;
- one-line fields have their line breaks joined with a space, as the report always showed them;
- over-long values are cut to their field's limit.

Each change is printed (model, row, field, what was done). Values that are only invisible
characters are listed but left alone: nothing here can tell what they should say, and the
next save of the row asks the editor. Historical records are the past as it was: untouched.
Reversing this migration does nothing (the removed characters are not kept).

Self-contained on purpose: it must keep working whatever the app's modules become.
"""

import re
import unicodedata

from django.db import migrations

UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04X}FFFE\\U{plane:04X}FFFF" for plane in range(0x11))
    + "]"
)
LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")

#: model: (one-line fields, {Markdown field: limit})
FIELDS = {
    "Meetup": (["name", "project", "cycle", "location"], {"description": 20_000}),
    "Day": ([], {"summary": 20_000}),
    "Session": (["title", "facilitator"], {"notes": 50_000}),
    "Person": (["name", "irc_nick", "affiliation"], {}),
    "PriorityArea": (["name"], {"description": 20_000}),
    "StatusUpdate": (["headline", "reported_by"], {"body": 20_000}),
    "Decision": ([], {"text": 5_000}),
    "ActionItem": (["owner"], {"text": 5_000}),
    "Risk": ([], {"text": 5_000}),
}


def _invisible_only(value):
    return bool(value) and all(
        character.isspace() or unicodedata.category(character) in ("Cf", "Zs", "Zl", "Zp")
        for character in value
    )


def cleaned(value, *, one_line, limit):
    """(new value, [what was done])."""
    done = []
    new = value
    if one_line:
        joined = LINE_BREAKS.sub(" ", new)
        if joined != new:
            done.append("line breaks joined")
            new = joined
    else:
        normalised = new.replace("\r\n", "\n").replace("\r", "\n")
        if normalised != new:
            done.append("CR line breaks made LF")
            new = normalised
    stripped = UNPRINTABLE.sub("", new)
    if stripped != new:
        characters = sorted({f"U+{ord(c):04X}" for c in UNPRINTABLE.findall(new)})
        done.append(f"removed {', '.join(characters)}")
        new = stripped
    if limit is not None and len(new) > limit:
        done.append(f"cut from {len(new)} to {limit} characters")
        new = new[:limit]
    return new, done


def clean_rows(apps, schema_editor):
    changed = 0
    for model_name, (one_line_fields, markdown_fields) in FIELDS.items():
        model = apps.get_model("priorities", model_name)
        limits = {name: model._meta.get_field(name).max_length for name in one_line_fields}
        limits.update(markdown_fields)
        for row in model.objects.order_by("pk").iterator():
            updates = {}
            for name, limit in limits.items():
                value = getattr(row, name)
                new, done = cleaned(value, one_line=name in one_line_fields, limit=limit)
                if new != value:
                    updates[name] = new
                    print(f"  {model_name} {row.pk} {name}: {'; '.join(done)}")  # noqa: T201
                if _invisible_only(new):
                    print(  # noqa: T201
                        f"  {model_name} {row.pk} {name}: only invisible characters, "
                        "left for an editor to fix"
                    )
            if updates:
                # update(): no signal, no version bump, no history record for a repair.
                model.objects.filter(pk=row.pk).update(**updates)
                changed += 1
    if changed:
        print(f"  Cleaned {changed} row(s) to the rules on editors' text.")  # noqa: T201


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0010_editor_text_rules"),
    ]

    operations = [
        migrations.RunPython(clean_rows, migrations.RunPython.noop, elidable=True),
    ]
