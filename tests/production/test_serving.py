"""/healthz, the request log and the gunicorn configuration."""

import logging
import runpy
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.factories import ShelterFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_a_reachable_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert client.head(reverse("healthz")).status_code == HTTPStatus.OK


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("config.health.connection.cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["status"] == "error"
    assert "refused" not in response.content.decode()  # the reason goes to the log, not to the internet


def test_baseline_goes_through_the_middleware_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("baseline"))
    assert response.status_code == HTTPStatus.OK
    assert "Content-Security-Policy" in response


def request_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "registry.request"]


def test_each_request_is_logged_as_one_key_value_line(client, caplog):
    ShelterFactory()
    with caplog.at_level(logging.INFO, logger="registry.request"):
        client.get(reverse("shelter_list"), {"region": "south"})
    (line,) = request_lines(caplog)
    fields = dict(part.split("=", 1) for part in line.split())
    assert fields["method"] == "GET"
    assert fields["path"] == "/es/shelters/?region=south"
    assert fields["status"] == "200"
    assert float(fields["duration_ms"]) > 0
    assert int(fields["queries"]) > 0
    assert fields["user"] == "anon"


def test_request_log_names_the_signed_in_user_and_escapes_odd_paths(client, caplog):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="registry.request"):
        client.get("/admin/")
        client.get('/es/no such" page/')
    admin_line, odd_line = request_lines(caplog)
    assert f"user={user.pk}" in admin_line
    assert "path=/es/no%20such%22%20page/ " in odd_line  # escaped: one line, one field
    assert "status=404" in odd_line


def test_gunicorn_workers_follow_the_cpu_count(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 5
    assert (config["worker_class"], config["threads"]) == ("gthread", 1)
    assert config["timeout"] == 30
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 64)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 12  # capped


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["workers"], config["threads"], config["worker_class"]) == (3, 4, "gthread")
    assert config["accesslog"] is None


def test_streamed_exports_are_logged_once_they_finish(client, caplog):
    ShelterFactory(latitude="14.9", longitude="-92.26")
    with caplog.at_level(logging.INFO, logger="registry.request"):
        response = client.get(reverse("api:shelter-list"), {"format": "geojson"})
        assert response.streaming
        assert request_lines(caplog) == []  # nothing sent yet
        b"".join(response.streaming_content)
    (line,) = request_lines(caplog)
    assert "status=200" in line
    assert int(line.split("queries=")[1].split()[0]) > 0  # the export's own queries run while it streams
