from django.apps import AppConfig


class OAuthGrantsConfig(AppConfig):
    name = "oauth_grants"
    verbose_name = "OAuth"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib import admin
        from django.db.models.signals import post_save
        from oauth2_provider.models import get_device_grant_model

        from oauth_grants import checks  # noqa: F401 - registers the checks
        from oauth_grants.signals import password_change_receiver

        post_save.connect(
            password_change_receiver,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="oauth_grants.password_change",
        )

        # The device flow is off (broken with oauthlib 4.0.1): hide its admin.
        device_grant = get_device_grant_model()
        if admin.site.is_registered(device_grant):
            admin.site.unregister(device_grant)
