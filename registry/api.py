"""API viewsets for states, shelters, donors and cooperation agreements, and the behaviour every API viewset shares.

Shared behaviour (`RegistryViewSet`): page-number pagination with a capped, client-chosen page size; the shared
FilterSets; writes for staff holding the model permission; ETag and Last-Modified with 304 answers; 409 instead of
a database error when a delete is blocked by related records; streamed exports (`?format=csv|geojson|iati`) of every
record matching the filters; and `facets/` counts per state and border region.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache, caches
from django.core.paginator import InvalidPage
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Max, Model, Prefetch, ProtectedError, QuerySet, RestrictedError
from django.http import HttpResponseBase, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers, quote_etag
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, ModelMultipleChoiceFilter, NumberFilter, OrderingFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.drainage import has_override, set_override
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, MethodNotAllowed, NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, DjangoModelPermissionsOrAnonReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from config.cache import VersionedCountPaginator, data_version, query_key, shared_cache_usable
from registry.admin_mixins import StaleEditError
from registry.filters import AgreementFilter, DonorFilter, ShelterFilter, StateFilter
from registry.models import BorderRegion, CooperationAgreement, Donor, Shelter, State
from registry.renderers import AgreementCSVRenderer, ExportRenderer, ShelterCSVRenderer, ShelterGeoJSONRenderer
from registry.serializers import (
    AgreementSerializer,
    DonorDetailSerializer,
    DonorSerializer,
    FacetsSerializer,
    ShelterListSerializer,
    ShelterSerializer,
    StateSerializer,
    values_plan,
)

# Cached results live under the data version, which every change bumps; the timeouts only bound memory use.
EXPORT_CACHE_SECONDS = 3600
EXPORT_CACHE_MAX_BYTES = 64 * 1024 * 1024
JSON = "application/json"
_DIGITS = re.compile(r"[0-9]+")


# --- pagination, permissions, errors -----------------------------------------------------------------------------


class ApiPagination(PageNumberPagination):
    """`page` from 1, `page_size` from 1 to 100. Anything else is refused with a message rather than guessed at."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def get_page_size(self, request: Request) -> int:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        raw = values[0]
        if len(values) > 1 or not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def page_number(self, request: Request) -> int:
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        if len(values) > 1 or not _DIGITS.fullmatch(values[0]) or int(values[0]) < 1:
            raise ValidationError({self.page_query_param: [_("Give a whole number from 1.")]})
        return int(values[0])

    def check_parameters(self, request: Request) -> None:
        """Refuse a bad `page` or `page_size` even where they do not apply (exports cover every page)."""
        self.page_number(request)
        self.get_page_size(request)

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list | None:
        raw = str(self.page_number(request))
        self.request = request
        paginator = VersionedCountPaginator(queryset, self.get_page_size(request), count_key=count_key(request))
        try:
            self.page = paginator.page(int(raw or 1))
        except InvalidPage as exc:
            raise NotFound(_("Page %(page)s is past the last page.") % {"page": raw}) from exc
        return list(self.page)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Page number, from 1. A page past the last answers 404.")),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Records per page, from 1 to %(max)d (default %(default)d).")
                    % {"max": self.max_page_size, "default": self.page_size}
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class CookieSessionAuthentication(SessionAuthentication):
    """Session authentication that does not open the session of a request carrying no session cookie.

    Such a request is anonymous anyway; leaving the session untouched keeps the response free of `Vary: Cookie`,
    so the anonymous page cache (config.middleware) can serve repeated API reads as it serves pages.
    """

    def authenticate(self, request: Request) -> Any:
        if settings.SESSION_COOKIE_NAME not in request._request.COOKIES:
            return None
        return super().authenticate(request)


class CookieSessionScheme(SessionScheme):
    target_class = "registry.api.CookieSessionAuthentication"


class WindowCountThrottleMixin:
    """Counts requests per fixed window with one atomic `cache.incr`.

    DRF's own throttles keep every request time of a client in a cached list that is read, trimmed and written back
    whole on each request: at a high allowed rate that list, and its cost, grows with the traffic, and concurrent
    workers overwrite each other's copy. A counter per window costs the same at any rate and is exact across workers
    sharing one cache (Redis in production).
    """

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return self.count(f"{key}:{window}", self.duration + 1) <= self.num_requests

    def count(self, key: str, timeout: int) -> int:
        """This request's number in the window: one round trip to Redis, a few calls to any other cache."""
        backend = caches["default"] if self.cache is cache else self.cache  # the backend behind the proxy
        # A backend that counts with an expiry in one step does so (the site's Redis backend, in one round trip).
        incr_with_expiry = getattr(backend, "incr_with_expiry", None)
        if incr_with_expiry is not None:
            return incr_with_expiry(key, timeout)
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first request (or a cache that stores nothing)
            return 1 if self.cache.add(key, 1, timeout) else self.cache.incr(key)

    def wait(self) -> float:
        return max(self.window_ends - self.now, 0.0)


