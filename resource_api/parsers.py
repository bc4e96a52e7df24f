"""Request body parsers of the API.

DRF's JSONParser turns a ``ValueError`` into a 400 but lets the
``RecursionError`` of a body nested a thousand deep (raised by the json
module's own depth guard) escape as a 500. Here it is the 400 that any other
unreadable body gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(
                stream, media_type=media_type, parser_context=parser_context
            )
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc
