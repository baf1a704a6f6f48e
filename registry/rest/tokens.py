"""The staff API-token endpoint (`/api/v1/auth/token/`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from registry.rest.parsers import StrictFormParser, StrictJSONParser, StrictMultiPartParser
from registry.rest.schema import THROTTLED, UNAVAILABLE, UNSUPPORTED_MEDIA_TYPE, VALIDATION_ERROR, ErrorSerializer
from registry.rest.throttling import AnonThrottle


class StaffAuthTokenView(ObtainAuthToken):
    """Trade a staff account's username and password for its API token (for integrations; send it as
    `Authorization: Token <key>`). Accounts without staff status get none: they could not write anyway."""

    authentication_classes: list = []
    parser_classes = [StrictFormParser, StrictMultiPartParser, StrictJSONParser]
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle]

    @extend_schema(
        summary="Obtain the API token of a staff account",
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("AuthTokenResponse", {"token": serializers.CharField()}),
            400: VALIDATION_ERROR,
            403: OpenApiResponse(ErrorSerializer, description=str(_("Too many failed logins; try again later."))),
            415: UNSUPPORTED_MEDIA_TYPE,
            429: THROTTLED,
            503: UNAVAILABLE,
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
