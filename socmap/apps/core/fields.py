"""Model fields socmap needs beyond Django's own."""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class JSONTextField(models.TextField):  # type: ignore[type-arg]
    """JSON kept as the text it was written in, read back as Python values.

    For bulk, write-once JSON that is read whole and never queried inside: a resolution run's
    1.9 million pair explanations. PostgreSQL's ``jsonb`` parsed and re-encoded each one on the
    way in, which was half of the time to copy them (28 s of 54 at a million source rows), and kept
    them a third larger. Written compactly (no spaces); ``None`` is stored as SQL NULL.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj)) or ""
