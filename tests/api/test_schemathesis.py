"""Property-based tests of the live OpenAPI schema with Schemathesis: every operation, all default checks, a
bounded number of generated requests each, anonymous and with a staff token. No 5xx; every status code, header and
body conforms to the schema; invalid input is refused; valid input is accepted.

The application runs in-process (WSGI) on the test database, so the schema it serves (with the state codes read
from the database) is the one under test.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.api.conftest import build_dataset
from tests.factories import UserFactory
from tests.production.fuzz import WRITE_STATUSES

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

# Writes may be refused for reasons a schema cannot express (WRITE_STATUSES, explained in tests/production/fuzz.py).
# CI sends the same requests on every run (a fixed seed, derandomized generation, no example database carried over
# from earlier runs), so a red run means the same thing twice. To explore beyond them, give a seed of your own or
# "random" and more examples: SCHEMATHESIS_SEED=random SCHEMATHESIS_MAX_EXAMPLES=100 pytest -m schemathesis, or run
# `make fuzz` against the production server (see README). A failure found so prints its seed to replay it.
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261201")
EXPLORING = SEED == "random"

CONFIG = schemathesis.Config.from_dict(
    {
        **({} if EXPLORING else {"seed": int(SEED)}),
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "generation": {
            "max-examples": int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8")),
            "deterministic": not EXPLORING,
            "database": "none",
            # NUL bytes included: every input path refuses them with 400 (registry.rest.parsers, config.middleware).
            "allow-x00": True,
        },
        "operations": [
            {
                "include-method": ["POST", "PUT", "PATCH", "DELETE"],
                "checks": {"positive_data_acceptance": {"expected-statuses": WRITE_STATUSES}},
                # The coverage phase walks every boundary of every body property (hundreds of requests per write
                # operation, unbounded by max-examples); bodies get the bounded fuzzing phase instead, positive
                # and negative. Reads keep the coverage phase: their parameters are few.
                "phases": {"coverage": {"enabled": False}},
            }
        ],
    }
)


@pytest.fixture
def in_process_requests():
    # At the end of every request Django closes database connections past their age, as a server should; here
    # that would close the test's own connection, transaction and all (PostgreSQL). Django's test client
    # suspends the same handlers; the WSGI app Schemathesis calls is the real one, so suspend them here.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, in_process_requests):
    build_dataset(2)
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


@pytest.fixture
def staff_token(db) -> str:
    from rest_framework.authtoken.models import Token

    user = UserFactory(username="schemathesis-staff", is_staff=True, is_superuser=True)
    return Token.objects.create(user=user).key


schema = schemathesis.pytest.from_fixture("api_schema")

# The WSGI transport hands over the body as the app sent it, without undoing a Content-Encoding as an HTTP client
# would: ask for it plain (API lists are gzip-compressed for clients that accept it; tests/production covers that).
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # Schemathesis' lazy loader reads and rewrites `node._nodeid`, which pytest 9 no longer has (it keeps `_id`);
    # give it the attribute so it can label each operation's subtest.
    request.node._nodeid = request.node.nodeid


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_api_anonymous(case):
    case.call_and_validate(headers=PLAIN)


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_api_with_staff_token(case, staff_token):
    case.call_and_validate(headers={**PLAIN, "Authorization": f"Token {staff_token}"})
