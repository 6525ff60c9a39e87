"""The live measures whose data the inspections app owns."""

from __future__ import annotations

from socmap.apps.core.measures import Measure, register_measure
from socmap.apps.inspections import selectors


def register() -> None:
    register_measure(
        Measure(
            "findings-open",
            "Inspection findings still open",
            "Findings about the organisation whose latest status on the date is not complete",
            "count",
            selectors.measure_open_findings,
            higher_is_better=False,
        )
    )
    register_measure(
        Measure(
            "actions-overdue",
            "Improvement actions overdue",
            "Actions past their due date and not complete on the date",
            "count",
            selectors.measure_actions_overdue,
            higher_is_better=False,
        )
    )
    register_measure(
        Measure(
            "actions-complete",
            "Improvement actions complete",
            "Actions completed on or before the date",
            "count",
            selectors.measure_actions_complete,
        )
    )
