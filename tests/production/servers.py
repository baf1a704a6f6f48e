"""The production server (gunicorn with gunicorn.conf.py and the production settings) run for real, for the tests
that need several worker processes or a broken database or cache."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Set by tests/settings.py or pytest for the test run itself; a production process never has them.
TEST_ONLY = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "SECURE", "ANON_CACHE_SECONDS", "API_ANON_RATE", "API_USER_RATE"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Deployment:
    """One installation: a database, a cache directory and collected static files, shared by its servers."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path, static_root: Path, *, database_url: str = "") -> Deployment:
        passed = {k: v for k, v in os.environ.items() if k not in TEST_ONLY and not k.startswith(("CACHE_", "DEBUG"))}
        env = {
            **passed,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECURE": "0",  # plain http on loopback
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url or f"sqlite:///{root / 'db.sqlite3'}",
            "CACHE_DIR": str(root / "cache"),
            "STATIC_ROOT": str(static_root),
            "GUNICORN_ACCESS_LOG": "",
        }
        deployment = cls(root=root, env=env)
        deployment.manage("migrate", "--noinput", "-v", "0")
        return deployment

    def manage(self, *args: str, **extra: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def staff_token(self) -> str:
        code = (
            "from django.contrib.auth.models import User; from rest_framework.authtoken.models import Token; "
            "u = User.objects.create_superuser('staff', 'staff@example.org', 'pw-not-used'); "
            "print(Token.objects.create(user=u).key)"
        )
        return self.manage("shell", "-v", "0", "-c", code).strip().splitlines()[-1]

    def server(self, name: str, *, port: int = 0, **extra: str) -> Server:
        return Server(name=name, env={**self.env, **extra}, log=self.root / f"{name}.log", port=port or free_port())


@dataclass
class Server:
    name: str
    env: dict[str, str]
    log: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        env = {"WEB_CONCURRENCY": "1", **self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", "gunicorn.conf.py", "config.wsgi"], cwd=ROOT, env=env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not start:\n{self.log.read_text()}")

    def __exit__(self, *exc: Any) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=30)

    def request(self, method: str, path: str, *, token: str = "", body: Any = None, **headers: str) -> Response:
        data = json.dumps(body).encode() if body is not None else None
        all_headers = {"Accept": "application/json", **headers}
        if token:
            all_headers["Authorization"] = f"Token {token}"
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode()

    def json(self) -> Any:
        return json.loads(self.content)