class AnonThrottle(WindowCountThrottleMixin, AnonRateThrottle):
    """Anonymous clients, per address: API_ANON_RATE."""


class UserThrottle(WindowCountThrottleMixin, UserRateThrottle):
    """Signed-in clients, per account: API_USER_RATE. Anonymous clients answer to AnonThrottle alone."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


def count_key(request: Request) -> str | None:
    if not shared_cache_usable():
        return None
    return query_key("api-count", request.path, request.query_params, ignore=("page", "page_size", "format"))


class StaffModelPermissionsOrAnonReadOnly(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing takes a staff account that also holds the model's add/change/delete permission."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in SAFE_METHODS:
            user = request.user
            if user and user.is_authenticated and not user.is_staff:
                return False
        return super().has_permission(request, view)


class FormatFirstNegotiation(DefaultContentNegotiation):
    """An explicit `?format=` wins over the Accept header: `?format=csv` from a client that sends
    `Accept: application/json` by habit still gets the CSV, instead of 406."""

    def select_renderer(self, request: Request, renderers: list[Any], format_suffix: str | None = None) -> Any:
        requested = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested == "":
            raise NotFound(_("Name a format: json, or an export format this list offers."))
        if requested:
            renderer = self.filter_renderers(renderers, requested)[0]  # 404 for a format not offered here
            return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the record.")
    default_code = "conflict"


# --- schema documentation ----------------------------------------------------------------------------------------


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
    # Errors are JSON whatever the format asked for (see RegistryViewSet.handle_exception).
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


class RegistryAutoSchema(AutoSchema):
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


# --- the shared viewset ------------------------------------------------------------------------------------------


class RegistryViewSet(viewsets.ModelViewSet):
    pagination_class = ApiPagination
    authentication_classes = [TokenAuthentication, CookieSessionAuthentication]
    throttle_classes = [AnonThrottle, UserThrottle]
    permission_classes = [StaffModelPermissionsOrAnonReadOnly]
    filter_backends = [DjangoFilterBackend]
    content_negotiation_class = FormatFirstNegotiation
    # JSON bodies only: form encodings cannot tell null from "null", nor a list from a repeated field.
    parser_classes = [JSONParser]
    lookup_value_regex = "[^/]+"
    schema = RegistryAutoSchema()
    list_serializer_class: type[serializers.Serializer] | None = None
    export_renderer_classes: tuple[type[ExportRenderer], ...] = ()
    # A model whose queryset offers for_list() and for_detail(); viewsets of other models override get_queryset().
    model: type[Model] | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A method this URL does not offer is 405 whatever else is wrong with the request (DRF would negotiate the
        # format first, and answer 404 to TRACE ...?format=csv).
        if self.action is None:
            raise MethodNotAllowed(request.method)
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
        return objects.for_list() if self.action in ("list", "facets") else objects.for_detail()

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
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        renderer = request.accepted_renderer
        if isinstance(renderer, ExportRenderer):
            self.paginator.check_parameters(request)
            return self.export(renderer, self.filter_queryset(self.get_export_queryset()))
        queryset = self.filter_queryset(self.get_queryset())
        plan = values_plan(self.get_serializer_class(), queryset)
        if plan is None or not isinstance(renderer, JSONRenderer):
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        page = self.paginate_queryset(plan.values(queryset))
        return self.get_paginated_response(plan.rows(page, request))

    def export(self, renderer: ExportRenderer, queryset: QuerySet) -> HttpResponseBase:
        """Stream the document; outside transactions, keep it (compressed) under the data version, so until a
        record changes the same export is a cache read and a revalidation is answered without touching the
        database."""
        request = self.request
        if not renderer.allows_empty and not queryset.exists():
            message = _("Nothing matches these filters, and a %(format)s file must hold at least one record.")
            raise NotFound(message % {"format": renderer.format.upper()})
        if shared_cache_usable():
            material = f"{renderer.format}|{request.get_full_path()}|{get_language()}|{data_version()}"
            etag = "W/" + quote_etag(hashlib.blake2b(material.encode(), digest_size=16).hexdigest())
            not_modified = get_conditional_response(request._request, etag=etag)
            if not_modified is not None:
                return not_modified
            key = f"api-export:{etag}"
            stored = cache.get(key)
            if stored is not None:
                return self._export_response(renderer, _inflated(stored), etag)
            pieces = _encoded(renderer.stream(renderer.rows(queryset)), renderer.charset)
            return self._export_response(renderer, _kept(pieces, key), etag)
        # In a transaction the version may not know this connection's writes: validate by the data itself.
        summary = queryset.order_by().aggregate(count=Count("pk", distinct=True), latest=Max("updated_at"))
        latest = summary["latest"]
        material = f"{renderer.format}|{request.get_full_path()}|{get_language()}|{summary['count']}|{latest}"
        etag = "W/" + quote_etag(hashlib.blake2b(material.encode(), digest_size=16).hexdigest())
        not_modified = get_conditional_response(request._request, etag=etag)
        if not_modified is not None:
            return not_modified
        pieces = _encoded(renderer.stream(renderer.rows(queryset)), renderer.charset)
        return self._export_response(renderer, pieces, etag)

    def _export_response(self, renderer: ExportRenderer, pieces: Iterator[bytes], etag: str) -> HttpResponseBase:
        response = StreamingHttpResponse(pieces, content_type=f"{renderer.media_type}; charset={renderer.charset}")
        response["Content-Disposition"] = renderer.content_disposition()
        response["ETag"] = etag
        patch_vary_headers(response, ["Accept"])
        return response

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
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self._saved(serializer.instance))

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
        except StaleEditError as exc:
            raise Conflict(
                _("Someone else changed this record meanwhile; reload it and apply your change again.")
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
        last_modified = getattr(self, "last_modified", None)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        # HTTP dates have whole seconds: compare at that precision, or a sub-second update would never match.
        timestamp = int(last_modified.timestamp()) if last_modified is not None else None
        return get_conditional_response(request._request, etag=etag, last_modified=timestamp, response=response)


def _encoded(pieces: Iterator[str], charset: str) -> Iterator[bytes]:
    # Small pieces (one CSV line each) are gathered so the server writes fewer, larger chunks.
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= 32_768:
            yield "".join(buffer).encode(charset)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode(charset)


FACETS_SCHEMA = extend_schema(
    summary="Count matching records per state and border region",
    description=str(
        _("Takes the same filters as the list; counts the matching records per state and per border region.")
    ),
    filters=True,
    responses={200: FacetsSerializer, 304: NOT_MODIFIED, 400: VALIDATION_ERROR, 429: THROTTLED},
)


def _inflated(compressed: bytes) -> Iterator[bytes]:
    """A cached export, decompressed as it is sent: a worker never holds the whole document at once."""
    inflater = zlib.decompressobj()
    for start in range(0, len(compressed), 65_536):
        if piece := inflater.decompress(compressed[start : start + 65_536]):
            yield piece
    if rest := inflater.flush():
        yield rest


def _kept(pieces: Iterator[bytes], key: str) -> Iterator[bytes]:
    """Pass the pieces on, compressing a copy that goes to the cache once the document is complete (and if it
    stayed under EXPORT_CACHE_MAX_BYTES; a client that hangs up early leaves nothing behind)."""
    compressor = zlib.compressobj(1)
    compressed: list[bytes] = []
    size = 0
    for piece in pieces:
        yield piece
        size += len(piece)
        if size <= EXPORT_CACHE_MAX_BYTES:
            compressed.append(compressor.compress(piece))
    if size <= EXPORT_CACHE_MAX_BYTES:
        compressed.append(compressor.flush())
        cache.set(key, b"".join(compressed), EXPORT_CACHE_SECONDS)


class FacetsMixin:
    """`facets/`: how many records match the current filter, per state and per border region."""

    facet_state_path = "state"

    @FACETS_SCHEMA
    @action(detail=False, methods=["get"], pagination_class=None)
    def facets(self, request: Request) -> Response:
        matching_ids = self.filter_queryset(self.get_queryset()).order_by().values("pk")
        model = self.get_queryset().model
        matching = model.objects.filter(pk__in=matching_ids)
        path = self.facet_state_path
        per_state = (
            matching.filter(**{f"{path}__isnull": False})
            .values(f"{path}__iso_code", f"{path}__name", f"{path}__region")
            .annotate(count=Count("pk", distinct=True))
            .order_by(f"{path}__name")
        )
        per_region = dict(
            matching.filter(**{f"{path}__isnull": False})
            .values_list(f"{path}__region")
            .annotate(count=Count("pk", distinct=True))
            .order_by()
        )
        data = {
            "count": matching.count(),
            "states": [
                {
                    "iso_code": row[f"{path}__iso_code"],
                    "name": row[f"{path}__name"],
                    "region": row[f"{path}__region"],
                    "count": row["count"],
                }
                for row in per_state
            ],
            "regions": [
                {"region": value, "label": str(label), "count": per_region.get(value, 0)}
                for value, label in BorderRegion.choices
            ],
        }
        return Response(FacetsSerializer(data).data)


@extend_schema_serializer(many=False)
class FeatureCollectionSerializer(serializers.Serializer):
    """For the schema only: the GeoJSON export is written by ShelterGeoJSONRenderer."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = serializers.ListField(child=serializers.DictField())


