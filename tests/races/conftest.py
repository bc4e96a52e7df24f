from __future__ import annotations

import pytest
from django.db import connection

from tests.servers import base_env, serve


@pytest.fixture
def server():
    """A 4-worker production server on the test's PostgreSQL database."""
    if connection.vendor != "postgresql":
        pytest.skip("races are tested against PostgreSQL (make test-postgres)")
    db = connection.settings_dict
    url = "postgres://%s@%s:%s/%s" % (db["USER"], db["HOST"], db["PORT"], db["NAME"])
    with serve(base_env(DATABASE_URL=url), workers=4) as base:
        yield base
