"""The rule checks of an order: every rule of its kind in the catalogue, checked when it is recorded.

``check_order`` returns every rule the order breaks (never only the first), each on the field at
fault and in words that name the rule and the Act, so the officer can correct it at once. Lengths are
counted from the day the order starts (or the subject's release) to the day it ends: an order that
runs from 1 March 2024 to 1 March 2029 lasts five years, and one ending a day earlier does not.
"""

from __future__ import annotations

from socmap.engines.lifetime.dates import add_span, long_date
from socmap.engines.lifetime.types import Catalogue, DurationRule, OrderFacts, OrderRule, Violation

STATUSES = ("considered", "applied", "granted", "refused", "varied", "breached", "expired")
APPLIED_OR_LATER = frozenset(STATUSES) - {"considered"}
DECIDED = frozenset({"granted", "refused", "varied", "breached", "expired"})
IN_FORCE = frozenset({"granted", "varied", "breached", "expired"})


def _named(rule: OrderRule) -> str:
    return f"{rule.title}, {rule.law}"


def _duration_rule(rule: OrderRule, facts: OrderFacts) -> DurationRule | None:
    if facts.under_18 and rule.youth_duration is not None:
        return rule.youth_duration
    return rule.duration


def _check_duration(rule: OrderRule, facts: OrderFacts, out: list[Violation]) -> None:
    duration = _duration_rule(rule, facts)
    who = " for a subject under 18" if facts.under_18 and rule.youth_duration is not None else ""
    if facts.starts_on is None:
        out.append(
            Violation("starts_on", f"{_named(rule)}: an order in force needs the date it starts", "dates")
        )
        return
    if duration is None or duration.set_by_court:
        return
    if facts.ends_on is None:
        if not duration.open_ended:
            out.append(
                Violation(
                    "ends_on",
                    f"{_named(rule)}: {rule.summary}{who}; it cannot run until further order, so enter the "
                    "date it ends",
                    "duration.open_ended",
                )
            )
        return
    base = facts.starts_on
    counted = "the day it starts"
    if duration.from_release:
        if facts.release_on is None:
            out.append(
                Violation(
                    "release_on",
                    f"{_named(rule)}: {rule.summary}, so the subject's release date is needed: enter the "
                    "custody period or the expected release",
                    "duration.from_release",
                )
            )
            return
        base, counted = facts.release_on, f"release on {long_date(facts.release_on)}"
    if duration.minimum is not None:
        earliest = add_span(base, duration.minimum)
        if facts.ends_on < earliest:
            out.append(
                Violation(
                    "ends_on",
                    f"{_named(rule)}: lasts at least {duration.minimum.words}{who} from {counted}, so it "
                    f"cannot end before {long_date(earliest)}; it ends on {long_date(facts.ends_on)}",
                    "duration.minimum",
                )
            )
    if duration.maximum is not None:
        latest = add_span(base, duration.maximum)
        if facts.ends_on > latest:
            out.append(
                Violation(
                    "ends_on",
                    f"{_named(rule)}: lasts up to {duration.maximum.words}{who} from {counted}, so it "
                    f"must end by {long_date(latest)}; it ends on {long_date(facts.ends_on)}",
                    "duration.maximum",
                )
            )


def check_order(catalogue: Catalogue, facts: OrderFacts) -> list[Violation]:
    """Every rule the order breaks: its dates, applicant, court, threshold and length."""
    rule = catalogue.orders.get(facts.kind)
    if rule is None:
        known = ", ".join(r.title for r in catalogue.orders.values())
        return [Violation("kind", f"{facts.kind!r} is not an order in the catalogue: {known}", "kind")]
    if facts.status not in STATUSES:
        return [
            Violation(
                "status", f"{facts.status!r} is not a status; statuses are {', '.join(STATUSES)}", "status"
            )
        ]
    out: list[Violation] = []
    # Dates in order, whatever the kind.
    if facts.starts_on and facts.ends_on and facts.ends_on < facts.starts_on:
        out.append(
            Violation(
                "ends_on",
                f"The order ends on {long_date(facts.ends_on)}, before it starts on "
                f"{long_date(facts.starts_on)}",
                "dates",
            )
        )
    if facts.applied_on and facts.decided_on and facts.decided_on < facts.applied_on:
        out.append(
            Violation(
                "decided_on",
                f"The court decided on {long_date(facts.decided_on)}, before the application on "
                f"{long_date(facts.applied_on)}",
                "dates",
            )
        )
    if facts.status in ("applied", "refused") and facts.applied_on is None:
        out.append(Violation("applied_on", f"{_named(rule)}: enter the date it was applied for", "dates"))
    if facts.status in DECIDED and facts.decided_on is None:
        out.append(Violation("decided_on", f"{_named(rule)}: enter the date the court decided", "dates"))
    # Who applies, and where.
    if facts.applicant and facts.applicant not in rule.applicants:
        out.append(
            Violation(
                "applicant",
                f"{_named(rule)}: applied for by {', '.join(rule.applicants)}, not {facts.applicant}",
                "applicant",
            )
        )
    elif not facts.applicant and facts.status in APPLIED_OR_LATER:
        out.append(
            Violation(
                "applicant", f"{_named(rule)}: say who applied ({', '.join(rule.applicants)})", "applicant"
            )
        )
    if facts.court and facts.court not in rule.courts:
        out.append(
            Violation(
                "court",
                f"{_named(rule)}: made by the {', '.join(rule.courts)}, not the {facts.court}",
                "court",
            )
        )
    elif not facts.court and facts.status in DECIDED:
        out.append(
            Violation("court", f"{_named(rule)}: say which court decided ({', '.join(rule.courts)})", "court")
        )
    # The money threshold.
    if rule.amount is not None and (facts.amount is not None or facts.status in APPLIED_OR_LATER):
        amount = rule.amount
        if facts.amount is None:
            out.append(Violation("amount", f"{_named(rule)}: enter the {amount.label}", "amount"))
        elif amount.more_than is not None and not facts.amount > amount.more_than:
            out.append(
                Violation(
                    "amount",
                    f"{_named(rule)}: the {amount.label} must be more than £{amount.more_than:,.2f}; "
                    f"£{facts.amount:,.2f} is not",
                    "amount.more_than",
                )
            )
        elif amount.at_least is not None and facts.amount < amount.at_least:
            out.append(
                Violation(
                    "amount",
                    f"{_named(rule)}: the {amount.label} must be at least £{amount.at_least:,.2f}; "
                    f"£{facts.amount:,.2f} is less",
                    "amount.at_least",
                )
            )
    # How long it lasts, once it is in force.
    if facts.status in IN_FORCE and not any(v.rule == "dates" and v.field == "ends_on" for v in out):
        _check_duration(rule, facts, out)
    return out
