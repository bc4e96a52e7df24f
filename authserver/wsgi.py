import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authserver.settings")

application = get_wsgi_application()

# A server process runs no system checks: refuse to serve with a setting that
# would silently switch a protection off (oauth_grants/checks.py).
from oauth_grants.checks import refuse_to_start_if_misconfigured  # noqa: E402

refuse_to_start_if_misconfigured()
