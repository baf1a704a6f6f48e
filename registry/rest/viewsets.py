"""The model viewset every API resource derives from.

Page-number pagination with a capped, client-chosen page size; the shared FilterSets; writes for staff holding the
model permission; ETag and Last-Modified with 304 answers; 409 instead of a database error when a delete is blocked
by related records; streamed exports (`?format=csv|geojson|iati`) of every record matching the filters.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model, ProtectedError, QuerySet, RestrictedError
from django.http import HttpResponseBase
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers, quote_etag
from django.utils.http import http_date, parse_etags
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, OrderingFilter
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException, MethodNotAllowed, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from registry.admin_mixins import StaleEditError
from registry.renderers import ExportRenderer
from registry.rest.deletions import DeletionsMixin
from registry.rest.exports import export_response
from registry.rest.json import JSONRenderer
from registry.rest.schema import LANG_PARAMETER
from registry.rest.serializers import StaleVersionError
from registry.rest.values_plan import values_plan
from registry.visibility import LocationMaskingQuerySet


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the record.")
    default_code = "conflict"

    def __init__(self, detail: Any = None, *, version: int | None = None) -> None:
        super().__init__(detail)
        self.version = version  # the record's current version, when the conflict is a stale one


def activate_requested_language(request: Request) -> None:
    """`?lang=es|en` picks the language of content (and messages) over Accept-Language, which LocaleMiddleware
    has already applied; the response's Content-Language says which one was used."""
    lang = request.query_params.get(LANG_PARAMETER)
    if lang is None:
        return
    if lang not in dict(settings.LANGUAGES):
        raise ValidationError({LANG_PARAMETER: [_("Choose es or en.")]})
    translation.activate(lang)
    request.LANGUAGE_CODE = request._request.LANGUAGE_CODE = lang


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record has changed since the ETag in If-Match; read it again and reapply your change.")
    default_code = "precondition_failed"


