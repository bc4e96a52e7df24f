"""Stage 7: the protected API. Each view declares its operations and default scopes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from resource_api.authentication import BearerTokenAuthentication, TokenUser
from resource_api.errors import exception_handler
from resource_api.introspection import TokenInfo
from resource_api.models import Document
from resource_api.operations import Operation
from resource_api.parsers import BoundedJSONParser
from resource_api.permissions import OperationScopePermission
from resource_api.schema import ScopedAutoSchema
from resource_api.serializers import DocumentSerializer, MeSerializer


class Pages(PageNumberPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"


class JSONOnly(DefaultContentNegotiation):
    """Responses are JSON whatever Accept says; request bodies are parsed as
    DRF always does.

    DRF's default negotiation parsed Accept against the one renderer on each
    call (a tenth of a cached protected call); as DRF's documentation shows
    for a custom negotiation class, the API answers in its one format.
    """

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class ProtectedAPI(APIView):
    """Set on the views themselves, so a host project's REST_FRAMEWORK
    defaults cannot loosen them (the reusable-app case)."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [OperationScopePermission]
    renderer_classes = [JSONRenderer]
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    content_negotiation_class = JSONOnly
    schema = ScopedAutoSchema()

    def get_exception_handler(self) -> Callable:
        return exception_handler


def token_of(request: Request) -> TokenInfo:
    """The introspected token: BearerTokenAuthentication sets it, and
    OperationScopePermission lets no request in without it."""
    return cast(TokenInfo, request.auth)


READ = ("documents:read",)
WRITE = ("documents:write",)


class MeView(ProtectedAPI):
    """The person the token acts for."""

    operations = {"get": Operation("me.read", ("profile",))}

    @extend_schema(responses=MeSerializer, operation_id="me_read")
    def get(self, request: Request) -> Response:
        # MeSerializer declares the response (OpenAPI, and a test holds the
        # body to its fields); instantiating it deep-copied four fields on
        # every call, a fifth of a cached protected call, to copy four strings.
        user = cast(TokenUser, request.user)  # set with the token (token_of)
        return Response(
            {
                "sub": user.sub,
                "username": user.username,
                "email": user.email,
                "name": user.name,
            }
        )


class DocumentViewSet(ProtectedAPI, viewsets.ModelViewSet):
    """Documents owned by the token's person; another person's are 404."""

    serializer_class = DocumentSerializer
    pagination_class = Pages
    operations = {
        "list": Operation("documents.list", READ),
        "retrieve": Operation("documents.retrieve", READ),
        "create": Operation("documents.create", WRITE),
        "update": Operation("documents.update", WRITE),
        "partial_update": Operation("documents.partial_update", WRITE),
        "destroy": Operation("documents.destroy", WRITE),
    }

    def get_queryset(self) -> QuerySet[Document]:
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        return Document.objects.filter(owner_sub=token_of(self.request).sub)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.save(owner_sub=token_of(self.request).sub)
