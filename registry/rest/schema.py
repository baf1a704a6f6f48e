"""OpenAPI documentation shared by every resource: error responses, the standard actions, filter parameters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from django_filters import ModelMultipleChoiceFilter, NumberFilter, OrderingFilter
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
CONFLICT = OpenApiResponse(ErrorSerializer, description=str(_("Other records still depend on this one.")))
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
    list_responses.update(
        {
            304: NOT_MODIFIED,
            (400, JSON): VALIDATION_ERROR,
            (404, JSON): LIST_NOT_FOUND,
            (429, JSON): THROTTLED,
        }
    )
    write_errors = {400: VALIDATION_ERROR, 401: NOT_AUTHENTICATED, 403: FORBIDDEN, 429: THROTTLED}
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            parameters=[format_parameter(["json", *exports])],
            responses=list_responses,
        ),
        retrieve=extend_schema(
            summary=f"Get one {noun}",
            parameters=[lookup],
            responses={200: detail_serializer, 304: NOT_MODIFIED, 404: NOT_FOUND, 429: THROTTLED},
        ),
        create=extend_schema(summary=f"Create a {noun}", responses={201: detail_serializer, **write_errors}),
        update=extend_schema(
            summary=f"Replace a {noun}",
            parameters=[lookup],
            responses={200: detail_serializer, **write_errors, 404: NOT_FOUND, 409: CONFLICT},
        ),
        partial_update=extend_schema(
            summary=f"Change some fields of a {noun}",
            parameters=[lookup],
            responses={200: detail_serializer, **write_errors, 404: NOT_FOUND, 409: CONFLICT},
        ),
        destroy=extend_schema(
            summary=f"Delete a {noun}",
            parameters=[lookup],
            responses={
                204: OpenApiResponse(None, description=str(_("Deleted."))),
                401: NOT_AUTHENTICATED,
                403: FORBIDDEN,
                404: NOT_FOUND,
                409: CONFLICT,
                429: THROTTLED,
            },
        ),
    )


def path_key(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.PATH, description=description)


class FilterAwareAutoSchema(AutoSchema):
    """Adds what introspection cannot know: the valid keys of the related-record filters (read from the database
    when the schema is generated: states, services and population groups are reference data) and the text
    filters' length limits."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        filterset_class = getattr(self.view, "filterset_class", None)
        if filterset_class is None or not (self._is_list_view() or getattr(self.view, "action", "") == "facets"):
            return parameters
        for name, flt in filterset_class.base_filters.items():
            description = str(flt.extra.get("help_text") or flt.label or "")
            if isinstance(flt, ModelMultipleChoiceFilter):
                item: dict[str, Any] = {"type": "string"}
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
            elif flt.extra.get("max_length"):
                schema = {"type": "string", "maxLength": flt.extra["max_length"]}
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
