"""What an agreement lets its recipient see, counted by kind of item, through the visibility rule's
own grant (``Grant.as_q``): the count is exactly what the rule shows, never a second rule.

Counts, never contents: a lead sees how many items of each kind an agreement shares, not the items.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from socmap.apps.core.models import Governed, SharingAgreement
from socmap.apps.core.visibility import Grant


def governed_models() -> list[Any]:
    """Every table the visibility rule guards, in every installed app."""
    return sorted(
        (m for m in apps.get_models() if issubclass(m, Governed) and not m._meta.abstract),
        key=lambda m: str(m._meta.verbose_name_plural),
    )


def handling_codes_used(organisation_id: int) -> set[str]:
    """The handling codes the organisation marks its items with."""
    from socmap.apps.core.models import Handling

    used: set[str] = set()
    for code in Handling.values:
        for model in governed_models():
            if model._base_manager.filter(owner_id=organisation_id, handling=code).exists():
                used.add(code)
                break
    return used


def grant_of(agreement: SharingAgreement) -> Grant:
    return Grant(
        agreement_id=agreement.pk,
        provider_id=agreement.provider_id,
        includes_general=agreement.includes_general,
        compartment_ids=frozenset(c.pk for c in agreement.compartments.all()),
        handling_codes=frozenset(agreement.handling_codes or ()),
        conditions=agreement.conditions,
    )


def shared_counts(agreement: SharingAgreement) -> list[tuple[str, int]]:
    """(kind of item, how many) the agreement covers today, kinds with none left out."""
    grant = grant_of(agreement)
    out: list[tuple[str, int]] = []
    for model in governed_models():
        n = model._base_manager.filter(grant.as_q()).count()
        if n:
            out.append((str(model._meta.verbose_name_plural).capitalize(), n))
    return out