class ApiModelViewSet(DeletionsMixin, viewsets.ModelViewSet):
    """Pagination, authentication, throttles, permissions, negotiation, parsers and schema come from the
    REST_FRAMEWORK settings, which name this package's classes; this class adds what settings cannot say."""

    lookup_value_regex = "[^/]+"
    accepts_lang_parameter = True  # documented by the schema: activate_requested_language()
    list_serializer_class: type[serializers.Serializer] | None = None
    export_renderer_classes: tuple[type[ExportRenderer], ...] = ()
    # A model whose queryset offers for_list() and for_detail(); viewsets of other models override get_queryset().
    model: type[Model] | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A method this URL does not offer is 405 whatever else is wrong with the request (DRF would negotiate the
        # format first, and answer 404 to TRACE ...?format=csv).
        if self.action is None:
            raise MethodNotAllowed(request.method)
        activate_requested_language(request)
        super().initial(request, *args, **kwargs)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return super().get_serializer_class()

    def get_renderers(self) -> list[Any]:
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "list":
            renderers += [renderer() for renderer in self.export_renderer_classes]
        return renderers

    def get_queryset(self) -> QuerySet:
        if self.model is None:
            return super().get_queryset()
        objects = self.model.objects  # type: ignore[attr-defined]
        queryset = objects.for_list() if self.action in ("list", "facets") else objects.for_detail()
        if isinstance(queryset, LocationMaskingQuerySet):  # confidential locations stay with staff
            queryset = queryset.for_viewer(getattr(getattr(self, "request", None), "user", None))
        return queryset

    def get_export_queryset(self) -> QuerySet:
        return self.get_queryset()

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Building a FilterSet (form, deep-copied filters) costs more than a small page: skip it when no parameter
        # could belong to it. A prefix match errs towards filtering (range filters add suffixes to their name).
        names = getattr(self.filterset_class, "base_filters", {})
        params = self.request.query_params
        if not any(param.startswith(name) for param in params for name in names):
            return queryset
        # The pages' forms send empty fields for "any"; an API client leaves the parameter out. An empty value
        # where the schema admits none (a choice, number, date or sort key) is refused rather than silently
        # ignored, so a client with a bug notices. Only text may be empty.
        empty = [
            name
            for name, flt in names.items()
            if name in params and "" in params.getlist(name) and not isinstance(flt, CharFilter)
        ]
        if empty:
            raise ValidationError({name: [_("Give a value, or leave the parameter out.")] for name in empty})
        # A sort list is comma-separated; an empty item (`name,` or `,name`) is a client's bug, not "no sort".
        gaps = [
            name
            for name, flt in names.items()
            if isinstance(flt, OrderingFilter) and any("" in value.split(",") for value in params.getlist(name))
        ]
        if gaps:
            raise ValidationError({name: [_("Give sort keys separated by single commas.")] for name in gaps})
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        renderer = request.accepted_renderer
        if isinstance(renderer, ExportRenderer):
            self.paginator.check_parameters(request)
            return export_response(request._request, renderer, self.filter_queryset(self.get_export_queryset()))
        queryset = self.filter_queryset(self.get_queryset())
        plan = values_plan(self.get_serializer_class(), queryset)
        if plan is None or not isinstance(renderer, JSONRenderer):
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        page = self.paginate_queryset(plan.values(queryset))
        return self.get_paginated_response(plan.rows(page, request))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self.last_modified = getattr(instance, "updated_at", None)
        return Response(self.get_serializer(instance).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = self._saved(serializer.instance)
        return Response(data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        # After validation: a body that could never be written is a 400 whatever the precondition says.
        self.check_if_match(instance)
        self.perform_update(serializer)
        return Response(self._saved(serializer.instance))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self.check_if_match(instance)
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def check_if_match(self, instance: Model) -> None:
        """If-Match (RFC 9110 13.1.1): write only while the record still has one of the given ETags, those a read
        of it answered with; otherwise 412, carrying the current ETag. Weak ETags never match, `*` always does."""
        header = self.request.headers.get("If-Match")
        if not header:
            return
        etags = parse_etags(header)
        if etags == ["*"]:
            return
        current = self.detail_etag(instance)
        if current not in etags:
            exc = PreconditionFailed()
            exc.etag = current  # type: ignore[attr-defined]
            raise exc

    def detail_etag(self, instance: Model) -> str:
        """The ETag a read of this record answers with (finalize_response hashes the same bytes)."""
        data = self.get_serializer(instance).data
        content = JSONRenderer().render(data, renderer_context=self.get_renderer_context())
        return quote_etag(hashlib.blake2b(content, digest_size=16).hexdigest())

    def _saved(self, instance: Model) -> dict[str, Any]:
        # Answer with the record as a read would show it: with the counts and related rows a read's queryset adds.
        return self.get_serializer(self.get_queryset().get(pk=instance.pk)).data

    def perform_create(self, serializer: serializers.Serializer) -> None:
        self._save(serializer)

    def perform_update(self, serializer: serializers.Serializer) -> None:
        self._save(serializer)

    def _save(self, serializer: serializers.Serializer) -> None:
        # Validation checks every constraint first; this only catches a concurrent write slipping in between.
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError as exc:
            raise Conflict(_("Another record with the same key was saved meanwhile; reload and retry.")) from exc
        except StaleVersionError as exc:
            message = _("The record has changed since version %(given)s; read it again, then reapply.")
            raise Conflict(message % {"given": serializer.initial_data.get("version")}, version=exc.current) from exc
        except StaleEditError as exc:
            current = type(exc.obj)._default_manager.filter(pk=exc.obj.pk).values_list("version", flat=True).first()
            raise Conflict(
                _("Someone else changed this record meanwhile; reload it and apply your change again."), version=current
            ) from exc

    def perform_destroy(self, instance: Model) -> None:
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            blockers = sorted({obj._meta.verbose_name_plural for obj in exc.protected_objects}, key=str)
            raise Conflict(
                _("Cannot delete: %(related)s still refer to it.") % {"related": ", ".join(map(str, blockers))}
            ) from exc

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(exc, PreconditionFailed):
            response["ETag"] = exc.etag  # type: ignore[attr-defined]
        if isinstance(exc, Conflict) and exc.version is not None:
            response.data = {**response.data, "version": exc.version}
        # Errors are JSON whatever format was asked for: a CSV or XML error body would only confuse a client.
        if isinstance(getattr(self.request, "accepted_renderer", None), ExportRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or not isinstance(response, Response):
            return response
        # Lists answer CSV, GeoJSON or XML to an Accept header too, so caches must key on it.
        patch_vary_headers(response, ["Accept"])
        response.render()
        etag = quote_etag(hashlib.blake2b(response.content, digest_size=16).hexdigest())
        response["ETag"] = etag
        # A record's ETag is what If-Match compares a write against: its bytes go uncompressed (config.middleware).
        response.keeps_strong_etag = bool(getattr(self, "detail", False))
        last_modified = getattr(self, "last_modified", None)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        # HTTP dates have whole seconds: compare at that precision, or a sub-second update would never match.
        # Not ConditionalGetMiddleware: it would give HTML pages ETags, and their 304s a CSP nonce the page lacks.
        timestamp = int(last_modified.timestamp()) if last_modified is not None else None
        return get_conditional_response(request._request, etag=etag, last_modified=timestamp, response=response)
