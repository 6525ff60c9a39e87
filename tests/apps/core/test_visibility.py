"""The one visibility rule, table-driven: every organisation kind against every kind of agreement.

Each case is checked through both faces of the rule (``decide`` for one object and ``visible_filter``
for lists), which must always agree.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from socmap.apps.core.models import Document
from socmap.apps.core.visibility import can_see, decide, visible_filter
from tests import factories

VIEWER_KINDS = [
    ("force", ""),
    ("rocu", ""),
    ("national", ""),
    ("partner", "council"),
    ("partner", "nhs"),
    ("partner", "education"),
    ("partner", "housing"),
    ("partner", "fire"),
    ("partner", "hmrc"),
    ("partner", "dwp"),
    ("partner", "immigration"),
    ("partner", "other"),
]

TODAY = timezone.localdate()

# name, agreement kwargs (None: no agreement), expected for (general P item, compartment item, general C item)
AGREEMENTS = [
    ("no agreement", None, (False, False, False)),
    ("general in force", {"includes_general": True}, (True, False, True)),
    ("compartment in force", {"includes_general": False, "compartments": "ours"}, (False, True, False)),
    ("other compartment only", {"includes_general": False, "compartments": "other"}, (False, False, False)),
    ("general and compartment", {"includes_general": True, "compartments": "ours"}, (True, True, True)),
    ("P only", {"includes_general": True, "handling_codes": ("P",)}, (True, False, False)),
    (
        "expired",
        {
            "includes_general": True,
            "compartments": "ours",
            "valid_from": TODAY - timedelta(days=400),
            "valid_to": TODAY - timedelta(days=1),
        },
        (False, False, False),
    ),
    (
        "ends today",
        {"includes_general": True, "valid_from": TODAY - timedelta(days=10), "valid_to": TODAY},
        (True, False, True),
    ),
    ("future", {"includes_general": True, "valid_from": TODAY + timedelta(days=1)}, (False, False, False)),
    ("starts today", {"includes_general": True, "valid_from": TODAY}, (True, False, True)),
    (
        "unapproved",
        {"includes_general": True, "compartments": "ours", "approved": False},
        (False, False, False),
    ),
    ("revoked", {"includes_general": True, "compartments": "ours", "revoked": True}, (False, False, False)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "viewer_kind,partner_type", VIEWER_KINDS, ids=[f"{k}-{p}" if p else k for k, p in VIEWER_KINDS]
)
@pytest.mark.parametrize("name,spec,expected", AGREEMENTS, ids=[a[0] for a in AGREEMENTS])
def test_visibility_rule_table(
    viewer_kind: str, partner_type: str, name: str, spec: dict | None, expected: tuple[bool, bool, bool]
) -> None:
    owner_org = factories.organisation("force")
    owner = factories.user(owner_org)
    viewer_org = factories.organisation(viewer_kind, partner_type)
    viewer = factories.user(viewer_org)
    ours = factories.compartment("CSE safeguarding")
    other = factories.compartment("Operation Endeavour")
    general_p = factories.document(owner, title="general P")
    in_compartment = factories.document(owner, title="compartment P", compartment=ours)
    general_c = factories.document(owner, title="general C", handling="C", conditions="Police only")
    if spec is not None:
        kwargs = dict(spec)
        comp = kwargs.pop("compartments", None)
        kwargs["compartments"] = {"ours": (ours,), "other": (other,), None: ()}[comp]
        factories.agreement(owner_org, viewer_org, **kwargs)

    listed = set(Document.objects.filter(visible_filter(viewer)).values_list("pk", flat=True))
    for doc, want in zip((general_p, in_compartment, general_c), expected, strict=True):
        assert can_see(viewer, doc) is want, f"decide: {name} / {doc.title}"
        assert (doc.pk in listed) is want, f"visible_filter: {name} / {doc.title}"
    # The owner always sees its own, whatever the agreements.
    assert all(can_see(owner, d) for d in (general_p, in_compartment, general_c))


@pytest.mark.django_db
def test_agreement_in_one_direction_does_not_share_the_other_way(
    analyst: object, partner_user: object
) -> None:
    factories.agreement(analyst.organisation, partner_user.organisation)  # type: ignore[attr-defined]
    theirs = factories.document(partner_user, title="council note")  # type: ignore[arg-type]
    assert can_see(analyst, theirs) is False


@pytest.mark.django_db
def test_conditions_travel_with_a_shared_item(analyst: object, partner_user: object) -> None:
    factories.agreement(analyst.organisation, partner_user.organisation)  # type: ignore[attr-defined]
    doc = factories.document(analyst, handling="C", conditions="Not for onward disclosure")  # type: ignore[arg-type]
    decision = decide(partner_user, doc)
    assert decision.visible
    assert decision.conditions == ("Test conditions",)


@pytest.mark.django_db
def test_inactive_or_orgless_users_see_nothing(analyst: object, force: object) -> None:
    doc = factories.document(analyst)  # type: ignore[arg-type]
    analyst.is_active = False  # type: ignore[attr-defined]
    assert can_see(analyst, doc) is False
    assert not Document.objects.filter(visible_filter(analyst)).exists()


@pytest.mark.django_db
def test_visibility_on_a_past_date_uses_agreements_in_force_then(
    analyst: object, partner_user: object
) -> None:
    factories.agreement(
        analyst.organisation,  # type: ignore[attr-defined]
        partner_user.organisation,  # type: ignore[attr-defined]
        valid_from=TODAY - timedelta(days=100),
        valid_to=TODAY - timedelta(days=50),
    )
    doc = factories.document(analyst)  # type: ignore[arg-type]
    assert can_see(partner_user, doc, on=TODAY - timedelta(days=60)) is True
    assert can_see(partner_user, doc) is False