# --- the registry's resources ------------------------------------------------------------------------------------


@document(
    noun="state",
    plural="states",
    lookup=path_key("iso_code", str(_("ISO 3166-2 code, e.g. MX-CHP."))),
    list_serializer=StateSerializer,
    serializer=StateSerializer,
)
class StateViewSet(RegistryViewSet):
    """Mexico's 32 states with their border region and how many shelters and agreements each has."""

    queryset = State.objects.with_counts().order_by("name")
    serializer_class = StateSerializer
    filterset_class = StateFilter
    lookup_field = "iso_code"


@document(
    noun="shelter",
    plural="shelters",
    lookup=path_key("slug", str(_("The shelter's slug."))),
    list_serializer=ShelterListSerializer,
    serializer=ShelterSerializer,
    exports={
        "csv": ("text/csv", CSV_RESPONSE),
        "geojson": (
            "application/geo+json",
            OpenApiResponse(
                FeatureCollectionSerializer,
                description=str(_("RFC 7946 FeatureCollection; geometry is null for shelters without coordinates.")),
            ),
        ),
    },
)
class ShelterViewSet(FacetsMixin, RegistryViewSet):
    """Shelters for people on the move, with their services, populations served and agreements."""

    model = Shelter
    serializer_class = ShelterSerializer
    list_serializer_class = ShelterListSerializer
    filterset_class = ShelterFilter
    lookup_field = "slug"
    export_renderer_classes = (ShelterCSVRenderer, ShelterGeoJSONRenderer)


