"""Settings for the clinic site, read from the environment.

Production is the default: DEBUG is off unless DJANGO_DEBUG says otherwise, and a production
process refuses to start without the secrets and services it needs. The README lists every
variable. Tests use clinic_site.test_settings, which imports this module.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from clinic_site.release import release_digest

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_json(name):
    """A JSON object from the environment (e.g. a storage backend's options), or None when unset."""
    value = os.environ.get(name, "")
    if not value:
        return None
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {error}.") from None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(f'{name} must be a JSON object, such as {{"bucket_name": "…"}}.')
    return parsed


def required(name):
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is off (see README).")
    return value


def mailer_from_url(url):
    """A MAILERS entry from smtp://user:password@host:port, smtp+tls://… or smtp+ssl://….

    console:// prints mail to the terminal (development only).
    """
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in ("smtp", "smtp+tls", "smtp+ssl"):
        raise ImproperlyConfigured("CLINIC_EMAIL_URL must start with smtp://, smtp+tls://, smtp+ssl:// or console://.")
    query = parse_qs(parts.query)
    options = {
        "host": parts.hostname or "localhost",
        "use_tls": parts.scheme == "smtp+tls",
        "use_ssl": parts.scheme == "smtp+ssl",
        "timeout": int(query.get("timeout", ["10"])[0]),
    }
    if parts.port:
        options["port"] = parts.port
    elif parts.scheme == "smtp":
        options["port"] = 25
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    # Development only: a fixed key is fine because DEBUG can never be on in production.
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "development-only-not-secret"
else:
    SECRET_KEY = required("DJANGO_SECRET_KEY")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

# Absolute base URL for links that leave the request (sitemap, canonical links, structured data,
# e-mails); never taken from a request's Host header (practice.site_url).
CLINIC_SITE_URL = (
    os.environ.get("CLINIC_SITE_URL", "http://127.0.0.1:8000") if DEBUG else required("CLINIC_SITE_URL")
).rstrip("/")
if urlsplit(CLINIC_SITE_URL).scheme not in ("http", "https") or not urlsplit(CLINIC_SITE_URL).netloc:
    raise ImproperlyConfigured(f"CLINIC_SITE_URL must be an absolute http(s) URL, not {CLINIC_SITE_URL!r}.")

# Shown in the urgent-care notices: the local emergency number.
CLINIC_EMERGENCY_NUMBER = os.environ.get("CLINIC_EMERGENCY_NUMBER", "911")

# Changes with every deployment: part of page ETags and page-cache keys. Unset, it is a digest of
# the static files' manifest, the templates and the code, so it still changes when they do.
# Where collectstatic writes and whitenoise serves from; the bench and tests collect elsewhere.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
CLINIC_RELEASE = os.environ.get("CLINIC_RELEASE") or release_digest(BASE_DIR, STATIC_ROOT)

INSTALLED_APPS = [
    # Django's admin, on a site that requires the second factor (staff/admin_site.py).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Third-party apps.
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # Ours. Configuration (clinic_site: its migrations only), then the layers from the bottom up
    # (tests/test_architecture.py holds the order): infrastructure, the practice, the shared base,
    # the content apps, and the apps that work with patients' requests and staff.
    "clinic_site",
    "stored_files",
    "client_limits",
    "page_cache",
    "practice",
    "booking",
    "triage",
    "medical_pages",
    "treatments",
    "conditions",
    "guides",
    "consultations",
    "staff",
    "backups",
]

MIDDLEWARE = [
    # The request id, on every response and in the access log and error reports.
    "clinic_site.middleware.RequestIdMiddleware",
    # Security headers next: they reach every response, static files and cached pages included.
    "django.middleware.security.SecurityMiddleware",
    "clinic_site.middleware.CrossOriginResourcePolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Like whitenoise for static files: renditions of public images, before sessions and CSRF.
    "images.serving.PublicImageMiddleware",
    # The language from the address (/es/…), before the page cache: it is part of a page's key.
    "clinic_site.middleware.LanguageFromAddressMiddleware",
    # Public pages from the page cache, before sessions, CSRF and auth (page_cache.cache).
    "page_cache.middleware.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff.sessions.SessionLifetimeMiddleware",
    "staff.referrer_policy.AdminReferrerPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic_site.urls"
WSGI_APPLICATION = "clinic_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "practice.context_processors.practice",
                "practice.context_processors.languages",
            ],
        },
    },
]

