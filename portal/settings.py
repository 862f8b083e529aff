"""Settings: the one module that reads the environment.

With no environment variables at all the portal runs in the *embedded default*: a SQLite file in WAL
mode, kombu's filesystem broker, files on local disk and generated local secrets; it shows the
portal's own Chinese error pages, as users will see them (Django's debug pages, which list every URL
pattern, only with an explicit DEBUG=true). Production sets DEBUG=false and must then provide a real
secret, hosts, an encryption key and the address links point at (PORTAL_BASE_URL).
Every variable is listed in `.env.example`. A malformed value raises ImproperlyConfigured naming it.
"""

import secrets
import shutil
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _bool(name: str, default: bool | None) -> bool | None:
    raw = env.str(name, default="")
    if raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def _float(name: str, default: float, low: float = 0.0, high: float = 1.0) -> float:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must lie between {low} and {high}, not {value}")
    return value


def _local_secret(filename: str, generate) -> str:
    """A secret kept in var/ for the embedded default, generated on first use."""
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


# DEBUG says which kind of machine this is. Unset: a developer's machine or the embedded default
# (generated local secrets, plain http) with the portal's own error pages; true: the same with
# Django's debug pages, asked for explicitly; false: production, where nothing has a default.
_DEBUG_ENV = _bool("DEBUG", default=None)
PRODUCTION = _DEBUG_ENV is False
DEBUG = _DEBUG_ENV is True
EMBEDDED = not env.str("DATABASE_URL", default="")

# --- secrets -------------------------------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=false")
    SECRET_KEY = _local_secret("secret_key", lambda: secrets.token_urlsafe(50))
elif PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be a real secret of at least 50 characters")

# AES-256 keys for personal numbers, comma-separated, newest first (older ones still decrypt).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in env.str("FIELD_ENCRYPTION_KEY", default="").split(",") if k.strip()]
if not FIELD_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DEBUG=false")
    import base64

    FIELD_ENCRYPTION_KEYS = [
        _local_secret("field_key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    ]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG=false")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- apps ----------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rules",
    "django_filters",
    "captcha",  # django-simple-captcha: 办件查询 asks for one after repeated failed lookups
    "portal",
    "portal.feeds",
    "employers",
    "levy",
    "placement",
    "insurance",
    "backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.SessionLifetimeMiddleware",
    "portal.middleware.StaffTwoFactorMiddleware",
    "portal.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # axes last: it turns lock-outs raised by the backend into the lock-out page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"

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
                "portal.context_processors.frame",
            ],
            "builtins": ["portal.templatetags.portal"],
        },
    }
]

FORM_RENDERER = "portal.forms.PortalFormRenderer"
ADMIN_PATH = env.str("ADMIN_PATH", default="gov-admin/")

# --- database ------------------------------------------------------------------------------------
if EMBEDDED:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(VAR_DIR / "portal.sqlite3")),
            "OPTIONS": {
                # WAL so the worker process reads while the web process writes; IMMEDIATE so two
                # writers queue on the lock instead of failing half-way through a transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            # keep connections: each one runs the WAL pragma when it opens
            "CONN_MAX_AGE": 60,
        }
    }
