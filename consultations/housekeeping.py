"""The daily clean-up the worker runs (`make worker`): expired requests, old rate-limit counts and task results,
photo files a failed submission left behind, and photos held for forms never sent.

Each step is idempotent, so a worker that restarts often, or two sweep processes, do no harm.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from client_limits import rate_limit
from consultations import held_photos, photos
from consultations.retention import delete_expired

DAY = timedelta(days=1)


def prune_task_results(now=None):
    """Forget task results older than CLINIC_TASK_RESULT_DAYS; the deliveries keep what matters."""
    days = settings.CLINIC_TASK_RESULT_DAYS
    call_command("prune_db_task_results", min_age_days=days, queue_name="*", verbosity=0)
    # Tasks a killed worker left RUNNING, or never picked up, are never "finished": the sweep has
    # long since queued their mail again, so they go too.
    cutoff = (now or timezone.now()) - timedelta(days=days)
    DBTaskResult.objects.filter(status__in=["READY", "RUNNING"], enqueued_at__lt=cutoff).delete()


def run_daily(now=None):
    """Everything that must happen once a day; the number of consultation requests deleted."""
    deleted = delete_expired(now)
    rate_limit.prune(now)
    prune_task_results(now)
    photos.delete_orphan_files(now)
    held_photos.delete_expired(now)
    return deleted
