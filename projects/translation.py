"""Which project fields staff write in both languages (django-modeltranslation adds `<field>_es`, `<field>_en`).

History is registered here rather than on the model: the historical model copies the model's fields when it is
created, and only after this registration do the language columns exist. The translated fields default to "" in
the models, so a language nobody wrote is "" (as any blank text), not NULL.
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from projects.models import Project, ProjectObjective, ThematicArea


@register(ThematicArea)
class ThematicAreaOptions(TranslationOptions):
    fields = ("name", "description")


@register(Project)
class ProjectOptions(TranslationOptions):
    fields = ("title", "summary", "description")


@register(ProjectObjective)
class ProjectObjectiveOptions(TranslationOptions):
    fields = ("text",)


register_history(ThematicArea)
register_history(Project, m2m_fields=["thematic_areas", "states"])
register_history(ProjectObjective)
