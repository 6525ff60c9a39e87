"""Counts of records a reader may see, by month, source, owner or the postcode districts they mention."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from typing import Any, NamedTuple

from django.db.models import Count, QuerySet

from socmap.apps.intel.models import Record, RecordEntity
from socmap.apps.intel.reads.rule import STREAM, Reader, _scoped
from socmap.errors import InvalidInput


class RecordCount(NamedTuple):
    """How many records fall in one group: ``group`` holds one value per grouping asked for
    (``("GL51", "2025-03")`` for ``by=("postcode_district", "month")``)."""

    group: tuple[str, ...]
    records: int


#: What records are counted by: the month they were observed, their source, their owner, or the
#: postcode districts of the places they mention (a record mentioning two districts counts in each).
COUNT_GROUPS = {"month": "observed_on", "source": "source__name", "owner": "owner__name"}
DISTRICT = "postcode_district"
SECTOR = "postcode_sector"  # the outward code and the inward code's digit: "GL50 4"
PLACES = (DISTRICT, SECTOR)


def _filtered(
    viewer: Reader,
    by: tuple[str, ...],
    sources: Collection[str] | None,
    source_kinds: Collection[str] | None,
    observed_from: date | None,
    observed_to: date | None,
) -> QuerySet[Record]:
    unknown = [g for g in by if g not in COUNT_GROUPS and g not in PLACES]
    if unknown or not by:
        known = ", ".join([*COUNT_GROUPS, *PLACES])
        raise InvalidInput(
            f"Records are counted by {known}; not {unknown or 'nothing'}", fields={"by": [known]}
        )
    qs = _scoped(Record.objects.filter(erased_at__isnull=True, withdrawn_at__isnull=True), viewer)
    if sources is not None:
        qs = qs.filter(source__name__in=sorted(sources))
    if source_kinds is not None:
        qs = qs.filter(source__kind__in=sorted(source_kinds))
    if observed_from is not None:
        qs = qs.filter(observed_on__gte=observed_from)
    if observed_to is not None:
        qs = qs.filter(observed_on__lte=observed_to)
    if "month" in by:
        qs = qs.exclude(observed_on__isnull=True)
    return qs


def _groups_of(
    viewer: Reader,
    qs: QuerySet[Record],
    by: tuple[str, ...],
    districts: Collection[str] | None,
    sectors: Collection[str] | None,
) -> Iterator[tuple[int, set[tuple[str, ...]]]]:
    """Each record with the groups it falls in: one for plain groupings, one per place otherwise
    (a record counts once in each group, however many of its places are in it)."""
    wanted = {d.strip().upper() for d in districts} if districts is not None else None
    wanted_sectors = {" ".join(s.upper().split()) for s in sectors} if sectors is not None else None
    columns = [COUNT_GROUPS[g] for g in by if g not in PLACES]
    if not set(PLACES) & set(by) and wanted is None and wanted_sectors is None:
        for row in qs.values_list("id", *columns).iterator(chunk_size=STREAM):
            yield row[0], {tuple(_group_value(v) for v in row[1:])}
        return
    # Districts come from the entities a record mentions, so these groups are made here, a stream
    # of (record, postcode) at a time, rather than by the database.
    groups: dict[int, tuple[str, ...]] = {}
    for row in qs.values_list("id", *columns).iterator(chunk_size=STREAM):
        groups[row[0]] = tuple(_group_value(v) for v in row[1:])
    places: dict[int, set[tuple[str, str]]] = {}
    mentioned = _scoped(RecordEntity.objects.exclude(postcode=""), viewer)
    anywhere = wanted is None and wanted_sectors is None
    for record_id, postcode in mentioned.values_list("record_id", "postcode").iterator(chunk_size=STREAM):
        district, sector = _district(postcode), _sector(postcode)
        inside = (
            anywhere
            or (wanted is not None and district in wanted)
            or (wanted_sectors is not None and sector in wanted_sectors)
        )
        if record_id in groups and inside:
            places.setdefault(record_id, set()).add((district, sector))
    for record_id, found in places.items():
        keys = set()
        for district, sector in found:
            rest = iter(groups[record_id])
            place = {DISTRICT: district, SECTOR: sector}
            keys.add(tuple(place[g] if g in place else next(rest) for g in by))
        yield record_id, keys


def record_counts(
    *,
    viewer: Reader,
    by: tuple[str, ...],
    sources: Collection[str] | None = None,
    source_kinds: Collection[str] | None = None,
    districts: Collection[str] | None = None,
    observed_from: date | None = None,
    observed_to: date | None = None,
    sectors: Collection[str] | None = None,
) -> list[RecordCount]:
    """Current records (neither erased nor withdrawn) the reader may see, counted by ``by``: any of
    ``month``, ``source``, ``owner``, ``postcode_district`` and ``postcode_sector``; optionally only of
    some sources, kinds of source (``custody``, ``prison``...), dates observed, or places: postcode
    districts (``GL51``) and sectors (``GL50 4``), a record counting when it mentions any of either.

    For profiles and place-based work: intelligence reports inside an area by month, custody records
    by district. Sorted by group.
    """
    qs = _filtered(viewer, by, sources, source_kinds, observed_from, observed_to)
    if not set(PLACES) & set(by) and districts is None and sectors is None:
        columns = [COUNT_GROUPS[g] for g in by]
        counted = qs.values_list(*columns).annotate(n=Count("id")).order_by(*columns)
        rows = [RecordCount(tuple(_group_value(v) for v in row[:-1]), int(row[-1])) for row in counted]
        return _merged(rows)
    tally: dict[tuple[str, ...], int] = {}
    for _record_id, keys in _groups_of(viewer, qs, by, districts, sectors):
        for key in keys:
            tally[key] = tally.get(key, 0) + 1
    return sorted(RecordCount(k, v) for k, v in tally.items())


def record_ids(
    *,
    viewer: Reader,
    by: tuple[str, ...],
    sources: Collection[str] | None = None,
    source_kinds: Collection[str] | None = None,
    districts: Collection[str] | None = None,
    observed_from: date | None = None,
    observed_to: date | None = None,
    sectors: Collection[str] | None = None,
) -> dict[tuple[str, ...], list[int]]:
    """The records ``record_counts`` counts with the same arguments, by group: the ids themselves,
    sorted, so a figure made from a count can name every record that fed it (a profile's lineage)."""
    qs = _filtered(viewer, by, sources, source_kinds, observed_from, observed_to)
    out: dict[tuple[str, ...], list[int]] = {}
    for record_id, keys in _groups_of(viewer, qs, by, districts, sectors):
        for key in keys:
            out.setdefault(key, []).append(record_id)
    return {k: sorted(v) for k, v in sorted(out.items())}


def _group_value(value: Any) -> str:
    return value.strftime("%Y-%m") if isinstance(value, date) else str(value)


def _merged(rows: list[RecordCount]) -> list[RecordCount]:
    """Rows of equal groups added together (days of one month arrive as rows of their own)."""
    tally: dict[tuple[str, ...], int] = {}
    for row in rows:
        tally[row.group] = tally.get(row.group, 0) + row.records
    return sorted(RecordCount(k, v) for k, v in tally.items())


def _sector(postcode: str) -> str:
    """The sector of a postcode: 'GL50 4AB' -> 'GL50 4' (also 'GL504AB' and 'gl50 4')."""
    text = "".join(postcode.split()).upper()
    return f"{text[:-3]} {text[-3]}" if len(text) > 4 else text


def _district(postcode: str) -> str:
    """The outward code of a postcode: 'GL51 9AB' -> 'GL51'."""
    text = postcode.strip().upper()
    return text.split()[0] if " " in text else text[:-3] if len(text) > 4 else text
