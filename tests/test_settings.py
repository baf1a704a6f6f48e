"""Settings read the environment: DATABASE_URL, DEBUG, SECRET_KEY, ALLOWED_HOSTS."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.DEBUG, s.TIME_ZONE, s.USE_TZ, "
    "','.join(s.ALLOWED_HOSTS))"
)


def run_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_secret_key_is_required_when_debug_is_off():
    result = run_with({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_development_defaults_to_sqlite_in_the_project():
    result = run_with({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    engine, name, debug, tz, use_tz, _ = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")
    assert (debug, tz, use_tz) == ("True", "America/Mexico_City", "True")


def test_database_url_and_allowed_hosts_come_from_the_environment():
    result = run_with(
        {
            "SECRET_KEY": "x" * 60,
            "DATABASE_URL": "postgres://reg:pw@db.internal:5432/registry",
            "ALLOWED_HOSTS": "registry.example.org,www.registry.example.org",
        }
    )
    assert result.returncode == 0, result.stderr
    engine, name, debug, _, _, hosts = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert name == "registry"
    assert debug == "False"
    assert hosts == "registry.example.org,www.registry.example.org"


def test_a_redis_cache_url_selects_the_shared_client_backend():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    clean = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DEBUG"}}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "CACHE_URL": "redis://127.0.0.1:6379/3"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "config.redis.RedisCache"


PRINT_SERVING = (
    "import django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; c = s.CACHES['default']; "
    "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], c['BACKEND'], c.get('LOCATION', '-'))"
)


def serving_settings(env: dict[str, str]) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "CACHE_DIR", "CONN_MAX_AGE", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SERVING],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 60, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_keeps_checked_database_connections_and_a_cache_the_workers_share():
    max_age, health_checks, backend, location = serving_settings({"DEBUG": "0"})
    assert int(max_age) >= 60
    assert health_checks == "True"
    assert backend == "config.diskcache.DiskCache"
    assert location == str(ROOT / "var" / "cache")


def test_development_opens_a_connection_per_request_and_caches_in_memory():
    max_age, _, backend, _ = serving_settings({"DEBUG": "1"})
    assert max_age == "0"
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_dir_moves_the_shared_cache(tmp_path):
    *_, backend, location = serving_settings({"DEBUG": "0", "CACHE_DIR": str(tmp_path)})
    assert (backend, location) == ("config.diskcache.DiskCache", str(tmp_path))


SHARED_CACHE = (
    "import sys, django; django.setup(); from django.core.cache import cache; "
    "cache.set('page', sys.argv[1]) if sys.argv[1] != '-' else print(cache.get('page'))"
)


def test_the_shipped_cache_is_shared_by_the_worker_processes(tmp_path):
    """What one gunicorn worker caches, another reads: two separate processes, the production settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DEBUG"}} | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "x" * 60,
        "DEBUG": "0",
        "CACHE_DIR": str(tmp_path),
    }
    for argument in ("written by one worker", "-"):
        result = subprocess.run(
            [sys.executable, "-c", SHARED_CACHE, argument], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "written by one worker"
