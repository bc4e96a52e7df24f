from django.apps import AppConfig


class ResourceApiConfig(AppConfig):
    name = "resource_api"
    verbose_name = "Resource API"
    default_auto_field = "django.db.models.BigAutoField"
