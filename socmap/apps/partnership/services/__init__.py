"""Every write of the partnership app, in a transaction with its audit entry."""

from socmap.apps.partnership.services.agreements import (
    Proposal,
    agreement_approve,
    agreement_propose,
    agreement_renew,
    agreement_revoke,
    compartments_named,
    due_for_renewal,
    is_sharing_lead,
    lead_name,
    renewal_reminders,
)
from socmap.apps.partnership.services.board import (
    ActionInput,
    action_complete,
    action_record,
    attendance_record,
    board_create,
    decision_record,
    meeting_record,
    member_add,
)
from socmap.apps.partnership.services.referrals import ReferralInput, outcome_record, referral_make

__all__ = [
    "ActionInput",
    "Proposal",
    "ReferralInput",
    "action_complete",
    "action_record",
    "agreement_approve",
    "agreement_propose",
    "agreement_renew",
    "agreement_revoke",
    "attendance_record",
    "board_create",
    "compartments_named",
    "decision_record",
    "due_for_renewal",
    "is_sharing_lead",
    "lead_name",
    "meeting_record",
    "member_add",
    "outcome_record",
    "referral_make",
    "renewal_reminders",
]
