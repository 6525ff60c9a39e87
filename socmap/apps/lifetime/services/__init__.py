"""Every write of lifetime management, each in a transaction with its audit entry."""

from socmap.apps.lifetime.services.alerts import ALERT_JOB, AlertRun, alerts_run, notification_read
from socmap.apps.lifetime.services.common import catalogue, catalogue_path, may_manage
from socmap.apps.lifetime.services.custody import (
    SYNC_JOB,
    CustodyInput,
    SyncResult,
    custody_enter,
    custody_sync,
    custody_update,
)
from socmap.apps.lifetime.services.disruptions import (
    DisruptionInput,
    disruption_record,
    disruption_resubmit,
    disruption_validate,
)
from socmap.apps.lifetime.services.orders import (
    NEXT,
    OrderInput,
    OrderStep,
    order_record,
    order_step,
    power_record,
    power_update,
    release_of,
)
from socmap.apps.lifetime.services.plans import (
    ActionInput,
    action_create,
    action_update,
    consideration_record,
    outstanding_items,
    plan_assign,
    plan_open,
    plan_review,
    plans_open_missing,
    used_items,
)

__all__ = [
    "ALERT_JOB",
    "NEXT",
    "SYNC_JOB",
    "ActionInput",
    "AlertRun",
    "CustodyInput",
    "DisruptionInput",
    "OrderInput",
    "OrderStep",
    "SyncResult",
    "action_create",
    "action_update",
    "alerts_run",
    "catalogue",
    "catalogue_path",
    "consideration_record",
    "custody_enter",
    "custody_sync",
    "custody_update",
    "disruption_record",
    "disruption_resubmit",
    "disruption_validate",
    "may_manage",
    "notification_read",
    "order_record",
    "order_step",
    "outstanding_items",
    "plan_assign",
    "plan_open",
    "plan_review",
    "plans_open_missing",
    "power_record",
    "power_update",
    "release_of",
    "used_items",
]
