"""An officer's workload: groups and individuals held, open plan actions and overdue reviews, each
also weighted by the threat band of its subject (a high-threat group weighs more than a low one).

Pure: the subjects with their outstanding work in, one row per officer out. The weights come from
the catalogue (``workload.weights_by_band``); the figures are counts of the rows given, nothing else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from socmap.engines.lifetime.types import Catalogue, HeldSubject, WorkloadRow


def workload(
    catalogue: Catalogue, subjects: Iterable[HeldSubject], officers: Iterable[int] = ()
) -> list[WorkloadRow]:
    """One row per officer (every one of ``officers``, and every LRO or deputy of a subject)."""
    rows: dict[int, dict[str, int]] = {o: Counter() for o in officers}
    bands: dict[int, Counter[str]] = {o: Counter() for o in officers}
    for s in subjects:
        weight = catalogue.weight_for(s.band)
        if s.lro_id is not None:
            row = rows.setdefault(s.lro_id, Counter())
            bands.setdefault(s.lro_id, Counter())[s.band or "unscored"] += 1
            row["groups" if s.kind == "group" else "individuals"] += 1
            row["open_actions"] += s.open_actions
            row["overdue_actions"] += s.overdue_actions
            row["overdue_reviews"] += int(s.review_overdue)
            row["weighted_subjects"] += weight
            row["weighted_actions"] += weight * s.open_actions
            row["weighted_overdue_reviews"] += weight * int(s.review_overdue)
        if s.deputy_id is not None and s.deputy_id != s.lro_id:
            rows.setdefault(s.deputy_id, Counter())["deputy_for"] += 1
            bands.setdefault(s.deputy_id, Counter())
    return [
        WorkloadRow(officer_id=officer, by_band=dict(bands.get(officer, {})), **dict(counts))
        for officer, counts in rows.items()
    ]
