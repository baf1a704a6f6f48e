"""The default production set-up, run for real: gunicorn worker processes with the production settings and no
CACHE_URL. A change made through one worker is visible on the next read from any other; a cache outage serves
uncached; a database that refuses connections gets 503s, and the anonymous pages already cached are still served.

Each server here runs one worker, so a test can send a request to a chosen worker; two of them sharing one
installation (database and cache directory) are what `make serve`'s workers are.
"""

from http import HTTPStatus

import pytest

from tests.production.servers import Deployment, free_port

pytestmark = pytest.mark.production_server

SHELTER = {"name": "Albergue Dos Procesos", "state": "MX-OAX", "municipality": "Ixtepec", "capacity": 40}


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    path = tmp_path_factory.mktemp("static")
    return path


@pytest.fixture
def deployment(tmp_path, static_root) -> Deployment:
    deployment = Deployment.create(tmp_path, static_root)
    if not any(static_root.iterdir()):
        deployment.manage("collectstatic", "--noinput", "-v", "0")
    return deployment


def reads(slug: str) -> dict[str, str]:
    """What an anonymous visitor or partner reads about one shelter, one URL per kind of cached answer."""
    return {
        "api detail": f"/api/v1/shelters/{slug}/",
        "api list": "/api/v1/shelters/?q=Procesos",
        "csv export": "/api/v1/shelters/?format=csv&q=Procesos",
        "geojson export": "/api/v1/shelters/?format=geojson&q=Procesos",
        "page": f"/es/shelters/{slug}/",
        "list page": "/es/shelters/?q=Procesos",
    }


def test_a_change_through_one_worker_is_visible_on_the_next_read_from_either(deployment):
    token = deployment.staff_token()
    with deployment.server("first") as first, deployment.server("second") as second:
        created = first.request("POST", "/api/v1/shelters/", token=token, body=SHELTER)
        assert created.status == HTTPStatus.CREATED, created.text
        urls = reads(created.json()["slug"])
        for worker in (first, second):
            for url in urls.values():
                worker.get(url)  # fill both workers' caches
            assert all(worker.get(url).headers.get("X-Cache") == "hit" for url in urls.values())

        changed = second.request("PATCH", urls["api detail"], token=token, body={"name": "Albergue Renombrado"})
        assert changed.status == HTTPStatus.OK, changed.text

        for worker in (first, second):
            for what, url in urls.items():
                if what == "api list" or what.endswith("export") or what == "list page":
                    url = url.replace("Procesos", "Renombrado")
                answer = worker.get(url)
                assert answer.status == HTTPStatus.OK, (worker.name, what, answer.text[:300])
                assert "Albergue Renombrado" in answer.text, (worker.name, what)
            # The staff's own exports too (they bypass the page cache, not the export cache).
            staff_csv = worker.get("/api/v1/shelters/?format=csv", token=token)
            assert "Albergue Renombrado" in staff_csv.text and "Dos Procesos" not in staff_csv.text


def test_with_redis_down_every_url_is_served_uncached(deployment):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    with deployment.server("no-redis", CACHE_URL=dead_redis, WEB_CONCURRENCY="2") as server:
        answers = {path: server.get(path) for path in ("/es/", "/es/shelters/", "/api/v1/shelters/", "/admin/login/")}
        for _ in range(5):
            server.get("/api/v1/states/")
        health = server.get("/healthz")
    assert {path: answer.status for path, answer in answers.items()} == dict.fromkeys(answers, HTTPStatus.OK)
    assert health.status == HTTPStatus.OK
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}
    # Logged once per worker process, not once per request.
    assert 1 <= server.log.read_text().count("cache unavailable") <= 2


def test_with_the_database_refusing_connections_cached_pages_are_served_stale_and_the_rest_503(deployment):
    token = deployment.staff_token()
    with deployment.server("before", ANON_CACHE_SECONDS="1") as server:
        slug = server.request("POST", "/api/v1/shelters/", token=token, body=SHELTER).json()["slug"]
        cached = {"page": f"/es/shelters/{slug}/", "api": f"/api/v1/shelters/{slug}/"}
        for url in cached.values():
            assert server.get(url).headers["X-Cache"] == "miss"

    refused = f"postgres://registry@127.0.0.1:{free_port()}/registry"
    # The same address: the cache is keyed by the full URL.
    with deployment.server("no-database", port=server.port, DATABASE_URL=refused, ANON_CACHE_SECONDS="1") as server:
        stale = {what: server.get(url) for what, url in cached.items()}
        uncached_page = server.get("/es/states/")
        uncached_api = server.get("/api/v1/donors/")
        health = server.get("/healthz")

    for answer in stale.values():
        assert answer.status == HTTPStatus.OK
        assert answer.headers["X-Cache"] == "stale"
        assert answer.headers["Warning"] == '110 - "Response is Stale"'
    assert "Albergue Dos Procesos" in stale["page"].text and "desactualizada" in stale["page"].text
    assert stale["api"].json()["name"] == "Albergue Dos Procesos"
    assert uncached_page.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert uncached_page.headers["Content-Type"].startswith("text/html")
    assert int(uncached_page.headers["Retry-After"]) > 0
    assert uncached_api.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert uncached_api.headers["Content-Type"] == "application/json"
    assert "detail" in uncached_api.json()
    assert health.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert health.json()["database"] == "unavailable"
