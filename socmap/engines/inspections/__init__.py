"""Import HMICFRS recommendation pages: pure Python, no Django.

``parse_recommendation_page(text)`` turns the text of one inspectorate page (a cause of concern,
recommendation, area for improvement… with its status timeline) into a :class:`ParsedFinding`.
It never drops text it cannot place: such text is kept in ``unplaced_text`` and explained by a
:class:`Diagnostic`. The Django app stores the result; this package knows nothing of storage.
"""

from socmap.engines.inspections.parser import (
    MAX_BYTES,
    fingerprint,
    normalise_status,
    parse_recommendation_page,
)
from socmap.engines.inspections.text import wording_key
from socmap.engines.inspections.types import (
    DIAGNOSTIC_CODES,
    FINDING_KINDS,
    KNOWN_STATUSES,
    Diagnostic,
    EventKind,
    FindingKind,
    ParsedFinding,
    ParsedRecommendation,
    Severity,
    TimelineEvent,
)

ENGINE_NAME = "inspections"
ENGINE_VERSION = "2"

__all__ = [
    "DIAGNOSTIC_CODES",
    "ENGINE_NAME",
    "ENGINE_VERSION",
    "FINDING_KINDS",
    "KNOWN_STATUSES",
    "MAX_BYTES",
    "Diagnostic",
    "EventKind",
    "FindingKind",
    "ParsedFinding",
    "ParsedRecommendation",
    "Severity",
    "TimelineEvent",
    "fingerprint",
    "normalise_status",
    "parse_recommendation_page",
    "wording_key",
]