if DEBUG:
    DATABASES = {
        "default": dj_database_url.parse(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
    }
else:
    DATABASES = {"default": dj_database_url.parse(required("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered pages live in this cache; it must be shared by every server process, so production
# needs Redis. The SQLite demo runs one process and may keep pages in local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis keeps one redis-py client per server; Django's own backend builds one,
            # with redis-py's ~170 response callbacks, on every call (README, Dependencies).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CLINIC_CACHE_PREFIX", "clinic"),
            # A page renders without the cache rather than wait on it (page_cache.cache).
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("CLINIC_CACHE_TIMEOUT", 0.25)),
                "SOCKET_TIMEOUT": float(os.environ.get("CLINIC_CACHE_TIMEOUT", 0.25)),
            },
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("REDIS_URL must be set when DJANGO_DEBUG is off: server processes share its cache.")
CLINIC_PAGE_CACHE_SECONDS = int(os.environ.get("CLINIC_PAGE_CACHE_SECONDS", 60 * 60 * 24))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at the usual addresses, Spanish under /es/ (clinic_site/urls.py). The names are each
# language's own (the switcher in the header offers "Español" to an English page), so untranslated.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("CLINIC_TIME_ZONE", "America/New_York")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Images on public pages (portraits, illustrations): the renditions made at upload, under
# content-hashed names (images.renditions). They are always linked at a path of this site, so
# the CSP's img-src 'self' holds; the app serves them (images.serving) from whatever
# storage is configured, and a CDN or the reverse proxy may answer that path in front of it.
CLINIC_PUBLIC_IMAGES_URL = os.environ.get("CLINIC_PUBLIC_IMAGES_URL", "/images/")
if not (CLINIC_PUBLIC_IMAGES_URL.startswith("/") and CLINIC_PUBLIC_IMAGES_URL.endswith("/")) or (
    CLINIC_PUBLIC_IMAGES_URL.startswith("//") or CLINIC_PUBLIC_IMAGES_URL == "/"
):
    raise ImproperlyConfigured(
        "CLINIC_PUBLIC_IMAGES_URL must be a path on this site such as /images/ (images stay same-origin)."
    )
# Where patients' photos and the public images' renditions are kept: "disk", directories of this
# server (one server), or "database", rows in PostgreSQL that every server reads (stored_files).
CLINIC_FILE_STORE = os.environ.get("CLINIC_FILE_STORE") or "disk"
if CLINIC_FILE_STORE not in ("disk", "database"):
    raise ImproperlyConfigured(
        f"CLINIC_FILE_STORE must be disk (one server) or database (several servers), not {CLINIC_FILE_STORE!r}."
    )
if CLINIC_FILE_STORE == "database" and not os.environ.get("CLINIC_PUBLIC_IMAGES_STORAGE"):
    PUBLIC_IMAGES_STORAGE = {
        "BACKEND": "stored_files.storage.DatabaseStorage",
        "OPTIONS": {"store": "public_images", "base_url": CLINIC_PUBLIC_IMAGES_URL},
    }
else:  # on disk, or in a backend of its own (e.g. object storage)
    PUBLIC_IMAGES_STORAGE = {
        "BACKEND": os.environ.get("CLINIC_PUBLIC_IMAGES_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env_json("CLINIC_PUBLIC_IMAGES_OPTIONS")
        or {
            "location": os.environ.get("CLINIC_PUBLIC_IMAGES_ROOT", str(BASE_DIR / "public_images")),
            "base_url": CLINIC_PUBLIC_IMAGES_URL,
        },
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    "public_images": PUBLIC_IMAGES_STORAGE,
}

# Patients' photos (consultations.photos): in a store without URLs, on disk a private directory outside
# STATIC_ROOT and anything a web server publishes. Only staff read them, through a view that checks
# and records it. CLINIC_PHOTO_ROOT is that directory (None when photos are in the database).
if CLINIC_FILE_STORE == "database":
    CLINIC_PHOTO_ROOT = None
    STORAGES["patient_photos"] = {
        "BACKEND": "stored_files.storage.PrivateDatabaseStorage",
        "OPTIONS": {"store": "patient_photos"},
    }
else:
    if DEBUG:
        CLINIC_PHOTO_ROOT = Path(os.environ.get("CLINIC_PHOTO_ROOT") or BASE_DIR / "private" / "patient-photos")
    else:
        CLINIC_PHOTO_ROOT = Path(required("CLINIC_PHOTO_ROOT"))
    CLINIC_PHOTO_ROOT = CLINIC_PHOTO_ROOT.resolve()
    STORAGES["patient_photos"] = {
        # A FileSystemStorage without url(): the plain one would build one from MEDIA_URL.
        "BACKEND": "consultations.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": CLINIC_PHOTO_ROOT,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
# At most this many bytes and pixels per photo; the stored copy's long edge is at most CLINIC_PHOTO_LONG_EDGE.
CLINIC_PHOTO_MAX_BYTES = int(os.environ.get("CLINIC_PHOTO_MAX_BYTES", 10 * 1024 * 1024))
CLINIC_PHOTO_MAX_PIXELS = int(os.environ.get("CLINIC_PHOTO_MAX_PIXELS", 40_000_000))
CLINIC_PHOTO_LONG_EDGE = int(os.environ.get("CLINIC_PHOTO_LONG_EDGE", 2048))

# Mail. Django 6.1 configures mail with MAILERS; the EMAIL_* settings are deprecated.
MAILERS = {
    "default": mailer_from_url(
        os.environ.get("CLINIC_EMAIL_URL", "console://") if DEBUG else required("CLINIC_EMAIL_URL")
    )
}
DEFAULT_FROM_EMAIL = (
    os.environ.get("DEFAULT_FROM_EMAIL", "clinic@localhost") if DEBUG else required("DEFAULT_FROM_EMAIL")
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. Every page is same-origin only: no inline script or style, so no nonce.
# Nothing is allowed unless named: each kind of resource the site uses gets 'self', and nothing
# else (no web fonts, no fetch/XHR, no frames, no plugins, no manifest, so no font-src,
# connect-src, frame-src, object-src or manifest-src). The admin works under the same policy.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Bootstrap draws form controls with data: SVG images; the QR code for staff enrolment is one too.
    "img-src": [CSP.SELF, "data:"],
    # The site's pages fetch nothing themselves; 'self' lets auditing tools (Lighthouse's SEO check
    # reads /robots.txt from inside the page) see what a search engine sees. Same origin only.
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A failed CSRF check (cookies blocked, a stale tab) gets a page in the site's layout, and the
# consultation form comes back filled in.
CSRF_FAILURE_VIEW = "consultations.views.csrf_failure"

if not DEBUG:
    # Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers ask for the health check over plain HTTP, behind the TLS proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    # Off only for a deployment whose subdomains are not all served over HTTPS.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = SECURE_HSTS_INCLUDE_SUBDOMAINS

# Third-party settings.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Server errors (500) are mailed to CLINIC_ADMINS (Django's ADMINS: its default logging sends the
# "django" logger's errors to them when DEBUG is off), with no patient detail in the report: no posted
# value, query string, cookie, file name, local variable or exception message (clinic_site.error_reports).
ADMINS = env_list("CLINIC_ADMINS")
DEFAULT_EXCEPTION_REPORTER = "clinic_site.error_reports.PatientSafeExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "clinic_site.error_reports.PatientSafeExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tracebacks without the exception's message, which may quote what a patient sent.
    "formatters": {"patient_safe": {"()": "clinic_site.error_reports.PatientSafeFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "patient_safe"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Consultation requests.
# Who is told that a request has arrived (comma-separated e-mail addresses).
CLINIC_STAFF_EMAILS = env_list(
    "CLINIC_STAFF_EMAILS", "frontdesk@localhost" if DEBUG else required("CLINIC_STAFF_EMAILS")
)
# Proxies whose X-Forwarded-For is believed when working out a client's address (addresses or networks).
CLINIC_TRUSTED_PROXIES = env_list("CLINIC_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")
# Requests accepted per client address per window; 0 switches the rate limit off (attempts included).
CLINIC_CONSULTATION_RATE_LIMIT = int(os.environ.get("CLINIC_CONSULTATION_RATE_LIMIT", 5))
# Form posts of any kind (stored, with a mistake, a failed CSRF check, a forged token) per client
# per window: counted before anything is read, so no client can make the server do unbounded work.
CLINIC_CONSULTATION_ATTEMPT_LIMIT = int(os.environ.get("CLINIC_CONSULTATION_ATTEMPT_LIMIT", 20))
CLINIC_CONSULTATION_RATE_WINDOW = int(os.environ.get("CLINIC_CONSULTATION_RATE_WINDOW", 60 * 60))
# The honeypot and the minimum time to fill the form in; off only in tests that need every
# submission to reach validation.
CLINIC_CONSULTATION_SPAM_CHECKS = env_bool("CLINIC_CONSULTATION_SPAM_CHECKS", True)
CLINIC_CONSULTATION_MIN_FILL_SECONDS = float(os.environ.get("CLINIC_CONSULTATION_MIN_FILL_SECONDS", 3))
# How long a form stays valid, and how long an identical request counts as the same one.
CLINIC_CONSULTATION_FORM_MAX_AGE = int(os.environ.get("CLINIC_CONSULTATION_FORM_MAX_AGE", 60 * 60 * 24))
CLINIC_CONSULTATION_DUPLICATE_WINDOW = int(os.environ.get("CLINIC_CONSULTATION_DUPLICATE_WINDOW", 10 * 60))
# A staff notice not sent this long after a request arrived is overdue: re-enqueued and shown in the admin.
# It is also how long a worker's claim on a mail lasts: keep it well above the mail server's timeout
# (CLINIC_EMAIL_URL's ?timeout=), or a slow send counts as abandoned and another worker sends it again.
CLINIC_NOTICE_OVERDUE_SECONDS = int(os.environ.get("CLINIC_NOTICE_OVERDUE_SECONDS", 5 * 60))
# Seconds to wait before each new attempt at a failed e-mail; one more attempt than there are
# delays (six over about a day by default), then the e-mail is marked failed and shown to staff.
CLINIC_MAIL_RETRY_DELAYS = [int(delay) for delay in env_list("CLINIC_MAIL_RETRY_DELAYS", "300,1800,7200,21600,57600")]
# Finished task results (the worker's record of each e-mail task) are deleted after this many days.
CLINIC_TASK_RESULT_DAYS = int(os.environ.get("CLINIC_TASK_RESULT_DAYS", 14))
# Completed, closed and spam requests are deleted this many days after staff last changed them (or
# after they arrived, if staff never did): consultations.retention, run daily by `manage.py daily_clean_up`.
CLINIC_RETENTION_DAYS = int(os.environ.get("CLINIC_RETENTION_DAYS", 730))
# Requests left open (new, contacted, scheduled) are deleted once unchanged for this many days.
CLINIC_OPEN_RETENTION_DAYS = int(os.environ.get("CLINIC_OPEN_RETENTION_DAYS", 1095))
# Region for phone numbers typed without an international prefix (ISO 3166 code).
CLINIC_PHONE_REGION = os.environ.get("CLINIC_PHONE_REGION", "US")
# Staff access (the staff app): sessions, the second factor and sign-in lockout. The README has the details.
# Sessions end after this long idle (renewed on every request); only staff have sessions.
SESSION_COOKIE_AGE = int(os.environ.get("CLINIC_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
# ... and this long after signing in, however busy.
CLINIC_SESSION_MAX_SECONDS = int(os.environ.get("CLINIC_SESSION_MAX_SECONDS", 12 * 60 * 60))
# A code from an authenticator app after the password. Always on in production; the SQLite demo skips it.
CLINIC_STAFF_SECOND_FACTOR = not DEBUG
OTP_TOTP_ISSUER = os.environ.get("CLINIC_OTP_ISSUER", "Clinic admin")
# Device keys stay out of the admin's device pages.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# django-axes: wrong passwords are counted per username and client address together, so an attacker
# elsewhere cannot lock a staff member out; attempts refused during the pause do not extend it.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("CLINIC_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(seconds=int(os.environ.get("CLINIC_LOGIN_COOLOFF_SECONDS", 15 * 60)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "staff.lockout.client_ip"
# No banner on every manage.py command; failures and lockouts are still logged.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "staff.lockout.lockout_response"
# Masked in axes' records of failed sign-ins: `next` may hold an admin search, i.e. a patient's name.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "next"]
