"""The production configuration: `check --deploy` is clean, with nothing silenced, and DEBUG-only tools are off."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Set by tests/settings.py for the test run itself; a production process never has them.
TEST_ONLY = {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "SECURE", "ANON_CACHE_SECONDS", "API_ANON_RATE"}


def production_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "registry.example.org",
        **extra,
    }


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_flags_a_development_setup():
    """The test above can fail: with DEBUG on and the insecure development key, check --deploy complains."""
    env = production_env(DEBUG="1")
    del env["SECRET_KEY"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W018" in output  # DEBUG on
    assert "security.W009" in output  # weak SECRET_KEY


def test_production_settings_values():
    code = (
        "import json; from django.conf import settings as s; from rest_framework.settings import api_settings; "
        "print(json.dumps({"
        "'silenced': s.SILENCED_SYSTEM_CHECKS, 'ssl_redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE,"
        "'session_httponly': s.SESSION_COOKIE_HTTPONLY, 'proxy': s.SECURE_PROXY_SSL_HEADER,"
        "'static': s.STORAGES['staticfiles']['BACKEND'], 'frame': s.X_FRAME_OPTIONS,"
        "'renderers': [r.__name__ for r in api_settings.DEFAULT_RENDERER_CLASSES],"
        "'script_src': [str(v) for v in s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']]}))"
    )
    result = manage("shell", "-v", "0", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert not [check for check in values["silenced"] if check.startswith("security.")]
    assert values["ssl_redirect"] is True
    assert values["hsts"] >= 31536000
    assert values["session_secure"] and values["csrf_secure"] and values["session_httponly"]
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["frame"] == "DENY"
    assert values["renderers"] == ["JSONRenderer"]  # no browsable API
    assert "'unsafe-inline'" not in values["script_src"]


def test_development_keeps_the_browsable_api():
    code = (
        "from rest_framework.settings import api_settings; "
        "print(','.join(r.__name__ for r in api_settings.DEFAULT_RENDERER_CLASSES))"
    )
    result = manage("shell", "-v", "0", "-c", code, env=production_env(DEBUG="1"))
    assert result.returncode == 0, result.stderr
    assert "BrowsableAPIRenderer" in result.stdout
