"""Every write of the assessment app: threats and the assessment workflow, each with its audit entry.

Workflow: an assessor starts a draft (version n), saves it as often as needed, and submits it; the
score is computed and fixed on submission. A supervisor of the owning organisation, never the
assessor, approves it (the re-assessment date follows from its band) or returns it with a comment.
A submitted or approved version never changes: re-assessing starts version n + 1 from its values.
"""

from socmap.apps.assessment.services.assessments import (
    AssessmentInput,
    add_months,
    assessment_approve,
    assessment_return,
    assessment_save,
    assessment_start,
    assessment_submit,
    parse_sources,
)
from socmap.apps.assessment.services.common import ASSESSORS, CONFIDENCE, MAX_TEXT, SOURCE_KINDS
from socmap.apps.assessment.services.scoring import (
    model_current,
    model_of,
    model_path,
    model_register,
    stored_model,
)
from socmap.apps.assessment.services.threats import AS_SUBJECT, threat_create, threat_refresh

__all__ = [
    "ASSESSORS",
    "AS_SUBJECT",
    "CONFIDENCE",
    "MAX_TEXT",
    "SOURCE_KINDS",
    "AssessmentInput",
    "add_months",
    "assessment_approve",
    "assessment_return",
    "assessment_save",
    "assessment_start",
    "assessment_submit",
    "model_current",
    "model_of",
    "model_path",
    "model_register",
    "parse_sources",
    "stored_model",
    "threat_create",
    "threat_refresh",
]
