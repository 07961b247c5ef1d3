"""Settings shared by every environment. Values come from the environment (django-environ).

With nothing set, the project runs on an embedded SQLite file, runs Celery tasks eagerly in the
web process and prints e-mail to the console: `make demo` needs no services.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Development-only key; production.py refuses to start with it.
INSECURE_DEV_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "common",
    "teams",
    "surveys",
    "influence",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "common.request_context.RequestContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "teams.context_processors.viewer",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "teams.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic target in production (settings/production.py); development serves from finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Third-party front-end code comes from npm (package-lock.json), never hand-copied.
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    ("vendor/sigma", BASE_DIR / "node_modules" / "sigma" / "dist"),
    ("vendor/graphology", BASE_DIR / "node_modules" / "graphology" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-mail: console unless EMAIL_URL names a real server (smtp://user:pass@host:587 ...).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Influence Map <no-reply@localhost>")

# Cache: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: eager (in-process) unless a broker is configured.
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://localhost/")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=None if CELERY_TASK_ALWAYS_EAGER else CELERY_BROKER_URL
)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Plans, opens and closes due waves and sends due reminders.
    "surveys-tick": {"task": "surveys.tick", "schedule": env.int("SURVEY_TICK_SECONDS", 300)},
    # Deletes raw answers of closed waves past their organisation's retention period.
    "surveys-retention": {"task": "surveys.retention", "schedule": 6 * 60 * 60},
    # Drops the files of expired report exports.
    "influence-exports-expire": {"task": "influence.exports_expire", "schedule": 60 * 60},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a bad token answers 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every error answers {"detail": "...", "errors": {field: message}} (common/api.py).
    "EXCEPTION_HANDLER": "common.api.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "auth": env("AUTH_THROTTLE_RATE", default="20/min"),
        # Answering by link, per client address: generous, as a whole office may share one.
        "answer": env("ANSWER_THROTTLE_RATE", default="600/min"),
        # Everything else in the API, per signed-in user.
        "user": env("API_THROTTLE_RATE", default="1200/min"),
        "anon": env("API_ANON_THROTTLE_RATE", default="120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Influence Map API",
    "DESCRIPTION": "Everything the site does, for scripts: the roster, surveys, waves, "
    "invitations, answering by link, response rates, analysis runs, results (metrics, flags, "
    "team aggregates, one person, your own network), exports, the audit log and the "
    "organisation's settings; every answer scoped to the caller's role, as the pages are.\n\n"
    "**Sign in** with a token (`POST /api/auth/token/`, then `Authorization: Token <token>`) or, "
    "in a browser, with the site's session (send the CSRF token on writes). **Lists** are "
    "paginated (`?page=`, 50 a page; results lists also take `?page_size=` up to 500). "
    '**Errors** all answer `{"detail": "what is wrong and how to fix it"}`, plus '
    '`"errors": {field: message}` for invalid input. **Throttling**: too many requests answer '
    "429 with a `Retry-After` header.",
    "TAGS": [
        {"name": "auth", "description": "API tokens."},
        {"name": "people", "description": "The roster: people, their access, erasure (HR)."},
        {"name": "teams", "description": "The team tree."},
        {"name": "roster", "description": "Importing the roster from a file."},
        {"name": "surveys", "description": "Surveys and the question bank (HR)."},
        {"name": "waves", "description": "Waves, invitations and response rates."},
        {"name": "answering", "description": "Answering a survey by its secret link."},
        {"name": "analysis", "description": "Analysis runs and the full report of a wave."},
        {
            "name": "results",
            "description": "Metrics, flags, team aggregates, one person, "
            "flag reviews and your own network, from a wave's current analysis.",
        },
        {"name": "exports", "description": "Report files (CSV, XLSX, PDF, GraphML, JSON)."},
        {"name": "audit", "description": "Who did what, when (HR)."},
        {"name": "organisation", "description": "The organisation's settings (HR)."},
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.schema_add_common_errors",
    ],
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "QuestionKindEnum": "surveys.models.Question.Kind",
        "InvitationEventKindEnum": "surveys.models.InvitationEvent.Kind",
        "FlagKindEnum": "influence.models.Flag.Kind",
        "FlagReviewStatusEnum": "influence.models.FlagReview.Status",
    },
}

# Roster import limits.
ROSTER_IMPORT_MAX_BYTES = env.int("ROSTER_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Exports of up to this many people stream straight away; larger ones run as a background job.
EXPORT_STREAM_MAX_PEOPLE = env.int("EXPORT_STREAM_MAX_PEOPLE", default=1000)
# A finished export can be downloaded for this many hours.
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=72)
# Groups with fewer respondents than this have their aggregates withheld.
ANONYMITY_THRESHOLD = env.int("ANONYMITY_THRESHOLD", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Eager tasks in the web process would log every run; workers configure their own logging.
    "loggers": {"celery.app.trace": {"level": "WARNING"}},
}

# Absolute address of the site, for links in e-mails (invitations, password reset).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
