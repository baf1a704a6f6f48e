"""A partner's delta sync misses nothing: `modified_after` catches every change a record's representation shows,
`deleted/?since=` lists what was deleted, and a time without an offset is refused rather than guessed."""

from datetime import datetime, timedelta
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.utils import timezone

from registry.models import State
from tests.api.conftest import API
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    DonorFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    ShelterFactory,
    SupportItemFactory,
    state,
)

pytestmark = pytest.mark.django_db


def changed(client, path: str, since, key: str = "slug") -> set[str]:
    response = client.get(f"{API}/{path}/", {"modified_after": since.isoformat(), "page_size": 100})
    assert response.status_code == HTTPStatus.OK, response.content
    return {row[key] for row in response.json()["results"]}


@pytest.fixture
def earlier():
    """A moment before the change under test, after the records were made."""

    def mark():
        return timezone.now()

    return mark


def test_moving_a_state_to_another_region_changes_its_shelters(api_client, earlier):
    chiapas = state("MX-CHP")
    shelter = ShelterFactory(state=chiapas)
    ShelterFactory(state=state("MX-BCN"))
    since = earlier()
    chiapas.region = "centre"
    chiapas.save()

    assert changed(api_client, "shelters", since) == {shelter.slug}
    assert "MX-CHP" in changed(api_client, "states", since, "iso_code")


def test_a_new_or_deleted_agreement_changes_its_shelter_donor_and_state(api_client, earlier):
    shelter = ShelterFactory(state=state("MX-OAX"))
    donor = DonorFactory()
    ShelterFactory()
    since = earlier()
    agreement = CooperationAgreementFactory(shelter=shelter, donor=donor)

    assert changed(api_client, "shelters", since) == {shelter.slug}
    assert changed(api_client, "donors", since, "acronym") == {donor.acronym}
    assert changed(api_client, "states", since, "iso_code") == {"MX-OAX"}

    since = earlier()
    agreement.delete()
    assert changed(api_client, "shelters", since) == {shelter.slug}
    assert changed(api_client, "donors", since, "acronym") == {donor.acronym}


def test_an_agreement_moved_to_another_shelter_changes_both(api_client, earlier):
    first, second = ShelterFactory(), ShelterFactory()
    agreement = CooperationAgreementFactory(shelter=first)
    since = earlier()
    agreement.shelter = second
    agreement.save()

    assert changed(api_client, "shelters", since) == {first.slug, second.slug}


def test_what_an_agreement_shows_of_others(api_client, earlier):
    agreement = CooperationAgreementFactory()
    other = CooperationAgreementFactory()
    since = earlier()
    agreement.donor.name = "Renamed donor"
    agreement.donor.save()
    assert changed(api_client, "agreements", since, "reference") == {agreement.reference}

    since = earlier()
    SupportItemFactory(agreement=other)
    assert changed(api_client, "agreements", since, "reference") == {other.reference}


def test_a_renamed_project_changes_its_shelters_and_new_objectives_their_project(api_client, earlier):
    project = ProjectFactory()
    agreement = CooperationAgreementFactory(project=project)
    since = earlier()
    project.prima_id = "MX10X9999"
    project.save()
    assert changed(api_client, "shelters", since) == {agreement.shelter.slug}

    since = earlier()
    ProjectObjectiveFactory(project=project, position=5)
    assert changed(api_client, "projects", since) == {project.slug}


def test_a_renamed_shelter_changes_the_articles_about_it(api_client, earlier):
    shelter = ShelterFactory()
    article = ArticleFactory(shelters=[shelter])
    ArticleFactory()
    since = earlier()
    shelter.slug = "albergue-renombrado"
    shelter.save()

    assert changed(api_client, "news", since) == {article.slug}


@pytest.mark.parametrize("path", ["shelters", "states", "donors", "agreements", "projects", "news"])
def test_nothing_changed_nothing_listed(api_client, path):
    ShelterFactory()
    CooperationAgreementFactory()
    ArticleFactory()

    assert changed(api_client, path, timezone.now(), "url") == set()


def test_deletions_since_a_time(api_client, token_client, earlier):
    kept, gone, older = ShelterFactory(), ShelterFactory(), ShelterFactory()
    older.delete()
    since = earlier()
    assert token_client.delete(f"{API}/shelters/{gone.slug}/").status_code == HTTPStatus.NO_CONTENT

    response = api_client.get(f"{API}/shelters/deleted/", {"since": since.isoformat()})

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert [row["key"] for row in body["results"]] == [gone.slug]
    assert body["count"] == 1
    assert datetime.fromisoformat(body["results"][0]["deleted_at"]) >= since
    assert kept.slug not in {row["key"] for row in body["results"]}


@pytest.mark.parametrize(
    ("path", "make", "key"),
    [
        (
            "states",
            lambda: State.objects.create(name="X", slug="x", inegi_code="90", iso_code="MX-TST", region="centre"),
            "iso_code",
        ),
        ("donors", DonorFactory, "acronym"),
        ("agreements", CooperationAgreementFactory, "reference"),
        ("projects", ProjectFactory, "slug"),
        ("news", ArticleFactory, "slug"),
    ],
)
def test_every_resource_lists_its_deletions(api_client, earlier, path, make, key):
    record = make()
    since = earlier()
    record.delete()

    response = api_client.get(f"{API}/{path}/deleted/", {"since": since.isoformat()})

    assert [row["key"] for row in response.json()["results"]] == [getattr(record, key)]


@pytest.mark.parametrize("since", ["", "yesterday", "2024-05-01T00:00:00"])
def test_deletions_need_a_time_with_an_offset(api_client, since):
    response = api_client.get(f"{API}/shelters/deleted/", {"since": since})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "since" in response.json()


def test_a_time_without_an_offset_is_refused_with_a_message(api_client):
    response = api_client.get(f"{API}/shelters/", {"modified_after": "2024-05-01T12:00:00"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    message = response.json()["modified_after"][0]
    assert "2024-05-01T12:00:00Z" in message


@pytest.mark.parametrize("encode", [True, False])
def test_plus_offsets_are_read_encoded_or_not(api_client, encode):
    shelter = ShelterFactory()
    since = (timezone.now() - timedelta(minutes=5)).astimezone(timezone.get_fixed_timezone(0))
    value = since.replace(microsecond=0).isoformat()  # ...+00:00
    assert value.endswith("+00:00")
    query = quote(value, safe="") if encode else value

    response = api_client.get(f"{API}/shelters/?modified_after={query}")

    assert response.status_code == HTTPStatus.OK, response.content
    assert [row["slug"] for row in response.json()["results"]] == [shelter.slug]
    assert api_client.get(f"{API}/shelters/?modified_after=2999-01-01T00:00:00 05:30").json()["count"] == 0
