"""Every write of the inspections app: in a transaction, with its audit entry."""

from socmap.apps.inspections.services.common import MANAGERS
from socmap.apps.inspections.services.findings import (
    finding_event_add,
    finding_withdraw,
    national_track_start,
    national_withdraw,
)
from socmap.apps.inspections.services.imports import (
    OUTCOME_WORDS,
    FileOutcome,
    ImportResult,
    finding_import,
    finding_import_files,
    outcome_summary,
)
from socmap.apps.inspections.services.plans import (
    action_create,
    action_link_finding,
    action_update,
    evidence_add,
    grade_record,
    inspection_create,
    plan_create,
)

__all__ = [
    "MANAGERS",
    "OUTCOME_WORDS",
    "FileOutcome",
    "ImportResult",
    "action_create",
    "action_link_finding",
    "action_update",
    "evidence_add",
    "finding_event_add",
    "finding_import",
    "finding_import_files",
    "finding_withdraw",
    "grade_record",
    "inspection_create",
    "national_track_start",
    "national_withdraw",
    "outcome_summary",
    "plan_create",
]
