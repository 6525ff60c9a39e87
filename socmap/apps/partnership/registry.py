"""What partnership adds to socmap when it loads: the leads' authority over agreements, navigation,
the home-page panel of agreements awaiting the viewer, and live measures."""

from __future__ import annotations

from typing import Any


def _awaiting_panel(*, viewer: Any, obj: Any) -> dict[str, Any] | None:
    from socmap.apps.partnership.selectors.agreements import awaiting_me

    if not getattr(viewer, "is_authenticated", False):
        return None
    rows = awaiting_me(viewer=viewer)
    return {"rows": rows} if rows else None


def _threat_referrals(*, viewer: Any, obj: Any) -> dict[str, Any] | None:
    from socmap.apps.partnership.selectors.referrals import referral_list

    if not getattr(viewer, "is_authenticated", False) or obj is None:
        return None
    rows = list(referral_list(viewer=viewer, threat_id=obj.pk)[:20])
    return {"referrals": rows} if rows else None


def register() -> None:
    from socmap.apps.core import services as core
    from socmap.apps.core.measures import Measure, register_measure
    from socmap.apps.core.models import Role
    from socmap.apps.core.navigation import NavItem, register_nav
    from socmap.apps.core.panels import Panel, register_panel
    from socmap.apps.partnership.selectors import board, referrals
    from socmap.apps.partnership.services.agreements import lead_authority

    core.agreement_authority_register(lead_authority)
    register_nav(NavItem("Partnership", "partnership:home", frozenset(), order=60))
    register_nav(
        NavItem("Administration", "partnership:admin_users", frozenset({Role.ADMINISTRATOR}), order=90)
    )
    register_panel(Panel("home", "partnership/_awaiting_panel.html", _awaiting_panel, order=20))
    register_panel(Panel("threat", "partnership/_threat_referrals.html", _threat_referrals, order=50))
    for measure in (
        Measure(
            "partner_attendance",
            "Partner attendance at the SOC partnership board",
            "Attendances by partner agencies at the boards the organisation sits on, last quarter",
            "count",
            board.measure_partner_attendance,
        ),
        Measure(
            "board_actions_completed",
            "Partnership board actions completed",
            "Board actions completed in the last quarter",
            "count",
            board.measure_actions_completed,
        ),
        Measure(
            "referrals_made",
            "Safeguarding referrals made",
            "Referrals made by or to the organisation in the last quarter",
            "count",
            referrals.measure_referrals_made,
        ),
        Measure(
            "referral_outcomes",
            "Safeguarding referral outcomes received",
            "Outcomes recorded in the last quarter",
            "count",
            referrals.measure_outcomes_received,
        ),
        Measure(
            "referral_median_days",
            "Median days to a referral outcome",
            "Median days from referral to outcome, for outcomes in the last quarter",
            "days",
            referrals.measure_median_days,
            higher_is_better=False,
        ),
    ):
        register_measure(measure)
