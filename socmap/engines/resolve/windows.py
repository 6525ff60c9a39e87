"""Sorted windows over large blocks (engine 1.9): each record compared with its neighbours only.

A blocking rule compares every pair within a block, so its pairs grow with the square of its
largest blocks. A region's blocks of common names and of one date of birth grow with its people,
and a prolific offender's records with the years of reports about them: at five million source
rows the rules compared 11.5 times the candidate pairs of a million rows for 5 times the records.

Within a block larger than ``WINDOW`` records, the records are sorted by what tells one person
from another (date of birth, names, postcode: a person's records sit together) and cut into
windows of ``WINDOW`` consecutive records, twice: once from the block's first record and once
half a window on. A rule then compares a pair only where both keys of one cut agree, so each
record meets the ``WINDOW`` to ``1.5 × WINDOW`` records around it (the sorted neighbourhood
method), and the pairs of a large block grow with its records, not their square. The two keys
keep every rule an equi-join. A block of at most ``WINDOW`` records is compared whole, as
before: its first key is empty on every record and its second key is missing, so the rule of
the second cut compares nothing there.

Pairs a window leaves out are mostly pairs of one person's many records, which the clusters
still join through the records between them (``blocking_reach`` counts that). Blocks are counted
and sorted over every frame given, so a batch scored against existing records is cut as the
whole population would be.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Records in a window; a block of at most this many records is compared whole.
WINDOW = 100


def _codes(values: pd.Series) -> np.ndarray:
    """Sortable integer codes of ``values`` (missing last)."""
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    return np.where(codes < 0, len(uniques), codes)


def block_windows(
    prepared: pd.DataFrame,
    keys: tuple[str, ...],
    order: tuple[str, ...],
    *others: pd.DataFrame,
    where: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series]:
    """The two window keys of each record of ``prepared`` within its block of ``keys``.

    ``order``: the columns records are sorted by within a block (the record id breaks ties).
    ``where``: a mask of the records of ``prepared`` and ``others`` (concatenated in that order)
    that the rule compares at all; the others are in no block. A record with a key missing is
    in no block either. Within a small block (or none) the first key is "" and the second None.
    """
    frames = [prepared, *others]
    columns = [*keys, *order, "record_id"]
    every = pd.concat([f[columns] for f in frames], ignore_index=True)
    inside = every[list(keys)].notna().all(axis=1).to_numpy()
    if where is not None:
        inside &= where.to_numpy(dtype=bool)
    block = np.full(len(every), -1, dtype=np.int64)
    if inside.any():
        block[inside] = every.loc[inside, list(keys)].groupby(list(keys), sort=False).ngroup().to_numpy()
    sizes = np.bincount(block[inside]) if inside.any() else np.zeros(0, dtype=np.int64)
    big = inside.copy()
    big[inside] = sizes[block[inside]] > WINDOW
    first = np.full(len(every), "", dtype=object)
    second = np.full(len(every), None, dtype=object)
    if big.any():
        rows = np.flatnonzero(big)
        part = every.iloc[rows]
        # np.lexsort sorts by its last key first: the block, then the order, then the record id.
        sort_keys = [_codes(part[c]) for c in ["record_id", *reversed(order)]]
        ranked = rows[np.lexsort([*sort_keys, block[rows]])]
        blocks = block[ranked]
        starts = np.r_[0, np.flatnonzero(blocks[1:] != blocks[:-1]) + 1]
        rank = np.arange(len(ranked)) - np.repeat(starts, np.diff(np.r_[starts, len(ranked)]))
        first[ranked] = (rank // WINDOW).astype(str)
        second[ranked] = ((rank + WINDOW // 2) // WINDOW).astype(str)
    own = len(prepared)
    return (
        pd.Series(first[:own], index=prepared.index, dtype="object"),
        pd.Series(second[:own], index=prepared.index, dtype="object"),
    )


#: The windowed blocks: a name for the pair of key columns, the block's columns, and the order of
#: its records. The ``name_year`` and ``key_year`` blocks sort by date of birth first (a block of
#: one name and year holds one person's records and their namesakes'); the whole block of a name,
#: for its records without a year, and a block of one date of birth and initial sort by name
#: first. A profile's records need no window: its twins meet its lead alone (``twin_of``).
WINDOWED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "name": (("first_sx", "last_sx", "name_year"), ("birth_date", "last_name", "first_name", "postcode")),
    "noyear": (("first_sx", "last_sx"), ("last_name", "first_name", "postcode", "birth_date")),
    "date": (("birth_date", "date_first"), ("last_name", "first_name", "postcode")),
    "key": (("first_key", "last_name", "key_year"), ("birth_date", "first_name", "postcode")),
}
WINDOW_COLUMNS: tuple[str, ...] = (
    "profile",
    "lead",
    "twin_of",
    *(f"{name}_win{cut}" for name in WINDOWED for cut in ("", "2")),
)
#: The compared columns besides the names. A record with none of them is never a profile's twin:
#: its pairs all rest on the name alone, and such a record joins a person by its own weak links
#: (``clusters._attach``), which a twin left to meet its profile only would not have.
BESIDE_NAMES = (
    "birth_date",
    "approx_year",
    "postcode",
    "street",
    "house_number",
    "locality",
    "phone",
    "pnc_id",
    "custody_number",
    "ni_number",
)
#: Columns that are no part of a record's profile: its id, its source and the keys of blocks
#: (which follow from the rest). Two records alike in every other prepared column score alike
#: against any third.
NOT_PROFILED = (
    "record_id",
    "source",
    "name_year",
    "key_year",
    "date_first",
    "date_last",
    # Follows from the address.
    "house_numbers",
    *WINDOW_COLUMNS,
)

#: Compared columns that hold lists.
LISTED = ("first_keys", "last_keys")


def _joined(values: list[str]) -> str:
    return "\x1f".join(values)


def profiles(frames: list[pd.DataFrame], compared: Sequence[str]) -> list[tuple[pd.Series, pd.Series]]:
    """For each frame, ``profile``: a key shared by records alike in every ``compared`` column
    (None for a record with no twin), and ``lead``: "1" on the first record of each profile (by
    record id) and on a record with no twin, None on the others. Counted over all the frames.

    A prolific offender's records repeat: at a million source rows 417,776 person records hold
    283,341 profiles, and the largest person's 257 records 50. Only a profile's lead is compared
    with other profiles (every rule joins on ``lead``); the rest, its twins, meet the lead alone
    (``twin_of``), with which they score alike. The clusters are the same, for a fraction of the
    pairs: 5.7 million true pairs at a million rows, 0.8 million between profiles."""
    every = pd.concat([f[list(compared)] for f in frames], ignore_index=True)
    # The names' keys are lists (nicknames, aliases, middle names): hashed as one text each.
    for column in LISTED:
        if column in every.columns:
            every[column] = every[column].map(_joined, na_action="ignore")
    thin = every[list(BESIDE_NAMES)].isna().all(axis=1).to_numpy()
    hashes = pd.util.hash_pandas_object(every, index=False).to_numpy()
    ids = pd.concat([f["record_id"] for f in frames], ignore_index=True).astype(str).to_numpy()
    order = np.lexsort([ids, hashes])
    same = hashes[order][1:] == hashes[order][:-1]
    first = np.ones(len(every), dtype=bool)
    first[order[1:]] = ~same
    shared = np.zeros(len(every), dtype=bool)
    shared[order[1:]] = same
    shared[order[:-1]] |= same
    first |= thin
    shared &= ~thin
    profile = np.where(shared, pd.Series(hashes).map("{:016x}".format).to_numpy(), None)
    lead = np.full(len(every), None, dtype=object)
    lead[first] = "1"
    out, start = [], 0
    for f in frames:
        end = start + len(f)
        out.append(
            (
                pd.Series(profile[start:end], index=f.index, dtype="object"),
                pd.Series(lead[start:end], index=f.index, dtype="object"),
            )
        )
        start = end
    return out


def with_profiles(frames: list[pd.DataFrame], compared: Sequence[str]) -> list[pd.DataFrame]:
    """``frames`` with their ``profile`` and ``lead`` (``profiles``), counted over all of them, and
    ``twin_of``: the profile of a record that is not its lead (None on every lead).

    A twin is compared with its profile's lead only, a star rather than every pair of the profile:
    the star joins the same records, and its pairs grow with the twins, where the profile's pairs
    grew with the square of its records until the window (1.15 million of 5.9 million candidates
    at a million source rows, where the largest profiles are smaller than at five million)."""
    return [
        f.assign(profile=p, lead=lead, twin_of=p.where(lead.isna()))
        for f, (p, lead) in zip(frames, profiles(frames, compared), strict=True)
    ]


def window_cuts(marked: pd.DataFrame, *others: pd.DataFrame) -> dict[str, pd.Series]:
    """The window keys of ``marked`` (frames with their profiles), counted over it and
    ``others``. The windows of the rules' blocks hold the profiles' leads only."""
    leads = pd.concat([marked["lead"], *(f["lead"] for f in others)], ignore_index=True).notna()
    out: dict[str, pd.Series] = {}
    for name, (keys, order) in WINDOWED.items():
        out[f"{name}_win"], out[f"{name}_win2"] = block_windows(marked, keys, order, *others, where=leads)
    return out


def window_keys(
    prepared: pd.DataFrame, *others: pd.DataFrame, compared: Sequence[str]
) -> dict[str, pd.Series]:
    """Every window key column of ``prepared`` (``WINDOW_COLUMNS``), counted over it and
    ``others``."""
    marked = with_profiles([prepared, *others], compared)
    own = {column: marked[0][column] for column in ("profile", "lead", "twin_of")}
    return {**own, **window_cuts(*marked)}


def windowed(rule: str, name: str) -> tuple[str, str]:
    """``rule`` as its two rules, one per cut of the windows of block ``name``."""
    return (
        f"{rule} AND l.{name}_win = r.{name}_win",
        f"{rule} AND l.{name}_win2 = r.{name}_win2",
    )


def of_leads(rule: str) -> str:
    """``rule`` between the leads of profiles only."""
    return f"{rule} AND l.lead = r.lead"


#: Each twin with its profile's lead, whichever side of the pair the lead is on: equi-joins of a
#: profile's key with a filter on one side.
TWIN_RULES: tuple[str, str] = (
    "l.profile = r.twin_of AND l.lead IS NOT NULL",
    "l.twin_of = r.profile AND r.lead IS NOT NULL",
)
