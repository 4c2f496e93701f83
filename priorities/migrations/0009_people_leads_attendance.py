"""People, priority area leads as people, and meetup attendance.

An area's leads were a comma-separated text; each name becomes a ``Person`` (one per distinct
name) and a lead of the area, so nothing typed there is lost. (Editors' rights to people and
attendance are in ``priorities.roles``.)
"""

import django.db.models.deletion
import django.db.models.functions.text
import priorities.validators
from django.db import migrations, models
from django.utils import timezone


def leads_text_to_people(apps, schema_editor):
    PriorityArea = apps.get_model("priorities", "PriorityArea")
    Person = apps.get_model("priorities", "Person")
    for area in PriorityArea.objects.exclude(leads_text=""):
        names = [name.strip() for name in area.leads_text.split(",") if name.strip()]
        for name in names:
            # validate_label forbids these in a person's name; the report uses them.
            clean_name = " ".join(name.translate(str.maketrans("*[]", "   ")).split())[:200]
            clean_name = clean_name or "Unnamed lead"
            person = Person.objects.filter(name__iexact=clean_name).first()
            if person is None:
                person = Person.objects.create(name=clean_name)
            area.leads.add(person)


def people_to_leads_text(apps, schema_editor):
    PriorityArea = apps.get_model("priorities", "PriorityArea")
    for area in PriorityArea.objects.prefetch_related("leads"):
        area.leads_text = ", ".join(person.name for person in area.leads.all())[:200]
        area.save(update_fields=["leads_text"])


def bump_content_version(apps, schema_editor):
    """Pages change shape with this migration: cached copies and ETags must not outlive it."""
    ContentVersion = apps.get_model("priorities", "ContentVersion")
    ContentVersion.objects.update(version=models.F("version") + 1, changed_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ('priorities', '0008_order_by_foreign_key_columns'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RenameField(
            model_name='priorityarea',
            old_name='leads',
            new_name='leads_text',
        ),
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, validators=[priorities.validators.validate_label])),
                ('irc_nick', models.CharField(blank=True, help_text='As typed in the meeting channel; quick notes map #action owners by it.', max_length=50, verbose_name='IRC nick')),
                ('affiliation', models.CharField(blank=True, max_length=200)),
            ],
            options={
                'verbose_name_plural': 'people',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('name'), name='person_name_unique', violation_error_message='There is already a person with this name.'), models.UniqueConstraint(django.db.models.functions.text.Lower('irc_nick'), condition=models.Q(('irc_nick', ''), _negated=True), name='person_irc_nick_unique', violation_error_message='Someone else already has this IRC nick.'), models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='person_name_not_empty', violation_error_message='A person needs a name.')],
            },
        ),
        migrations.AddField(
            model_name='priorityarea',
            name='leads',
            field=models.ManyToManyField(blank=True, help_text='Who leads this area. A day page flags the area when none of them attended.', related_name='led_areas', to='priorities.person'),
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('days', models.ManyToManyField(blank=True, help_text='The days this person was in the room.', related_name='attendances', to='priorities.day')),
                ('meetup', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='priorities.meetup')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendances', to='priorities.person')),
            ],
            options={
                'ordering': ['meetup_id', 'person__name'],
                'constraints': [models.UniqueConstraint(fields=('meetup', 'person'), name='attendance_unique_per_meetup', violation_error_message='This person is already listed for this meetup.')],
            },
        ),
        migrations.RunPython(leads_text_to_people, people_to_leads_text),
        migrations.RemoveField(
            model_name='priorityarea',
            name='leads_text',
        ),
        migrations.RunPython(bump_content_version, bump_content_version),
    ]
