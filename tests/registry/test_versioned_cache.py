"""Results the public pages keep under the data version (registry.versioned_cache): home figures, list counts,
filter forms.

They are reused only outside transactions, so these tests commit for real (transaction=True) and check both the
saving (fewer queries on the second visit) and the invalidation (any committed change shows at once).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registry.models import Shelter
from tests.conftest import committed
from tests.factories import CooperationAgreementFactory, ServiceFactory, ShelterFactory, state

pytestmark = [committed, pytest.mark.usefixtures("empty_cache")]


def queries_of(client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"].upper() for q in captured.captured_queries]


def test_home_figures_are_counted_once_until_a_record_changes(client):
    shelter = ShelterFactory(state=state("MX-CHP"))
    CooperationAgreementFactory(shelter=shelter)
    url = reverse("home")

    first, first_queries = queries_of(client, url)
    again, again_queries = queries_of(client, url)
    ShelterFactory(state=state("MX-SON"))  # commits: the data version moves on
    changed, _ = queries_of(client, url)

    assert any("COUNT(" in q for q in first_queries)
    assert not any("COUNT(" in q for q in again_queries)
    assert again == first
    assert changed != first
    assert re.search(r">Sonora</a></th><td>1</td><td>0</td>", changed)
    assert not re.search(r">Sonora</a></th>", first)


def test_list_counts_are_kept_per_filter_until_a_record_changes(client):
    ShelterFactory(state=state("MX-CHP"))
    url = reverse("shelter_list") + "?region=south"

    _, first_queries = queries_of(client, url)
    _, again_queries = queries_of(client, url + "&page=1")  # same filter, same count
    _, other_queries = queries_of(client, reverse("shelter_list") + "?region=north")
    ShelterFactory(state=state("MX-OAX"))
    page, _ = queries_of(client, url)

    assert any("COUNT(" in q for q in first_queries)
    assert not any("COUNT(" in q for q in again_queries)
    assert any("COUNT(" in q for q in other_queries)
    with translation.override("es"):
        assert "2 albergues" in page


def test_filter_form_is_rendered_once_per_query_and_language(client):
    ServiceFactory(code="laundry", name_en="Laundry", name_es="Lavandería")
    url = reverse("shelter_list") + "?state=MX-CHP"

    first, first_queries = queries_of(client, url)
    again, again_queries = queries_of(client, url)
    with translation.override("en"):
        english, _ = queries_of(client, reverse("shelter_list") + "?state=MX-CHP")
    ServiceFactory(code="dental-care", name_en="Dental care", name_es="Atención dental")
    changed, _ = queries_of(client, url)

    # The service checkboxes come from a query the cached form no longer needs.
    assert any("REGISTRY_SERVICE" in q and "SHELTER_SERVICES" not in q for q in first_queries)
    assert not any("REGISTRY_SERVICE" in q and "SHELTER_SERVICES" not in q for q in again_queries)
    assert again == first
    assert "Lavandería" in first and "Laundry" in english
    assert re.search(r'value="MX-CHP" id="id_state_\d+" checked', first)
    assert "Atención dental" in changed and "Atención dental" not in first


def test_invalid_filters_show_their_errors_from_the_cache_too(client):
    url = reverse("shelter_list") + "?region=nowhere"

    first, _ = queries_of(client, url)
    again, _ = queries_of(client, url)

    assert 'role="alert"' in first and 'role="alert"' in again
    assert Shelter.objects.count() == 0
