"""The one exception hierarchy of socmap.

Every error carries a human ``message``, a stable machine ``code`` and, where the input was at
fault, ``fields`` (field -> messages) or ``rows`` (row number, field, message), so that the web,
API and CLI can all say what was wrong and where. Collect all problems, then raise once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RowError:
    """One problem with one row of an input file."""

    row: int
    field: str
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file}, " if self.file else ""
        field = f", field {self.field!r}" if self.field else ""
        return f"{where}row {self.row}{field}: {self.message}"


class SocmapError(Exception):
    """Base of every error socmap raises on purpose."""

    code = "error"
    # Set by the web layer when it logs a refusal, so the same refusal is never logged twice.
    refusal: Any = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        rows: list[RowError] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields: dict[str, list[str]] = dict(fields or {})
        self.rows: list[RowError] = list(rows or [])

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape every API error takes."""
        body: dict[str, Any] = {"message": self.message, "code": self.code, "fields": self.fields}
        if self.rows:
            body["rows"] = [
                {"file": r.file, "row": r.row, "field": r.field, "message": r.message} for r in self.rows
            ]
        return body

    def __str__(self) -> str:
        parts = [self.message]
        parts += [f"{name}: {'; '.join(msgs)}" for name, msgs in self.fields.items()]
        parts += [str(r) for r in self.rows]
        return "\n".join(parts)


class InvalidModel(SocmapError):
    """The YAML vocabulary (schemata, gradings, scoring models) is inconsistent."""

    code = "invalid_model"


class InvalidMapping(SocmapError):
    """A source mapping cannot be used."""

    code = "invalid_mapping"


class InvalidInput(SocmapError):
    """Parameters, form fields or API payloads that cannot be accepted."""

    code = "invalid"


class InvalidRecord(InvalidInput):
    """One or more rows of an input file failed parsing or validation."""

    code = "invalid_record"


class NotVisible(SocmapError):
    """The object does not exist for this viewer. Rendered as 404 so existence is not leaked."""

    code = "not_found"


class NotAllowed(SocmapError):
    """The viewer may see the object but may not do this to it."""

    code = "not_allowed"


class Conflict(SocmapError):
    """The action conflicts with the current state (duplicate, stale version, wrong status)."""

    code = "conflict"


class ConfigurationError(SocmapError):
    """The environment the process runs in is wrong (settings, database URL, secrets)."""

    code = "configuration"
