"""The register's live measures for improvement plans: computed from the register's own dates, so a
measure's trend is what the register said on each date."""

from __future__ import annotations

from datetime import datetime

from socmap.apps.core.measures import Measure, register_measure
from socmap.apps.core.models import Organisation
from socmap.apps.workforce import capability


def _figures(organisation_id: int, as_of: datetime) -> capability.Capability | None:
    org = Organisation.objects.filter(pk=organisation_id).first()
    return capability.figures(org, as_of.date()) if org is not None else None


def investigators_per_group(organisation_id: int, as_of: datetime) -> float | None:
    from socmap.apps.network.selectors import measure_ocgs_adopted

    cap = _figures(organisation_id, as_of)
    groups = measure_ocgs_adopted(organisation_id, as_of)
    return round(cap.investigators / groups, 1) if cap is not None and groups else None


def fi_against_establishment(organisation_id: int, as_of: datetime) -> float | None:
    cap = _figures(organisation_id, as_of)
    if cap is None or not cap.fi_establishment:
        return None
    return round(100 * cap.fi_accredited / cap.fi_establishment, 1)


def apprentices(organisation_id: int, as_of: datetime) -> int:
    cap = _figures(organisation_id, as_of)
    return cap.apprentices if cap is not None else 0


def register() -> None:
    register_measure(
        Measure(
            "investigators-per-adopted-group",
            "Investigators per adopted group",
            "Investigators in post in the workforce register for each group adopted with the organisation "
            "as lead force",
            "count",
            investigators_per_group,
        )
    )
    register_measure(
        Measure(
            "financial-investigators-establishment",
            "Accredited financial investigators against the establishment",
            "Financial investigators in post with an in-date accreditation, as a percentage of the "
            "financial investigator posts of the establishment",
            "percent",
            fi_against_establishment,
        )
    )
    register_measure(
        Measure(
            "analyst-apprentices",
            "Analysts recruited through the apprenticeship",
            "Intelligence analysts in the register recruited through the analytical apprenticeship and "
            "still in the role",
            "count",
            apprentices,
        )
    )
