"""Add and change forms with their inlines save; a stale form is refused and overwrites nothing."""

from datetime import date
from http import HTTPStatus

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.urls import reverse

from news.models import Article
from projects.models import Project
from registry import admin_mixins
from registry.admin_mixins import StaleEditError, claim_next_version
from registry.models import CooperationAgreement, Shelter
from tests.admin.conftest import client_for
from tests.admin.forms import admin_form_data
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    DonorFactory,
    PopulationGroupFactory,
    ProjectFactory,
    ServiceFactory,
    ShelterFactory,
    SupportItemFactory,
    ThematicAreaFactory,
    UserFactory,
    state,
)

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def errors_of(response) -> str:
    return " ".join(str(error) for error in response.context["errors"])


def test_add_shelter_with_an_agreement_inline(staff_client, staff_user):
    donor = DonorFactory(acronym="PRM")
    data = admin_form_data(staff_client.get(add_url(Shelter)))
    data.update(
        {
            "name": "Albergue Nuevo Amanecer",
            "slug": "albergue-nuevo-amanecer",
            "state": str(state("MX-TAB").pk),
            "municipality": "Tenosique",
            "services": [str(ServiceFactory(code="lodging").pk)],
            "populations": [str(PopulationGroupFactory(code="women").pk)],
            "capacity": "60",
            "agreements-TOTAL_FORMS": "1",
            "agreements-0-reference": "PRM-2-albergue-nuevo-amanecer",
            "agreements-0-donor": str(donor.pk),
            "agreements-0-programme_phase": "2",
            "agreements-0-programme_year": "2015",
            "agreements-0-status": "signed",
        }
    )
    response = staff_client.post(add_url(Shelter), data)
    assert response.status_code == HTTPStatus.FOUND, errors_of(response)

    shelter = Shelter.objects.get(slug="albergue-nuevo-amanecer")
    assert shelter.state.iso_code == "MX-TAB"
    assert [s.code for s in shelter.services.all()] == ["lodging"]
    assert shelter.version == 1
    agreement = shelter.agreements.get()
    assert (agreement.reference, agreement.donor, agreement.programme_phase) == (
        "PRM-2-albergue-nuevo-amanecer",
        donor,
        2,
    )
    assert shelter.history.latest().history_user == staff_user


def test_change_agreement_adds_support_items_inline(staff_client):
    agreement = CooperationAgreementFactory()
    data = admin_form_data(staff_client.get(change_url(agreement)))
    data.update(
        {
            "items-0-category": "hygiene",
            "items-0-description_en": "Hygiene kits",
            "items-0-quantity": "200",
            "items-0-unit": "kits",
            "items-0-value_usd": "1500.50",
        }
    )
    response = staff_client.post(change_url(agreement), data)
    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    agreement.refresh_from_db()
    item = agreement.items.get()
    assert (item.description, str(item.quantity), str(item.value_usd)) == ("Hygiene kits", "200.00", "1500.50")
    assert agreement.version == 2


def test_invalid_inline_row_shows_an_error_and_saves_nothing(staff_client):
    agreement = CooperationAgreementFactory()
    data = admin_form_data(staff_client.get(change_url(agreement)))
    data.update({"items-0-category": "hygiene", "items-0-description_en": "Soap", "items-0-quantity": "-3"})
    response = staff_client.post(change_url(agreement), data)
    assert response.status_code == HTTPStatus.OK
    assert (
        "items-0-quantity" in str(response.context["inline_admin_formsets"][0].formset.errors)
        or (response.context["inline_admin_formsets"][0].formset.errors[0])
    )
    agreement.refresh_from_db()
    assert agreement.items.count() == 0
    assert agreement.version == 1


def test_add_project_with_objectives_inline(staff_client):
    area = ThematicAreaFactory()
    data = admin_form_data(staff_client.get(add_url(Project)))
    data.update(
        {
            "title_en": "Shelter support in the south",
            "slug": "shelter-support-south",
            "prima_id": "MX10P9999",
            "projects_id": "PR.9999",
            "status": "active",
            "start_year": "2024",
            "end_year": "2026",
            "budget_usd": "250000.00",
            "thematic_areas": [str(area.pk)],
            "states": [str(state("MX-CHP").pk), str(state("MX-OAX").pk)],
            "objectives-TOTAL_FORMS": "2",
            "objectives-0-position": "1",
            "objectives-0-text_en": "Improve shelter conditions.",
            "objectives-1-position": "2",
            "objectives-1-text_en": "Train shelter staff.",
        }
    )
    response = staff_client.post(add_url(Project), data)
    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    project = Project.objects.get(prima_id="MX10P9999")
    assert [o.text for o in project.objectives.all()] == ["Improve shelter conditions.", "Train shelter staff."]
    assert {s.iso_code for s in project.states.all()} == {"MX-CHP", "MX-OAX"}


