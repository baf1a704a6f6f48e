"""Settings for the migrant-shelter support registry.

Every environment variable is read once, in the block below, with its type and default.
Development needs none of them: no DATABASE_URL means SQLite in the project folder.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- environment -----------------------------------------------------------------------------------------
DEBUG: bool = env.bool("DEBUG", default=False)
SECRET_KEY: str = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# The cache must be shared by every worker process, or a change made through one worker stays invisible to the
# pages the others cached. Without CACHE_URL: python-diskcache under CACHE_DIR (SQLite files every worker on this
# machine shares, no extra service); local memory only for development (runserver is one process). Not Django's
# file cache: it lists its whole directory on every write (8 ms at 7,000 pages) and culls a third of the pages
# at 5,000 (bench/RESULTS.md).
CACHE_DIR: Path = env.path("CACHE_DIR", default=BASE_DIR / "var" / "cache")
# Bytes the shipped cache may hold before it evicts the least recently used entries.
CACHE_SIZE_LIMIT: int = env.int("CACHE_SIZE_LIMIT", default=1024**3)
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "registry"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "config.diskcache.DiskCache",
            "LOCATION": str(CACHE_DIR),
            "TIMEOUT": 300,
            # Writers lock one shard at a time; a write that waits longer than this is skipped (it is a cache).
            "SHARDS": 4,
            "DATABASE_TIMEOUT": 0.05,
            "OPTIONS": {"size_limit": CACHE_SIZE_LIMIT, "eviction_policy": "least-recently-stored"},
        }
    }
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend with one client per pool, that serves uncached when Redis is unreachable (config/redis.py).
    CACHES["default"]["BACKEND"] = "config.redis.RedisCache"
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 0.5)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 0.5)
# Persistent connections in production (a new PostgreSQL connection per request costs more than most pages), checked
# before reuse so a connection the server dropped is replaced instead of failing the request.
CONN_MAX_AGE: int = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
CONN_HEALTH_CHECKS: bool = env.bool("CONN_HEALTH_CHECKS", default=True)
STATIC_ROOT: Path = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")  # where collectstatic gathers files
SECURE: bool = env.bool("SECURE", default=not DEBUG)  # HTTPS-only cookies, redirects and HSTS
# Seconds an anonymous page is served from the cache. Every change to a record is seen at once (the data version)
# and a page showing "open now" expires when some shelter opens or closes; this bounds only what neither covers,
# such as a page after a deploy that changed its template.
ANON_CACHE_SECONDS: int = env.int("ANON_CACHE_SECONDS", default=0 if DEBUG else 600)
# How long past that a cached anonymous page is still served, marked, while the database is down (stale-if-error).
ANON_STALE_SECONDS: int = env.int("ANON_STALE_SECONDS", default=86400)
IATI_REPORTING_ORG: str = env.str("IATI_REPORTING_ORG", default="XM-DAC-47066")
IATI_REPORTING_ORG_NAME: str = env.str("IATI_REPORTING_ORG_NAME", default="International Organization for Migration")
LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")
# Reverse proxies in front of the app that append to X-Forwarded-For (0: clients connect directly).
NUM_PROXIES: int = env.int("NUM_PROXIES", default=0)
# Outgoing mail (correction reports to staff): printed on the console unless EMAIL_URL names an SMTP server,
# e.g. smtp+tls://user:password@smtp.example.org:587 (django-environ's email URL).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="registro@localhost")
# Who is told of a correction report (comma-separated); empty: staff allowed to decide correction reports.
CORRECTION_REPORT_RECIPIENTS: list[str] = env.list("CORRECTION_REPORT_RECIPIENTS", default=[])
# Correction reports one client may send (DRF rate syntax: N/min, N/hour, N/day).
CORRECTION_REPORT_RATE: str = env.str("CORRECTION_REPORT_RATE", default="5/hour")
# The site's public address, for links in e-mails.
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# ----------------------------------------------------------------------------------------------------------

if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY in the environment (or DEBUG=1 for development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

DATABASES["default"]["CONN_MAX_AGE"] = CONN_MAX_AGE
DATABASES["default"]["CONN_HEALTH_CHECKS"] = CONN_HEALTH_CHECKS
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: its cost estimate trips on the list queries (open-now subqueries over every row) and it
    # spent 220 ms compiling a 20-row page; the app's queries are short, index-driven lookups (bench/RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, as its documentation requires
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "js_lib_leaflet",
    "django_countries",  # Leaflet's static files, served locally (no CDN)
    "registry",
    "projects",
    "news",
    # The site package: pages and commands that combine the apps (config.views, config/management).
    "config",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",  # first, so its duration covers the whole stack
    "config.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, locale, CSRF, authentication and CSP: a cached page is sent with the headers it was stored
    # with, and a hit costs none of them (bench/RESULTS.md). After the HTTPS redirect and the static files.
    "config.middleware.AnonymousCacheMiddleware",
    # Pages, API lists and exports compressed for the clients that accept gzip (the page cache keeps them so).
    "config.middleware.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- internationalisation ---
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # Mexican number formats for "es"
TIME_ZONE = "America/Mexico_City"
# Content fields (each app's translation.py) get one column per language; a missing translation falls back to the
# other language, which the templates mark with its `lang` attribute (registry.localized).
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_LANGUAGES = ("es", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("es", "en")}
USE_I18N = True
USE_TZ = True

# --- static files ---
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- security (production values unless DEBUG; `manage.py check --deploy` passes with DEBUG off) ---
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# --- django-csp 4: no 'unsafe-inline' scripts; inline scripts carry the per-request nonce ---
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "https://*.tile.openstreetmap.org"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- django-axes: lock on username and IP together, so one shared office address cannot lock everyone out ---
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a proxy every REMOTE_ADDR is the proxy's: axes locks on the client's own address, found by django-ipware.
# With NUM_PROXIES trusted proxies, that is the address the outermost of them saw: X-Forwarded-For counted from the
# right, where a client cannot forge it (as DRF's throttles count it; the last proxy is REMOTE_ADDR, not listed).
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES - 1 if NUM_PROXIES > 0 else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",) if NUM_PROXIES > 0 else ("REMOTE_ADDR",)
# A client may send an X-Forwarded-For of its own, which the proxy extends: take the trusted position from the right
# rather than refusing a chain longer than the proxies (ipware's strict mode would leave no address at all).
IPWARE_STRICT = False

# --- Django REST framework ---
# The project's own classes (registry.rest), which every viewset uses through registry.rest.viewsets.ApiModelViewSet.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "registry.rest.authentication.CookieSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["registry.rest.permissions.StaffModelPermissionsOrAnonReadOnly"],
    # The shared FilterSets carry `q` (search) and `ordering` themselves, with the public pages' parameter names.
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "registry.rest.pagination.ApiPagination",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "registry.rest.negotiation.FormatFirstNegotiation",
    # JSON bodies only: form encodings cannot tell null from "null", nor a list from a repeated field.
    "DEFAULT_PARSER_CLASSES": ["registry.rest.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["registry.rest.json.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_SCHEMA_CLASS": "registry.rest.schema.FilterAwareAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "registry.rest.throttling.AnonThrottle",
        "registry.rest.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/min"),
        "user": env.str("API_USER_RATE", default="1200/min"),
    },
}
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES  # throttle per client, not per proxy

SPECTACULAR_SETTINGS = {
    "TITLE": "Migrant-shelter support registry API",
    "DESCRIPTION": (
        "Shelters, cooperation agreements, projects and news of a migrant-shelter support programme in Mexico."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components (ShelterRequest, Shelter): a generated client then asks for what a
    # write takes, not for the read-only fields of a response; required strings say minLength 1.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.rest.schema.drop_parameter_titles",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # tags and operation ids by resource (shelters_list), not "v1"
    # Several models have a `status` with different choices: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ShelterStatusEnum": "registry.models.ShelterStatus",
        "AgreementStatusEnum": "registry.models.AgreementStatus",
        "ProjectStatusEnum": "projects.models.ProjectStatus",
    },
}

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (23.6, -102.5),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "ATTRIBUTION_PREFIX": "OpenStreetMap",
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "ts=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

vars().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ... from EMAIL_URL
SERVER_EMAIL = DEFAULT_FROM_EMAIL
