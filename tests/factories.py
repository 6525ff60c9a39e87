"""Small factories for tests: real rows in the real database, built through the services."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from socmap.apps.core import clock, services
from socmap.apps.core.models import Compartment, Document, Organisation, SharingAgreement, User

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def organisation(kind: str = "force", partner_type: str = "", name: str = "") -> Organisation:
    n = next(_seq)
    if kind == "partner" and not partner_type:
        partner_type = "council"
    return services.organisation_create(
        actor=None, name=name or f"Org {kind} {n}", kind=kind, partner_type=partner_type, code=f"O{n}"
    )


def user(org: Organisation | None = None, *roles: str, username: str = "") -> User:
    org = org or organisation()
    if not roles:
        roles = ("partner",) if org.is_partner else ("analyst",)
    return services.user_create(
        actor=None,
        username=username or f"user{next(_seq)}",
        password=PASSWORD,
        organisation=org,
        roles=roles,
        check_password=False,
    )


def compartment(name: str = "") -> Compartment:
    return services.compartment_create(actor=None, name=name or f"Compartment {next(_seq)}")


def agreement(
    provider: Organisation,
    recipient: Organisation,
    *,
    compartments: tuple[Compartment, ...] = (),
    includes_general: bool = True,
    handling_codes: tuple[str, ...] = ("P", "C"),
    valid_from: date | None = None,
    valid_to: date | None = None,
    approved: bool = True,
    revoked: bool = False,
) -> SharingAgreement:
    today = clock.today()
    a = services.agreement_create(
        actor=None,
        provider=provider,
        recipient=recipient,
        title="Test agreement",
        valid_from=valid_from or today - timedelta(days=30),
        valid_to=valid_to,
        compartments=compartments,
        includes_general=includes_general,
        handling_codes=handling_codes,
        conditions="Test conditions" if "C" in handling_codes else "",
        approved_by=user(provider, "administrator") if approved else None,
    )
    if revoked:
        a.revoked_at = timezone.now() - timedelta(days=1)
        a.save(update_fields=["revoked_at"])
    return a


def document(owner_user: User, **kwargs: Any) -> Document:
    params: dict[str, Any] = {
        "title": "Briefing",
        "filename": "briefing.txt",
        "handling": "P",
        "conditions": "",
        "compartment": None,
    }
    params.update(kwargs)
    return services.document_upload(actor=owner_user, handle=io.BytesIO(b"synthetic content\n"), **params)


def ocg(
    owner: Organisation,
    *,
    name: str = "",
    theme: str = "county_lines",
    themes: dict[str, int] | None = None,
    compartment: Compartment | None = None,
    handling: str = "P",
) -> Any:
    """A proposed organised crime group as an analysis run leaves it (no members: tests add their own)."""
    from socmap.apps.network.models import OCG

    return OCG.objects.create(
        owner=owner,
        handling=handling,
        conditions="Police use only" if handling == "C" else "",
        compartment=compartment,
        name=name or f"Group {next(_seq)}",
        theme=theme,
        themes=themes if themes is not None else {theme: 3},
        explanation="Proposed because its members are linked by co-arrests and shared phones.",
    )
