"""gunicorn settings shared by `make serve` and the tests that start gunicorn (tests/servers.py).

Staff searches travel in admin URLs (`?q=<name>`, `_changelist_filters=…`), so an access-log line
carries the path without its query string, and no Referer: no patient detail is ever written to a
log. The reverse proxy in front needs the same rule (README, "Deploying").
"""

accesslog = "-"
errorlog = "-"
# %(U)s is the path alone; %(r)s (the full request line) and %(f)s (the Referer) are left out on purpose.
# The last field is the response's X-Request-ID (clinic_site.middleware.RequestIdMiddleware), which
# nginx's log and error reports carry too: one line per request, and no second log line from the app.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'

# A consultation request may carry six photos of up to 40 megapixels, each decoded and re-encoded
# (consultations.photos): measured at up to 30 seconds in all on a busy two-core machine. The
# default 30-second timeout would kill the worker mid-request and lose the patient's request.
timeout = 120