@document(
    noun="donor",
    plural="donors",
    lookup=path_key("acronym", str(_("The donor's acronym, e.g. PRM."))),
    list_serializer=DonorSerializer,
    serializer=DonorSerializer,
    detail_serializer=DonorDetailSerializer,
)
class DonorViewSet(RegistryViewSet):
    """Donors funding the agreements."""

    serializer_class = DonorDetailSerializer
    list_serializer_class = DonorSerializer
    filterset_class = DonorFilter
    lookup_field = "acronym"

    def get_queryset(self) -> QuerySet:
        if self.action == "list":
            return Donor.objects.all()
        return Donor.objects.prefetch_related(
            Prefetch("agreements", queryset=CooperationAgreement.objects.select_related("donor", "project"))
        )


@document(
    noun="cooperation agreement",
    plural="cooperation agreements",
    lookup=path_key("reference", str(_("The agreement's reference, e.g. PRM-2-albergue-hermanos-en-el-camino."))),
    list_serializer=AgreementSerializer,
    serializer=AgreementSerializer,
    exports={"csv": ("text/csv", CSV_RESPONSE)},
)
class AgreementViewSet(FacetsMixin, RegistryViewSet):
    """Cooperation agreements bringing a donor's support to a shelter, with their support items."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    lookup_field = "reference"
    facet_state_path = "shelter__state"
    export_renderer_classes = (AgreementCSVRenderer,)

    def get_queryset(self) -> QuerySet:
        return CooperationAgreement.objects.for_list()


class StaffAuthTokenView(ObtainAuthToken):
    """Trade a staff account's username and password for its API token (for integrations; send it as
    `Authorization: Token <key>`). Accounts without staff status get none: they could not write anyway."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle]

    @extend_schema(
        summary="Obtain the API token of a staff account",
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("AuthTokenResponse", {"token": serializers.CharField()}),
            400: VALIDATION_ERROR,
            403: OpenApiResponse(ErrorSerializer, description=str(_("Too many failed logins; try again later."))),
            429: THROTTLED,
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if not user.is_staff:
            raise ValidationError({"non_field_errors": [_("Only staff accounts receive API tokens.")]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