def test_change_article_relations(staff_client):
    article = ArticleFactory()
    shelter, project = ShelterFactory(), ProjectFactory()
    data = admin_form_data(staff_client.get(change_url(article)))
    data.update({"shelters": [str(shelter.pk)], "projects": [str(project.pk)], "states": [str(shelter.state.pk)]})
    response = staff_client.post(change_url(article), data)
    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert list(article.shelters.all()) == [shelter]
    assert article.version == 2
    # the history keeps the relation change too
    assert list(article.history.latest().shelters.values_list("shelter_id", flat=True)) == [shelter.pk]


def test_end_before_start_is_a_form_error_not_a_500(staff_client):
    project = ProjectFactory()
    data = admin_form_data(staff_client.get(change_url(project)))
    data.update({"start_year": "2024", "end_year": "2020"})
    response = staff_client.post(change_url(project), data)
    assert response.status_code == HTTPStatus.OK
    assert response.context["errors"]
    project.refresh_from_db()
    assert project.end_year == 2023


# --- concurrent editing ------------------------------------------------------------------------------------


@pytest.fixture
def two_editors(staff_user):
    other = UserFactory(username="other-staff", is_staff=True, is_superuser=True)
    return client_for(staff_user), client_for(other)


def test_second_save_of_a_stale_form_is_refused_and_shows_what_changed(two_editors):
    first, second = two_editors
    shelter = ShelterFactory(capacity=80, phone="")
    url = change_url(shelter)
    first_data = admin_form_data(first.get(url))
    second_data = admin_form_data(second.get(url))
    assert first_data["loaded_version"] == second_data["loaded_version"] == "1"

    first_data["capacity"] = "100"
    assert first.post(url, first_data).status_code == HTTPStatus.FOUND

    second_data["phone"] = "+52 962 000 0000"
    response = second.post(url, second_data)
    assert response.status_code == HTTPStatus.OK
    message = errors_of(response)
    assert "Someone else saved this shelter" in message
    assert "version 1" in message and "version 2" in message
    assert "staff" in message  # who saved it
    assert "Capacity (beds): “80” → “100”" in message

    shelter.refresh_from_db()
    assert (shelter.capacity, shelter.phone, shelter.version) == (100, "", 2)

    # after reloading, the second editor's change goes through
    reloaded = admin_form_data(second.get(url))
    reloaded["phone"] = "+52 962 000 0000"
    assert second.post(url, reloaded).status_code == HTTPStatus.FOUND
    shelter.refresh_from_db()
    assert (shelter.capacity, shelter.phone, shelter.version) == (100, "+52 962 000 0000", 3)


def test_stale_form_lists_relation_and_choice_changes(two_editors):
    first, second = two_editors
    shelter = ShelterFactory(services=[ServiceFactory(code="lodging")])
    url = change_url(shelter)
    first_data, second_data = admin_form_data(first.get(url)), admin_form_data(second.get(url))
    first_data["services"] = [str(ServiceFactory(code="legal-aid").pk)]
    first_data["status"] = "temporarily_closed"
    assert first.post(url, first_data).status_code == HTTPStatus.FOUND
    message = errors_of(second.post(url, second_data))
    assert "Services: added" in message and "removed" in message
    assert "Temporarily closed" in message


def test_stale_message_lists_only_what_really_changed_even_with_gaps_in_history(two_editors):
    """Records loaded by fixtures have no history of their relations; the message must not invent changes."""
    first, second = two_editors
    shelter = ShelterFactory(capacity=80, services=[ServiceFactory(code="lodging")])
    apps.get_model("registry", "HistoricalShelter_services").objects.all().delete()
    url = change_url(shelter)
    first_data, second_data = admin_form_data(first.get(url)), admin_form_data(second.get(url))
    assert first.post(url, dict(first_data, capacity="90")).status_code == HTTPStatus.FOUND
    message = errors_of(second.post(url, dict(second_data, phone="1")))
    assert "Capacity (beds): “80” → “90”" in message
    assert "Services" not in message


def test_stale_inline_row_is_refused_only_when_edited(two_editors):
    first, second = two_editors
    agreement = CooperationAgreementFactory(programme_year=2015, status="signed")
    shelter_url, agreement_url = change_url(agreement.shelter), change_url(agreement)
    on_shelter = admin_form_data(second.get(shelter_url))
    edit = dict(admin_form_data(first.get(agreement_url)), programme_year="2016")
    assert first.post(agreement_url, edit).status_code == HTTPStatus.FOUND

    # Editing the agreement's row from the stale page would undo the other change: refused, with what changed.
    response = second.post(shelter_url, dict(on_shelter, **{"agreements-0-status": "in_progress"}))
    assert response.status_code == HTTPStatus.OK
    inline_errors = str(response.context["inline_admin_formsets"][0].formset.errors)
    assert "Someone else saved this cooperation agreement" in inline_errors
    assert "Programme year: “2015” → “2016”" in inline_errors
    agreement.refresh_from_db()
    assert (agreement.programme_year, agreement.status, agreement.version) == (2016, "signed", 2)

    # Leaving the row alone: the shelter saves and the row, though stale, is not written back.
    response = second.post(shelter_url, dict(on_shelter, municipality="Palenque"))
    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    agreement.refresh_from_db()
    agreement.shelter.refresh_from_db()
    assert (agreement.programme_year, agreement.version, agreement.shelter.municipality) == (2016, 2, "Palenque")


