"""Which registry fields staff write in both languages (django-modeltranslation adds `<field>_es`, `<field>_en`).

History is registered here rather than with `history = HistoricalRecords()` on the model: the historical model
copies the model's fields when it is created, and only after this registration do the language columns exist.
The translated fields default to "" in the models, so a language nobody wrote is "" (as any blank text), not NULL.
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from registry.models import CooperationAgreement, Language, PopulationGroup, Service, Shelter, SupportItem


class NameOptions(TranslationOptions):
    """Vocabulary terms are shown on every page in the visitor's language: both names are required."""

    fields = ("name",)
    required_languages = ("es", "en")


register(Service)(NameOptions)
register(PopulationGroup)(NameOptions)
register(Language)(NameOptions)


@register(Shelter)
class ShelterOptions(TranslationOptions):
    fields = ("opening_hours", "eligibility_notes", "accessibility_notes")


@register(SupportItem)
class SupportItemOptions(TranslationOptions):
    fields = ("description", "unit")


@register(CooperationAgreement)
class CooperationAgreementOptions(TranslationOptions):
    fields = ("implementing_office",)


# The office's name in each language for new agreements (modeltranslation copies one default to every language).
CooperationAgreement._meta.get_field("implementing_office_es").default = "OIM México"
CooperationAgreement._meta.get_field("implementing_office_en").default = "IOM Mexico"

register_history(Shelter, m2m_fields=["populations", "services", "languages"])
register_history(CooperationAgreement)
register_history(SupportItem)
