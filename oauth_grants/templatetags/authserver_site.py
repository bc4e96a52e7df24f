"""``{% site_name %}``: the product's name (AUTHSERVER["SITE_NAME"]) on public pages."""

from __future__ import annotations

from django import template

from oauth_grants.conf import app_settings

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return str(app_settings.SITE_NAME)
