"""API representations of projects and thematic areas."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from projects.iati import iati_identifier
from projects.models import Project, ProjectObjective, ThematicArea
from registry.rest.serializers import (
    ApiLinkField,
    ApiModelSerializer,
    MoneyField,
    VersionedUpdateMixin,
    reads,
    text_in_any_language,
)
from registry.serializers import StateKeyField

YEAR_RANGE = {"min_value": 1950, "max_value": 2100}


class ThematicAreaSerializer(ApiModelSerializer):
    url = ApiLinkField("thematic-area-detail", "slug")
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ThematicArea
        fields = [
            "url",
            "slug",
            "name",
            "name_es",
            "name_en",
            "description",
            "description_es",
            "description_en",
            "position",
            "project_count",
        ]
        extra_kwargs = {"name": {"read_only": True}, "description": {"read_only": True}}


class ProjectObjectiveSerializer(ApiModelSerializer):
    class Meta:
        model = ProjectObjective
        fields = ["position", "text", "text_es", "text_en"]
        read_only_fields = fields


class ProjectListSerializer(ApiModelSerializer):
    url = ApiLinkField("project-detail", "slug")
    iati_identifier = serializers.SerializerMethodField(
        help_text=_("Reporting organisation identifier, a hyphen, and the Projects ID.")
    )
    thematic_areas = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=ThematicArea.objects.all(), required=False
    )
    states = StateKeyField(many=True, required=False, help_text=_("ISO 3166-2 codes of the states covered."))
    start_year = serializers.IntegerField(**YEAR_RANGE, allow_null=True)  # empty when the source gives no dates
    end_year = serializers.IntegerField(**YEAR_RANGE, allow_null=True, required=False)
    budget_usd = MoneyField(allow_null=True, required=False, help_text=_("Budget in USD, not negative."))

    class Meta:
        model = Project
        fields = [
            "url",
            "slug",
            "prima_id",
            "projects_id",
            "iati_identifier",
            "title",
            "status",
            "project_type",
            "start_year",
            "end_year",
            "start_date",
            "end_date",
            "budget_usd",
            "coverage",
            "thematic_areas",
            "states",
            "summary",
            "version",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]

    @reads("projects_id")
    def get_iati_identifier(self, project: Project) -> str:
        return iati_identifier(project)


class ProjectSerializer(VersionedUpdateMixin, ProjectListSerializer):
    """The whole record; also what staff integrations write."""

    slug = serializers.SlugField(
        max_length=120,
        required=False,
        validators=[UniqueValidator(queryset=Project.objects.all())],
        help_text=_("Derived from the title when left out on creation."),
    )
    year = serializers.IntegerField(**YEAR_RANGE, allow_null=True, required=False)
    benefiting_member_states = serializers.ListField(
        child=CountryField(),
        required=False,
        help_text=_("ISO 3166-1 alpha-2 codes of the benefiting member states, e.g. MX, GT."),
    )
    objectives = ProjectObjectiveSerializer(many=True, read_only=True)

    class Meta(ProjectListSerializer.Meta):
        fields = [
            *ProjectListSerializer.Meta.fields[:-2],
            "year",
            "idf_region",
            "benefiting_member_states",
            "extra_labels",
            "description",
            "title_es",
            "title_en",
            "summary_es",
            "summary_en",
            "description_es",
            "description_en",
            "source_url",
            "objectives",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at", "extra_labels"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        current = self.instance

        def value(name: str) -> Any:
            return attrs[name] if name in attrs else getattr(current, name, None)

        start_year, end_year = value("start_year"), value("end_year")
        if start_year is not None and end_year is not None and end_year < start_year:
            errors["end_year"] = _("The end year cannot be before the start year.")
        start_date, end_date = value("start_date"), value("end_date")
        if start_date is not None and end_date is not None and end_date < start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if current is None and not attrs.get("slug"):
            attrs["slug"] = slugify(text_in_any_language(attrs, "title"))[:120].strip("-")
            if not attrs["slug"]:
                errors["slug"] = _("Give a slug: none can be derived from this title.")
            elif Project.objects.filter(slug=attrs["slug"]).exists():
                errors["slug"] = _("A project with the slug %(slug)s exists; give another slug.") % attrs
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
