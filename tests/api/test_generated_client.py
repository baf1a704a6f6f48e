"""A client generated from the live schema by openapi-python-client, used as generated (unmodified), creates,
reads, filters and updates a shelter against a running server: the schema says what the API really takes."""

import importlib
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# No post-generation hooks: formatting the generated code changes nothing it does.
CONFIG = "package_name_override: registry_client\npost_hooks: []\n"


@pytest.fixture
def generated_client(tmp_path, live_server):
    import urllib.request

    schema = tmp_path / "schema.json"
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json", timeout=60) as answer:
        schema.write_bytes(answer.read())
    (tmp_path / "config.yml").write_text(CONFIG)
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(schema), "--output-path", str(tmp_path / "registry_client")]
        + ["--meta", "none", "--config", str(tmp_path / "config.yml")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout  # every operation and model was generated
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("registry_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == "registry_client"]:
            del sys.modules[name]


def test_a_generated_client_creates_reads_filters_and_updates_a_shelter(generated_client, live_server):
    from registry_client.api.shelters import shelters_create, shelters_list, shelters_partial_update, shelters_retrieve
    from registry_client.models import PatchedShelterRequest, ShelterRequest, SheltersListStateItem

    staff = UserFactory(username="integration", is_staff=True, is_superuser=True)
    token = Token.objects.create(user=staff).key
    client = generated_client.AuthenticatedClient(
        base_url=live_server.url, token=token, prefix="Token", raise_on_unexpected_status=True
    )
    with client:  # the generated client's own way to close its connections
        # Only what a write takes: no url, state_name, region, agreements, version or timestamps.
        body = ShelterRequest(name="Albergue Generado", state="MX-CHP", municipality="Tapachula")
        created = shelters_create.sync_detailed(client=client, body=body)
        assert created.status_code == HTTPStatus.CREATED, created.content
        slug = created.parsed.slug

        read = shelters_retrieve.sync(slug, client=client)
        assert (read.name, read.state, read.region, read.version) == ("Albergue Generado", "MX-CHP", "south", 1)

        found = shelters_list.sync(client=client, q="Generado", state=[SheltersListStateItem.MX_CHP])
        assert [row.slug for row in found.results] == [slug]
        assert shelters_list.sync(client=client, state=[SheltersListStateItem.MX_BCN]).count == 0

        changed = PatchedShelterRequest(capacity=35, version=1)
        updated = shelters_partial_update.sync(slug, client=client, body=changed)
        assert (updated.capacity, updated.version) == (35, 2)

        stale = PatchedShelterRequest(capacity=1, version=1)
        assert shelters_partial_update.sync_detailed(slug, client=client, body=stale).status_code == HTTPStatus.CONFLICT
        assert shelters_retrieve.sync(slug, client=client).capacity == 35
