"""Which article fields staff write in both languages (django-modeltranslation adds `<field>_es`, `<field>_en`).

History is registered here rather than on the model: the historical model copies the model's fields when it is
created, and only after this registration do the language columns exist. The translated fields default to "" in
the models, so a language nobody wrote is "" (as any blank text), not NULL.
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from news.models import Article


@register(Article)
class ArticleOptions(TranslationOptions):
    fields = ("title", "summary", "body", "press_contact")


register_history(Article, m2m_fields=["states", "shelters", "projects"])