else:
    try:
        DATABASES = {"default": env.db("DATABASE_URL")}
    except Exception as exc:  # environ raises several kinds for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    DATABASES["default"]["CONN_MAX_AGE"] = _int("DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ---------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis:// or rediss://, not {REDIS_URL!r}")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- authentication ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.backends.RegionModelBackend",  # Django's, with the user's region loaded alongside
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portal.passwords.RolePasswordValidator"},
    # Django's rules in the portal's words (您; issue 15)
    {"NAME": "portal.passwords.SimilarityValidator"},
    {"NAME": "portal.passwords.CommonPasswordValidator"},
    {"NAME": "portal.passwords.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 3600  # one hour (checklist B3)
# 经办人邀请链接: three days, so an invitation sent on a Friday still works on Monday (issue 15);
# its own token salt (employers.invitations), so the reset link keeps its one hour
INVITATION_TIMEOUT = 3 * 24 * 3600

# django-axes: five failures per user *and* address lock for 30 minutes; a remote attacker cannot
# lock a victim out from everywhere (checklist B2).
AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = _int("AXES_PROXY_COUNT", 0)
AXES_VERBOSE = False

# Sessions: idle limits by role (seconds) and an absolute lifetime, enforced by
# portal.middleware.SessionLifetimeMiddleware. A password change ends other sessions (Django's
# session auth hash).
SESSION_IDLE_STAFF = _int("SESSION_IDLE_STAFF", 30 * 60, minimum=60)
SESSION_IDLE_EMPLOYER = _int("SESSION_IDLE_EMPLOYER", 2 * 60 * 60, minimum=60)
SESSION_ABSOLUTE = _int("SESSION_ABSOLUTE", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "portal.views.errors.csrf_failure"  # in Chinese, like every other error page

OTP_TOTP_ISSUER = "残疾人按比例就业服务平台"
OTP_TOTP_TOLERANCE = 1

# --- security headers ----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- i18n ----------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not PRODUCTION  # the embedded default serves straight from static/
# Uploads live outside the web root and are only served through views that check the viewer's
# right to the owning object; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
UPLOAD_MAX_BYTES = _int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Uploaded and issued files: this machine's disk (MEDIA_ROOT, shared by every web and worker process
# here) or, for more than one machine, an S3-compatible object store (django-storages), private: files
# are still served only through the portal's checked views, never by the store's URLs.
FILE_STORAGE = env.str("FILE_STORAGE", default="local")
if FILE_STORAGE == "local":
    _files = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif FILE_STORAGE == "s3":
    if not env.str("S3_BUCKET", default=""):
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for a non-AWS store)")
    _files = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("S3_REGION", default="") or None,
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
        "location": env.str("S3_PREFIX", default=""),
    }}
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be local or s3, not {FILE_STORAGE!r}")
STORAGES = {
    "default": _files,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- e-mail --------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    try:
        vars().update(env.email_url("EMAIL_URL"))
    except Exception as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL: {exc}") from None
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@portal.example.gov.cn")
# Links in e-mails, receipts and certificates (查验地址, QR codes) use this origin, never the
# request's Host header (checklist H3). Production names it; `make run` passes the address it serves
# to its processes (portal/management/commands/runportal.py), whatever PORT it was given.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="")
if not PORTAL_BASE_URL:
    if PRODUCTION:
        raise ImproperlyConfigured("PORTAL_BASE_URL must be set when DEBUG=false")
    PORTAL_BASE_URL = "http://127.0.0.1:8000"
if not PORTAL_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"PORTAL_BASE_URL must start with http:// or https://, not {PORTAL_BASE_URL!r}")

# --- Celery --------------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _broker = Path(env.str("BROKER_DIR", default=str(VAR_DIR / "broker")))
    for _sub in ("queue", "processed", "control"):
        (_broker / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),  # kombu's default is ./control in the working dir
        "store_processed": False,
    }
