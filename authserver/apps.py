"""The project's admin: Django's, with the site of authserver/admin_site.py."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "authserver.admin_site.AdminSite"
