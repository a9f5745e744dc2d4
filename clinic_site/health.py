"""/healthz for load balancers and monitors: 200 while the database answers, 503 otherwise.

No detail in the answer (it is public), and never cached. Redis is not checked: the site works
without it (page_cache.cache).
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Health check: database unavailable (%s)", type(error).__name__)
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