# Tasks report progress in our own tables; nobody reads Celery results.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# acks_late + prefetch 1: a task is acknowledged only when it finished, so a killed worker's task
# is redelivered instead of lost; tasks are idempotent so a redelivery is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# No heartbeat for this long (it comes every minute): a background job waiting longer is told to
# its user as delayed, and administrators are e-mailed (portal.worker).
WORKER_SILENT_AFTER_S = env.int("WORKER_SILENT_AFTER_S", default=180)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 15 * 60
CELERY_TASK_TIME_LIMIT = 16 * 60
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- REST framework ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an anonymous call gets 401 with a WWW-Authenticate header. Staff reach the
        # API only through a session that passed the second factor, or an issued system token
        # (portal.tokens) where a view takes one: their personal tokens are refused (portal.authentication).
        "portal.authentication.AgentTokenAuthentication",
        "portal.authentication.VerifiedSessionAuthentication",
    ],
    # Deny by default: every API view names its roles (portal.access.HasRole)
    "DEFAULT_PERMISSION_CLASSES": ["portal.access.HasRole"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON in; views that receive files take multipart/form-data instead (portal.drf.FILE_PARSERS)
    "DEFAULT_PARSER_CLASSES": ["portal.drf.SchemaCheckedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "portal.drf.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portal.drf.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"public": env.str("PUBLIC_THROTTLE_RATE", default="120/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "残疾人按比例就业服务平台 API",
    "DESCRIPTION": "用人单位、残联、税务与职保会业务接口 (v1)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # requests and responses as separate components: a request shows what may be sent (files as
    # binary, no read-only fields, non-blank strings with minLength 1)
    "COMPONENT_SPLIT_REQUEST": True,
    # every operation's error responses and the one error body (portal.schema)
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "portal.schema.form_bodies",
                            "portal.schema.non_blank_strings", "portal.schema.document_errors"],
    # one name per choice set that several serializers share
    "ENUM_NAME_OVERRIDES": {
        "CertificateKindEnum": "levy.rules.certificates.CertificateKind.choices",
        "MonthCheckItemEnum": "placement.rules.grid.Check.choices",
        "MonthCheckOutcomeEnum": "placement.rules.grid.Outcome.choices",
        "LevyOutcomeEnum": "levy.choices.Outcome.choices",
    },
}
# The schema and docs are open in the embedded default and need a login in production.
API_DOCS_PUBLIC = _bool("API_DOCS_PUBLIC", default=not PRODUCTION)

# --- feeds (the mocked government registries; see portal/feeds) ----------------------------------
FEEDS_BACKEND = env.str("FEEDS_BACKEND", default="mock")
FEEDS_LATENCY_MS = _int("FEEDS_LATENCY_MS", 0)
FEEDS_ERROR_RATE = _float("FEEDS_ERROR_RATE", 0.0)
FEEDS_TIMEOUT_RATE = _float("FEEDS_TIMEOUT_RATE", 0.0)
FEEDS_CONCURRENCY = _int("FEEDS_CONCURRENCY", 16, minimum=1)
FEEDS_TIMEOUT_S = _float("FEEDS_TIMEOUT_S", 5.0, low=0.001, high=600)
FEEDS_HTTP_URL = env.str("FEEDS_HTTP_URL", default="")
# How every app asks the feeds (portal.feeds.calls): attempts per call, the first backoff (it
# doubles, with jitter), and how many calls a worker process makes at once.
FEEDS_ATTEMPTS = _int("FEEDS_ATTEMPTS", 4, minimum=1)
FEEDS_BACKOFF_S = _float("FEEDS_BACKOFF_S", 0.5, low=0.0, high=60)
FEEDS_THREADS = _int("FEEDS_THREADS", 10, minimum=1)
# 发送税务: attempts at the tax intake before a delivery is marked failed (an alert staff can
# retry), and the first backoff in seconds (it doubles per attempt, with jitter).
TAX_DELIVERY_ATTEMPTS = _int("TAX_DELIVERY_ATTEMPTS", 6, minimum=1)
TAX_DELIVERY_BACKOFF_S = _float("TAX_DELIVERY_BACKOFF_S", 30.0, low=0.0, high=3600)

# 办件查询 (levy tracking without login): failed lookups from one address before a captcha is asked,
# within the window; the captcha's spoken version needs Debian's flite (scripts/sysdeps.sh).
LEVY_TRACK_FAILURES_BEFORE_CAPTCHA = _int("LEVY_TRACK_FAILURES_BEFORE_CAPTCHA", 3, minimum=1)
LEVY_TRACK_WINDOW_S = _int("LEVY_TRACK_WINDOW_S", 3600, minimum=60)
CAPTCHA_FLITE_PATH = shutil.which("flite")
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 10  # minutes

# --- logging -------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pypdf": {"level": "ERROR"},  # the upload check's parser: repairs of ordinary files are not news
    },
}
