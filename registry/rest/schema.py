"""OpenAPI documentation shared by every resource: error responses, the standard actions, filter parameters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, ModelMultipleChoiceFilter, NumberFilter, OrderingFilter
from drf_spectacular.drainage import has_override, set_override
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

JSON = "application/json"
# Text in a URL: anything but NUL, which config.middleware refuses with 400 in every URL.
NO_NUL = "^[^\\x00]*$"


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=str(_("Invalid parameters or body: an object mapping each offending field to its messages.")),
)
NOT_AUTHENTICATED = OpenApiResponse(ErrorSerializer, description=str(_("No or invalid credentials.")))
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description=str(_("Authenticated, but not staff holding the model permission."))
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=str(_("No record with this key.")))
LIST_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description=str(_("The page is past the last one, or the format is not offered here."))
)


class ConflictSerializer(ErrorSerializer):
    version = serializers.IntegerField(
        required=False, help_text=_("The record's current version, when the write was based on an older one.")
    )


CONFLICT = OpenApiResponse(ErrorSerializer, description=str(_("Other records still depend on this one.")))
WRITE_CONFLICT = OpenApiResponse(
    ConflictSerializer,
    description=str(
        _(
            "The `version` sent is not the record's current one (it changed since it was read; the body gives the "
            "current version), another write to it won meanwhile, or its key is already taken."
        )
    ),
)
PRECONDITION_FAILED = OpenApiResponse(
    ErrorSerializer,
    description=str(_("If-Match names none of the record's current ETag, which the ETag header of this answer gives.")),
)
UNSUPPORTED_MEDIA_TYPE = OpenApiResponse(
    ErrorSerializer, description=str(_("The body is not in a media type this operation takes (JSON)."))
)
NOT_ACCEPTABLE = OpenApiResponse(ErrorSerializer, description=str(_("No format offered here satisfies Accept.")))
UNAVAILABLE = OpenApiResponse(
    ErrorSerializer, description=str(_("The database is unavailable; retry after Retry-After seconds."))
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=str(
        _(
            "Optional. The ETag of the record as you read it: the write happens only if the record still has it, "
            "and answers 412 otherwise. `*` matches any existing record."
        )
    ),
)
THROTTLED = OpenApiResponse(ErrorSerializer, description=str(_("Too many requests; retry after Retry-After seconds.")))
NOT_MODIFIED = OpenApiResponse(None, description=str(_("Unchanged since the ETag in If-None-Match.")))
CSV_RESPONSE = OpenApiResponse(
    OpenApiTypes.STR, description=str(_("CSV: a header row, an HXL hashtag row, then every matching record."))
)


def format_parameter(formats: list[str]) -> OpenApiParameter:
    return OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=formats,
        description=str(
            _("Response format. Every format but json covers all matching records in one streamed document.")
        ),
    )


def document(
    *,
    noun: str,
    plural: str,
    lookup: OpenApiParameter,
    list_serializer: Any,
    serializer: Any,
    exports: dict[str, tuple[str, Any]] | None = None,
    detail_serializer: Any = None,
) -> Any:
    """Summaries, parameters and every response (errors included) of the standard actions of one resource."""
    exports = exports or {}
    detail_serializer = detail_serializer or serializer
    list_responses: dict[Any, Any] = {(200, JSON): list_serializer}
    for media_type, schema in exports.values():
        list_responses[(200, media_type)] = schema
    # Errors are JSON whatever the format asked for (see ApiModelViewSet.handle_exception).
    # 400 too: every operation takes `lang`, refused when it is neither es nor en (see lang_parameter).
    always = {
        (400, JSON): VALIDATION_ERROR,
        (406, JSON): NOT_ACCEPTABLE,
        (429, JSON): THROTTLED,
        (503, JSON): UNAVAILABLE,
    }
    list_responses.update({304: NOT_MODIFIED, (400, JSON): VALIDATION_ERROR, (404, JSON): LIST_NOT_FOUND, **always})
    write_errors = {
        400: VALIDATION_ERROR,
        401: NOT_AUTHENTICATED,
        403: FORBIDDEN,
        415: UNSUPPORTED_MEDIA_TYPE,
        **always,
    }
    change_errors = {**write_errors, 404: NOT_FOUND, 409: WRITE_CONFLICT, 412: PRECONDITION_FAILED}
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            parameters=[format_parameter(["json", *exports])],
            responses=list_responses,
        ),
        retrieve=extend_schema(
            summary=f"Get one {noun}",
            parameters=[lookup],
            # 400: a `lang` other than es or en (see lang_parameter).
            responses={
                200: detail_serializer,
                304: NOT_MODIFIED,
                (400, JSON): VALIDATION_ERROR,
                404: NOT_FOUND,
                **always,
            },
        ),
        create=extend_schema(
            summary=f"Create a {noun}", responses={201: detail_serializer, **write_errors, 409: WRITE_CONFLICT}
        ),
        update=extend_schema(
            summary=f"Replace a {noun}",
            parameters=[lookup, IF_MATCH],
            responses={200: detail_serializer, **change_errors},
        ),
        partial_update=extend_schema(
            summary=f"Change some fields of a {noun}",
            parameters=[lookup, IF_MATCH],
            responses={200: detail_serializer, **change_errors},
        ),
        destroy=extend_schema(
            summary=f"Delete a {noun}",
            parameters=[lookup, IF_MATCH],
            responses={
                204: OpenApiResponse(None, description=str(_("Deleted."))),
                401: NOT_AUTHENTICATED,
                403: FORBIDDEN,
                404: NOT_FOUND,
                409: CONFLICT,
                412: PRECONDITION_FAILED,
                **always,
            },
        ),
    )


def path_key(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "string", "pattern": NO_NUL}, OpenApiParameter.PATH, description=description)


LANG_PARAMETER = "lang"


def lang_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        LANG_PARAMETER,
        {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
        description=str(
            _(
                "Language of the content (es or en); without it, the Accept-Language header chooses, else Spanish. "
                "Translated fields (title, summary, ...) are in this language, or in the other one where a record "
                "has no text in it; detail responses also carry each language's text (title_es, title_en). "
                "Writing a translated field writes this language; title_es and title_en write one language each."
            )
        ),
    )


class FilterAwareAutoSchema(AutoSchema):
    """Adds what introspection cannot know: the valid keys of the related-record filters (read from the database
    when the schema is generated: states, services and population groups are reference data) and the text
    filters' length limits."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if getattr(self.view, "accepts_lang_parameter", False):
            parameters.append(lang_parameter())
        filterset_class = getattr(self.view, "filterset_class", None)
        if filterset_class is None or not (self._is_list_view() or getattr(self.view, "action", "") == "facets"):
            return parameters
        for name, flt in filterset_class.base_filters.items():
            description = str(flt.extra.get("help_text") or flt.label or "")
            if isinstance(flt, ModelMultipleChoiceFilter):
                # Each value a key: an empty one (`thematic_area=`) is refused like any empty value.
                item: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": NO_NUL}
                keys = related_keys(flt)
                if keys:
                    item["enum"] = keys
                schema = {"type": "array", "items": item}
                parameters.append(OpenApiParameter(name, schema, explode=True, description=description))
            elif isinstance(flt, OrderingFilter):
                # At least one key: `ordering=` is refused like any empty value (an empty list and null would
                # look the same on the wire).
                keys = [key for key, _label in flt.extra["choices"]]
                schema = {"type": "array", "minItems": 1, "items": {"type": "string", "enum": keys}}
                parameters.append(
                    OpenApiParameter(
                        name,
                        schema,
                        style="form",
                        explode=False,
                        description=str(_("Comma-separated sort keys; a leading - sorts descending.")),
                    )
                )
            elif isinstance(flt, CharFilter):
                # No NUL: the middleware refuses it in any URL (no record or filter can hold one).
                schema = {"type": "string", "pattern": NO_NUL}
                if flt.extra.get("max_length"):
                    schema["maxLength"] = flt.extra["max_length"]
                parameters.append(OpenApiParameter(name, schema, description=description))
            elif isinstance(flt, NumberFilter) and {"min_value", "max_value"} & set(flt.extra):
                # forms.DecimalField and FloatField derive from IntegerField, yet take fractions.
                fractional = issubclass(flt.field_class, forms.DecimalField | forms.FloatField)
                integer = issubclass(flt.field_class, forms.IntegerField) and not fractional
                schema = {"type": "integer" if integer else "number"}
                if flt.extra.get("min_value") is not None:
                    schema["minimum"] = flt.extra["min_value"]
                if flt.extra.get("max_value") is not None:
                    schema["maximum"] = flt.extra["max_value"]
                parameters.append(OpenApiParameter(name, schema, description=description))
        return parameters

    def get_auth(self) -> list[dict[str, list]]:
        auths = super().get_auth()
        # Reading needs no credentials (DjangoModelPermissionsOrAnonReadOnly), which OpenAPI spells as {}.
        if self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _get_filter_parameters(self) -> list[Any]:
        # The overrides above describe these filters; tell the django-filter extension so it need not guess.
        filterset_class = getattr(self.view, "filterset_class", None)
        for flt in getattr(filterset_class, "base_filters", {}).values():
            if isinstance(flt, ModelMultipleChoiceFilter) and not has_override(flt, "field"):
                set_override(flt, "field", OpenApiTypes.STR)
        return super()._get_filter_parameters()


def related_keys(flt: ModelMultipleChoiceFilter) -> list[str]:
    """The keys a related-record filter accepts, as stored now; none without a database (bare `spectacular`)."""
    key = flt.extra.get("to_field_name") or "pk"
    try:
        return [str(value) for value in flt.queryset.order_by(key).values_list(key, flat=True)]
    except DatabaseError:
        return []


def drop_parameter_titles(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: query parameters lose the `title` drf-spectacular copies from the filter's label. It is
    the label in the language the schema was generated in ("Región fronteriza"), and client generators name types
    after it (`SheltersListRegiÓNFronteriza`); without it they use the parameter's name (`SheltersListRegion`).
    The description keeps the label."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                parameter.get("schema", {}).pop("title", None)
    return result
