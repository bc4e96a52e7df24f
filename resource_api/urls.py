from django.urls import path
from rest_framework.routers import SimpleRouter

from resource_api.views import DocumentViewSet, MeView

router = SimpleRouter()
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = [
    path("me", MeView.as_view(), name="api-me"),
    *router.urls,
]
