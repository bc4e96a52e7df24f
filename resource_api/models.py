"""The protected API's data: documents, and which scopes cover which operation.

Owners are identified by the token's ``sub``, not a foreign key to a user
table, so the API runs unchanged beside the authorization server or apart
from it (remote introspection, its own database).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    owner_sub = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.title


class ApiOperation(models.Model):
    """One API operation and the scopes that cover it (any one of them suffices).

    Rows are created from the API's own views (``sync_api_operations``,
    run by the data migration); admins edit which scopes cover each.
    """

    operation_id = models.CharField(max_length=100, unique=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=200)
    scopes = models.CharField(
        max_length=1000,
        help_text=_(
            "Scope names, space separated; a token with any one of them passes."
        ),
    )
    per_user = models.BooleanField(
        default=True, help_text=_("Acts on a user's data: needs a token with a user.")
    )

    class Meta:
        ordering = ["path", "method"]
        verbose_name = _("API operation")

    def __str__(self) -> str:
        return "%s %s (%s)" % (self.method, self.path, self.operation_id)

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
