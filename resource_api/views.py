"""Stage 7: the protected API. Each view declares its operations and default scopes."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from resource_api.models import Document
from resource_api.operations import Operation
from resource_api.serializers import DocumentSerializer, MeSerializer

READ = ("documents:read",)
WRITE = ("documents:write",)


class MeView(APIView):
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


class DocumentViewSet(viewsets.ModelViewSet):
    """Documents owned by the token's person; another person's are 404."""

    serializer_class = DocumentSerializer
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
