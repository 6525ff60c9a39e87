"""Lifetime management of organised criminals: the catalogue of orders and partner powers with its
rule checks, alerts due on a date, officers' workload figures and the disruption return.

Pure: no Django. ``load_catalogue`` checks the catalogue file (``InvalidModel`` names file, line and
reason); ``check_order`` lists every rule an order breaks; ``alerts_due``, ``workload`` and
``disruption_return`` compute from plain facts; ``timeline_spec`` draws a group's disruptions beside
its threat score.
"""

from socmap.engines.lifetime.alerts import alerts_due
from socmap.engines.lifetime.catalogue import (
    DEFAULT_CATALOGUE,
    PARTNER_TYPES,
    load_catalogue,
    parse_catalogue,
)
from socmap.engines.lifetime.charts import return_spec, timeline_spec
from socmap.engines.lifetime.dates import add_months, add_span, long_date
from socmap.engines.lifetime.returns import IMPACTS, PERIODS, PS, disruption_return, periods
from socmap.engines.lifetime.rules import APPLIED_OR_LATER, DECIDED, IN_FORCE, STATUSES, check_order
from socmap.engines.lifetime.types import (
    Alert,
    AmountRule,
    Catalogue,
    DisruptionFact,
    DisruptionReturn,
    DurationRule,
    HeldSubject,
    OrderDates,
    OrderFacts,
    OrderRule,
    PartnerPower,
    ReleaseDate,
    ReturnCell,
    Span,
    SubjectFacts,
    TrainingDate,
    Violation,
    WorkloadRow,
)
from socmap.engines.lifetime.workload import workload

__all__ = [
    "APPLIED_OR_LATER",
    "DECIDED",
    "DEFAULT_CATALOGUE",
    "IMPACTS",
    "IN_FORCE",
    "PARTNER_TYPES",
    "PERIODS",
    "PS",
    "STATUSES",
    "Alert",
    "AmountRule",
    "Catalogue",
    "DisruptionFact",
    "DisruptionReturn",
    "DurationRule",
    "HeldSubject",
    "OrderDates",
    "OrderFacts",
    "OrderRule",
    "PartnerPower",
    "ReleaseDate",
    "ReturnCell",
    "Span",
    "SubjectFacts",
    "TrainingDate",
    "Violation",
    "WorkloadRow",
    "add_months",
    "add_span",
    "alerts_due",
    "check_order",
    "disruption_return",
    "load_catalogue",
    "long_date",
    "parse_catalogue",
    "periods",
    "return_spec",
    "timeline_spec",
    "workload",
]
