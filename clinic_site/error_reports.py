"""Reports of server errors (Django's ADMINS mail) that carry no patient detail.

A report leaves the server by e-mail, so it says where the code failed and on which path, and
nothing a patient or a staff member sent: every request, not only the views marked
`sensitive_post_parameters`, has its posted values, uploaded file names, query string, cookies and
headers other than a few harmless ones left out. The exception's message is left out too: a
database error quotes the row it refused and a ValueError the text it could not read.

The server's own log (journalctl) is kept by the same rule: PatientSafeFormatter writes a logged
exception's type and stack, never its message or notes, for the same reasons.
"""

import logging
import traceback

from django.conf import settings
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

LEFT_OUT = "[left out: may hold patient data]"

# Request headers and WSGI variables a report may show; any other (the query string, Referer,
# cookies, forwarded addresses, gunicorn's RAW_URI) is left out.
SHOWN_META = frozenset(
    {
        "REQUEST_METHOD",
        "PATH_INFO",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "CONTENT_LENGTH",
        "HTTP_HOST",
        "HTTP_USER_AGENT",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_X_FORWARDED_PROTO",
        "wsgi.url_scheme",
    }
)
# Settings a report may show (the rest hold addresses, URLs with passwords or nothing useful here).
SHOWN_SETTINGS = ("SETTINGS_MODULE", "DEBUG", "CLINIC_RELEASE", "INSTALLED_APPS", "MIDDLEWARE", "TIME_ZONE")


class PatientSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """DEFAULT_EXCEPTION_REPORTER_FILTER: values out, names kept, for every request and every view."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        try:
            names = list(request.POST)
        except Exception:  # noqa: BLE001 - a body that cannot be read is reported without it
            return {}
        return dict.fromkeys(names, self.cleansed_substitute)

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        return {key: value for key, value in getattr(request, "META", {}).items() if key in SHOWN_META}

    def get_traceback_frame_variables(self, request, tb_frame):
        # Local variables hold the form's answers; the HTML report would list them.
        return []

    def get_safe_settings(self):
        return {name: self.cleanse_setting(name, getattr(settings, name, None)) for name in SHOWN_SETTINGS}


class PatientSafeExceptionReporter(ExceptionReporter):
    """DEFAULT_EXCEPTION_REPORTER: the URL without its query string; no values of any kind."""

    def _get_raw_insecure_uri(self):
        return f"{self.request.scheme}://{self.request._get_raw_host()}{self.request.path}"

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = list(dict.fromkeys(self.request.GET, self.filter.cleansed_substitute).items())
            data["request_FILES_items"] = [(name, LEFT_OUT) for name in self.request.FILES]
            user = getattr(self.request, "user", None)
            data["user_str"] = f"id {user.pk}" if getattr(user, "is_authenticated", False) else None
        if "exception_value" in data:
            data["exception_value"] = LEFT_OUT
        data.pop("exception_notes", None)
        data["unicode_hint"] = ""
        for frame in data["frames"]:
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = type(frame["exc_cause"]).__name__
        if data.get("template_info"):
            data["template_info"] = {**data["template_info"], "message": LEFT_OUT}
        return data

    def get_traceback_text(self):
        request_id = getattr(self.request, "request_id", None)
        text = super().get_traceback_text()
        return f"Request ID: {request_id}\n{text}" if request_id else text


class PatientSafeFormatter(logging.Formatter):
    """The log's formatter (LOGGING): a traceback's frames and each exception's type, with the
    messages of the exception and of those chained to it left out."""

    def formatException(self, exc_info):
        chain, seen, exception = [], set(), exc_info[1]
        while exception is not None and id(exception) not in seen:
            seen.add(id(exception))
            chain.append(exception)
            exception = exception.__cause__ or (None if exception.__suppress_context__ else exception.__context__)
        parts = []
        for exception in reversed(chain):
            if parts:
                parts.append("\nThe exception above led to this one:\n\n")
            kind = type(exception)
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(exception.__traceback__))
            parts.append(f"{kind.__module__}.{kind.__qualname__}: {LEFT_OUT}\n")
        return "".join(parts).rstrip("\n")