def test_form_without_its_version_is_refused(staff_client):
    shelter = ShelterFactory(capacity=80)
    data = admin_form_data(staff_client.get(change_url(shelter)))
    data.pop("loaded_version")
    data["capacity"] = "1"
    response = staff_client.post(change_url(shelter), data)
    assert response.status_code == HTTPStatus.OK
    assert "does not say which version" in errors_of(response)
    shelter.refresh_from_db()
    assert shelter.capacity == 80


def test_save_losing_the_race_after_validation_rolls_back(staff_client, monkeypatch):
    shelter = ShelterFactory(capacity=80)
    data = admin_form_data(staff_client.get(change_url(shelter)))
    data["capacity"] = "5"
    Shelter.objects.filter(pk=shelter.pk).update(version=7)  # another save lands between validation and save
    monkeypatch.setattr(admin_mixins, "stored_version", lambda model, pk: 1)  # validation saw version 1
    response = staff_client.post(change_url(shelter), data)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == change_url(shelter)
    assert "nothing was saved" in " ".join(m.message for m in get_messages(response.wsgi_request))
    shelter.refresh_from_db()
    assert (shelter.capacity, shelter.version) == (80, 7)


def test_claim_next_version_is_conditional():
    shelter = ShelterFactory()
    claim_next_version(shelter, 1)
    assert Shelter.objects.get(pk=shelter.pk).version == 2
    with pytest.raises(StaleEditError):
        claim_next_version(shelter, 1)


# --- history -------------------------------------------------------------------------------------------------


def test_history_page_lists_who_changed_what(staff_client):
    shelter = ShelterFactory(capacity=80)
    data = admin_form_data(staff_client.get(change_url(shelter)))
    data["capacity"] = "95"
    staff_client.post(change_url(shelter), data)
    response = staff_client.get(change_url(shelter).replace("/change/", "/history/"))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "staff" in content and "95" in content
    assert shelter.history.latest().history_change_reason == "Changed in the admin: Capacity (beds)"
    assert "Changed in the admin: Capacity (beds)" in content


def test_records_saved_in_inlines_say_so_in_their_history(staff_client):
    agreement = CooperationAgreementFactory(programme_year=2015)
    data = admin_form_data(staff_client.get(change_url(agreement.shelter)))
    data["agreements-0-programme_year"] = "2016"
    assert staff_client.post(change_url(agreement.shelter), data).status_code == HTTPStatus.FOUND
    agreement.refresh_from_db()
    assert agreement.version == 2
    assert agreement.history.latest().history_change_reason == "Changed in the admin: Programme year"
    assert agreement.shelter.history.latest().history_change_reason == "Saved in the admin without changes"


def test_revert_restores_an_old_record_as_a_new_version(staff_client):
    shelter = ShelterFactory(capacity=80)
    original = shelter.history.earliest()
    data = admin_form_data(staff_client.get(change_url(shelter)))
    data["capacity"] = "95"
    staff_client.post(change_url(shelter), data)

    revert_url = reverse("admin:registry_shelter_simple_history", args=[shelter.pk, original.history_id])
    revert_data = admin_form_data(staff_client.get(revert_url))
    assert revert_data["capacity"] == "80"
    assert revert_data["loaded_version"] == "2"  # the stored version, not the old record's
    response = staff_client.post(revert_url, revert_data)
    assert response.status_code == HTTPStatus.FOUND
    shelter.refresh_from_db()
    assert (shelter.capacity, shelter.version) == (80, 3)
    assert shelter.history.latest().history_change_reason.startswith("Reverted to the record of")


def test_agreement_list_links_to_the_public_shelter_page(staff_client):
    agreement = CooperationAgreementFactory()
    response = staff_client.get(reverse("admin:registry_cooperationagreement_changelist"))
    assert agreement.get_absolute_url() in response.content.decode()


def test_public_link_is_a_dash_without_a_public_page():
    assert admin_mixins.public_link(SupportItemFactory()) == "—"


def test_new_records_start_at_version_one_and_verified_date_is_kept(staff_client):
    data = admin_form_data(staff_client.get(add_url(Article)))
    data.update({"title_es": "Nueva nota", "slug": "nueva-nota", "published_on": "2024-05-01"})
    response = staff_client.post(add_url(Article), data)
    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article = Article.objects.get(slug="nueva-nota")
    assert (article.version, article.published_on) == (1, date(2024, 5, 1))
    assert CooperationAgreement.objects.count() == 0
