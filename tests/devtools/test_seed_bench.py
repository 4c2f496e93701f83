import io

import pytest
from django.core.management import CommandError, call_command

from meetup.pagecache.models import ContentVersion
from priorities.models import (
    ActionItem,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
)

pytestmark = pytest.mark.django_db


def seed_bench(*args):
    stdout = io.StringIO()
    call_command("seed_bench", *args, stdout=stdout)
    return stdout.getvalue()


def test_seed_bench_creates_the_requested_meetups_days_and_updates():
    output = seed_bench("--meetups=2", "--days=3", "--updates=30", "--areas=7")
    assert Meetup.objects.count() == 2
    assert Day.objects.count() == 6
    assert StatusUpdate.objects.count() == 2 * 3 * 30
    assert PriorityArea.objects.count() == 7
    for day in Day.objects.all():
        assert StatusUpdate.objects.filter(session__day=day).count() == 30
    assert "Created 2 meetup(s), 180 status updates" in output


def test_seed_bench_output_is_valid_by_the_models_own_rules():
    seed_bench("--meetups=2", "--days=2", "--updates=25", "--areas=4")
    for model in (Meetup, Day, Session, PriorityArea, StatusUpdate, Decision, ActionItem, Risk):
        objects = list(model.objects.all())
        assert objects, model
        for obj in objects:
            obj.full_clean()


def test_seed_bench_adds_new_meetups_on_each_run():
    seed_bench("--meetups=1", "--days=1", "--updates=5")
    seed_bench("--meetups=1", "--days=1", "--updates=5")
    assert sorted(Meetup.objects.values_list("slug", flat=True)) == ["bench-1", "bench-2"]


def test_seed_bench_moves_the_content_version_so_caches_see_the_new_data():
    before = ContentVersion.current()[0]
    seed_bench("--meetups=1", "--days=1", "--updates=5")
    assert ContentVersion.current()[0] > before


def test_seed_bench_refuses_nonsense_sizes():
    with pytest.raises(CommandError):
        seed_bench("--meetups=0")
