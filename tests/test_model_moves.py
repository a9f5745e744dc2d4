"""Models moved to the app they belong to (practice content, the rate limit) keep every row, link and permission."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("clinic_site", "0007_closed_days"),
    ("conditions", "0005_urgent_situations"),
    ("treatments", "0005_urgent_situations"),
    ("guides", "0004_urgent_situations"),
]


def test_the_move_to_the_practice_app_keeps_rows_links_and_permissions(transactional_db):
    from conditions.models import Condition
    from page_cache.models import PageGeneration
    from practice.models import ClosedDay, Practice, PublicImage, TeamMember

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    practice = old.get_model("clinic_site", "Practice").objects.create(name="Old Practice", phone="+1 555 010 0123")
    old.get_model("clinic_site", "ClosedDay").objects.create(practice=practice, date="2026-12-25", name="Christmas")
    image = old.get_model("clinic_site", "PublicImage").objects.create(
        source="public-images/a.png", width=10, height=10, alt="A drawn portrait."
    )
    reviewer = old.get_model("clinic_site", "TeamMember").objects.create(
        name="Dr. Old Reviewer", role="Surgeon", can_review=True, portrait=image
    )
    old.get_model("clinic_site", "PageGeneration").objects.update_or_create(pk=1, defaults={"value": 41})
    old.get_model("conditions", "Condition").objects.create(
        slug="old-page",
        title="Old page",
        summary="S",
        body="B",
        last_reviewed="2026-11-01",
        reviewed_by=reviewer,
        illustration=image,
    )
    # Staff's permissions point at the old content type; they must still hold after the move.
    old_type = ContentType.objects.get_or_create(app_label="clinic_site", model="closedday")[0]
    permission = Permission.objects.get_or_create(
        content_type=old_type, codename="change_closedday", defaults={"name": "Can change closed day"}
    )[0]
    desk = Group.objects.create(name="Moved desk")
    desk.permissions.add(permission)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Practice.objects.get(pk=practice.pk).name == "Old Practice"
    assert ClosedDay.objects.get(name="Christmas").practice_id == practice.pk
    page = Condition.objects.get(slug="old-page")
    assert (page.reviewed_by.name, page.illustration.alt) == ("Dr. Old Reviewer", "A drawn portrait.")
    assert TeamMember.objects.get(pk=reviewer.pk).portrait == PublicImage.objects.get(pk=image.pk)
    assert PageGeneration.objects.get(pk=1).value == 41
    assert desk.permissions.get().content_type == ContentType.objects.get_for_model(ClosedDay)
    assert not ContentType.objects.filter(app_label="clinic_site", model="closedday").exists()


def test_the_move_of_the_rate_limit_to_client_limits_keeps_its_counts(transactional_db):
    from client_limits import rate_limit
    from client_limits.models import RateLimitBucket

    before = [("consultations", "0008_audit_actions_merged")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    bucket = old.get_model("consultations", "RateLimitBucket").objects.create(key="a" * 64)
    old.get_model("consultations", "RateLimitHit").objects.create(bucket=bucket)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert RateLimitBucket.objects.get(key="a" * 64).hits.count() == 1
    # The table works as the limit's own again: a new client is counted in it.
    assert rate_limit.take_slot("203.0.113.9")
    assert RateLimitBucket.objects.count() == 2
