"""Each versioned change form renders its hidden loaded version, whatever admin classes it combines:
a form without it cannot be saved."""

import re

import pytest

from tests.factories import ArticleFactory, CooperationAgreementFactory, ProjectFactory, ShelterFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory,path",
    [
        (ShelterFactory, "registry/shelter"),
        (ProjectFactory, "projects/project"),
        (ArticleFactory, "news/article"),
        (CooperationAgreementFactory, "registry/cooperationagreement"),
    ],
)
def test_every_versioned_change_form_carries_its_loaded_version(admin_client, factory, path):
    s = factory()
    html = admin_client.get(f"/admin/{path}/{s.pk}/change/").content.decode()
    assert re.findall(r'<input[^>]*name="loaded_version"[^>]*>', html)
