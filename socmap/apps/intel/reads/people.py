"""People by search keys, for the people search of resolution: the records whose sound codes,
date of birth or postcode a search names, as the reader may see them.

The sound codes (``surname_code``, ``forename_code``: metaphone, stored at ingest) are the blocking
keys; the caller asks for (forename, surname) pairs of codes, so two names must both agree and a
common surname alone does not bring in every record of it. Ranking is the caller's.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import NamedTuple

from django.db.models import Q

from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.intel.models import Record, RecordEntity
from socmap.apps.intel.reads.rule import Reader, _rule


class PersonCandidate(NamedTuple):
    id: str
    record_id: int
    caption: str
    name_norm: str
    birth_date: str
    postcode: str


def person_candidates(
    *,
    viewer: Reader,
    code_pairs: Collection[tuple[Collection[str], Collection[str]]] = (),
    codes: Collection[str] = (),
    birth_prefixes: Collection[str] = (),
    postcode: str = "",
    entity_ids: Collection[str] | None = None,
    limit: int = 3000,
) -> list[PersonCandidate]:
    """Person entities the reader may see that meet every criterion given: a (forename codes,
    surname codes) pair of ``code_pairs`` or any of ``codes`` on either name, a date of birth
    starting with one of ``birth_prefixes`` (1957, 1957-09, 1957-09-15), the postcode, one of
    ``entity_ids``. At most ``limit``, in the order the database finds them (about the order they
    were stored): ordering by id to keep the oldest read every record a common surname matches
    before cutting (14,000 for "smith" at a million rows, twice the query's time), for a cut the
    caller's ranking makes anyway."""
    qs = RecordEntity.objects.filter(_rule(viewer), schema="Person")
    names = Q()
    for fore, sur in code_pairs:
        names |= Q(forename_code__in=sorted(fore), surname_code__in=sorted(sur))
    if codes:
        names |= Q(forename_code__in=sorted(codes)) | Q(surname_code__in=sorted(codes))
    if names:
        qs = qs.filter(names)
    if birth_prefixes:
        dates = Q()
        for prefix in sorted(birth_prefixes):
            dates |= Q(birth_date__startswith=prefix)
        qs = qs.filter(dates)
    if postcode:
        qs = qs.filter(postcode=postcode)
    if entity_ids is not None:
        qs = qs.filter(id__in=sorted(entity_ids))
    fields = ("id", "record_id", "caption", "name_norm", "birth_date", "postcode")
    return [PersonCandidate._make(row) for row in qs.order_by().values_list(*fields)[:limit]]


def person_labels(*, viewer: Reader, ids: Collection[str]) -> dict[str, tuple[int, str]]:
    """Entity id -> (its record, its caption), for the ids the reader may see: what ranks the people
    of a search (how many records, which name) before the few shown are read whole."""
    rule = _rule(viewer)
    out: dict[str, tuple[int, str]] = {}
    for part in chunks(sorted(ids), IN_LIST):
        rows = RecordEntity.objects.filter(rule, id__among=part).values_list("id", "record_id", "caption")
        out.update((pk, (record, caption)) for pk, record, caption in rows)
    return out


def record_reported(*, viewer: Reader, ids: Collection[int]) -> dict[int, date]:
    """Record id -> the day its source says it was reported (observed), where it says so: the date
    a value was last *reported*, which the day it was loaded is not."""
    out: dict[int, date] = {}
    for part in chunks(sorted(ids), IN_LIST):
        rows = Record.objects.filter(_rule(viewer), id__among=part).exclude(observed_on=None)
        out.update((pk, day) for pk, day in rows.values_list("id", "observed_on") if day is not None)
    return out
