from __future__ import annotations

from rest_framework import serializers

from resource_api.models import Document


class MeSerializer(serializers.Serializer):
    sub = serializers.CharField()
    username = serializers.CharField()
    email = serializers.CharField()
    name = serializers.CharField()


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "title", "body", "created", "updated"]
        read_only_fields = ["id", "created", "updated"]
