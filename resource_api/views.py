"""Stage 7: the protected API. Each view declares its operations and default scopes."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from resource_api.authentication import BearerTokenAuthentication
from resource_api.errors import exception_handler
from resource_api.models import Document
from resource_api.operations import Operation
from resource_api.permissions import OperationScopePermission
from resource_api.schema import ScopedAutoSchema
from resource_api.serializers import DocumentSerializer, MeSerializer


class Pages(PageNumberPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"


class ProtectedAPI:
    """Set on the views themselves, so a host project's REST_FRAMEWORK
    defaults cannot loosen them (the reusable-app case)."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [OperationScopePermission]
    renderer_classes = [JSONRenderer]
    schema = ScopedAutoSchema()

    def get_exception_handler(self) -> Callable:
        return exception_handler


READ = ("documents:read",)
WRITE = ("documents:write",)


class MeView(ProtectedAPI, APIView):
    """The person the token acts for."""

    operations = {"get": Operation("me.read", ("profile",))}

    @extend_schema(responses=MeSerializer, operation_id="me_read")
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            MeSerializer(
                {
                    "sub": user.sub,
                    "username": user.username,
                    "email": user.email,
                    "name": user.name,
                }
            ).data
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
        return Document.objects.filter(owner_sub=self.request.auth.sub)

    def perform_create(self, serializer: DocumentSerializer) -> None:
        serializer.save(owner_sub=self.request.auth.sub)
