"""Pages of the inspections app, one module per concern; urls.py names them from here."""

from socmap.apps.inspections.views.findings import (
    finding_detail,
    finding_export,
    finding_link,
    finding_list,
    finding_withdraw,
    grades,
    status_chart,
)
from socmap.apps.inspections.views.imports import finding_import
from socmap.apps.inspections.views.improvement import (
    action_create,
    action_detail,
    action_export,
    board,
    board_print,
)
from socmap.apps.inspections.views.national import (
    national_detail,
    national_list,
    national_track,
    national_withdraw,
)

__all__ = [
    "action_create",
    "action_detail",
    "action_export",
    "board",
    "board_print",
    "finding_detail",
    "finding_export",
    "finding_import",
    "finding_link",
    "finding_list",
    "finding_withdraw",
    "grades",
    "national_detail",
    "national_list",
    "national_track",
    "national_withdraw",
    "status_chart",
]
