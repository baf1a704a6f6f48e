"""`deleted/`: which records of a resource were deleted since a time, for partners' delta syncs.

A deleted record leaves its list without a trace a client could see; its history keeps a deletion record (django-
simple-history writes one for every delete, with the record's fields as they last were). A sync then reads, from
the time of its previous run, `deleted/?since=` to drop what is gone and `?modified_after=` to update the rest.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from registry.filters import UTCIsoDateTimeField
from registry.rest.schema import (
    LIST_NOT_FOUND,
    NOT_ACCEPTABLE,
    NOT_MODIFIED,
    THROTTLED,
    UNAVAILABLE,
    VALIDATION_ERROR,
)


class DeletionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The deleted record's key, as in its URL (slug, ISO code, acronym...)."))
    deleted_at = serializers.DateTimeField()


class DeletionListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DeletionSerializer(many=True)


DELETIONS_SCHEMA = extend_schema(
    summary="List deletions since a time",
    description=str(
        _(
            "The records of this resource deleted at or after `since`, oldest first, by their key, from the "
            "history's deletion records. With `modified_after` on the list it makes a complete delta sync: apply "
            "these deletions, then the records modified since the same time (a key deleted and created again "
            "appears in both; the newer state wins)."
        )
    ),
    filters=False,
    parameters=[
        OpenApiParameter(
            "since",
            OpenApiTypes.DATETIME,
            required=True,
            description=str(_("ISO 8601 date-time with an offset or Z, e.g. 2024-05-01T00:00:00Z.")),
        )
    ],
    responses={
        200: DeletionListSerializer,
        304: NOT_MODIFIED,
        400: VALIDATION_ERROR,
        404: LIST_NOT_FOUND,
        406: NOT_ACCEPTABLE,
        429: THROTTLED,
        503: UNAVAILABLE,
    },
)


class DeletionsMixin:
    """Adds `deleted/` to a model viewset whose model keeps a history."""

    @DELETIONS_SCHEMA
    @action(detail=False, methods=["get"], url_path="deleted", filter_backends=[])
    def deleted(self, request: Request) -> Response:
        model = self.get_queryset().model  # type: ignore[attr-defined]
        history = getattr(model, "history", None)
        if history is None:
            raise NotFound(_("Deletions of these records are not recorded."))
        values = request.query_params.getlist("since")
        if len(values) != 1:
            raise ValidationError({"since": [_("Give one date-time, e.g. 2024-05-01T00:00:00Z.")]})
        try:
            since = UTCIsoDateTimeField().clean(values[0])
        except Exception as exc:  # a Django form ValidationError: answered as the API's own
            raise ValidationError({"since": list(getattr(exc, "messages", [str(exc)]))}) from exc
        key = self.lookup_field  # type: ignore[attr-defined]
        deletions = (
            history.filter(history_type="-", history_date__gte=since)
            .order_by("history_date", "history_id")
            .values_list(key, "history_date")
        )
        page = self.paginate_queryset(deletions)  # type: ignore[attr-defined]
        rows: list[dict[str, Any]] = [{"key": str(k), "deleted_at": when} for k, when in page]
        return self.get_paginated_response(DeletionSerializer(rows, many=True).data)  # type: ignore[attr-defined]
