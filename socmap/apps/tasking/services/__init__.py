"""Every write of the tasking app, each in a transaction with its audit entry."""

from socmap.apps.tasking.services.allocation import (
    allocation_run,
    override_set,
    override_withdraw,
    problem_for,
    run_publish,
)
from socmap.apps.tasking.services.bids import (
    BIDDERS,
    BidInput,
    bid_check,
    bid_submit,
    bid_withdraw,
    capabilities_list,
    fairness_set,
    period_create,
    region_forces,
)
from socmap.apps.tasking.services.meetings import (
    action_record,
    decision_record,
    meeting_create,
    minutes_pdf,
)

__all__ = [
    "BIDDERS",
    "BidInput",
    "action_record",
    "allocation_run",
    "bid_check",
    "bid_submit",
    "bid_withdraw",
    "capabilities_list",
    "decision_record",
    "fairness_set",
    "meeting_create",
    "minutes_pdf",
    "override_set",
    "override_withdraw",
    "period_create",
    "problem_for",
    "region_forces",
    "run_publish",
]
