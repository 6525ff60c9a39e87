"""Which of a run's scored pairs the model merges, and which of them are stored at all.

A large region scores millions of pairs above the merge threshold (about 6 million at a million
source rows), most of them implied by others: a person on 40 records has 780 pairs, of which 39
join them. And over a million pairs in the review band lie between records the merges join
anyway, so they ask nothing of a reviewer. Storing, judging and re-reading all of them took most
of a run and did not fit in memory; so a run stores

- of the merges, a maximum spanning forest of each person (``resolve.merge_forest``): clustering
  them joins exactly what all of them join;
- in a *guarded* component, where clustering is order-sensitive (one that holds two records a
  decision keeps apart, or two dates of birth no keying slip explains: ADR 20), the engine's
  clustering (``cluster_build``, with the dates) decides, link by link, which people it makes; of
  the links it accepts, again a forest of each person (ADR 37). Storing every one of them made
  6.9 million merges at five million source rows where a forest of each person is 1.7 million;
- every pair already stored or judged, and of the review-band pairs between records the merges do
  not join, the strongest between each two people (``strongest_between``).
"""

from __future__ import annotations

import itertools
from typing import cast

import numpy as np
import pandas as pd

from socmap.apps.resolution.models import Pair, PairState
from socmap.apps.resolution.selectors.caches import cluster_build
from socmap.apps.resolution.services.common import BATCH, among
from socmap.engines import resolve
from socmap.engines.resolve.clusters import births_conflict, component_labels

Key = tuple[str, str]


def name_only(pairs: pd.DataFrame) -> pd.Series:
    """A pair resting on the name alone never joins two people, however high it scores: it only
    attaches a lone record (``_attach_by_name``), as the engine's own clustering does. At a
    calibrated threshold below 0.99 merging them cost 0.07 of precision on the medium demo."""
    if "name_only" not in pairs.columns:
        return pd.Series(False, index=pairs.index)
    return pairs["name_only"].astype(bool)


def _keys(pairs: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([pairs["record_id_l"].astype(str), pairs["record_id_r"].astype(str)])


class _Codes:
    """Every record id of the scored pairs and the standing decisions as a number, so that a run's
    millions of pairs are handled as integer arrays rather than Python strings."""

    def __init__(self, kept: pd.DataFrame, standing: list[Key], apart: list[Key]) -> None:
        extra = [x for pair in standing + apart for x in pair]
        ids = pd.concat(
            [
                kept["record_id_l"].reset_index(drop=True),
                kept["record_id_r"].reset_index(drop=True),
                pd.Series(extra, dtype=kept["record_id_l"].dtype),
            ],
            ignore_index=True,
        )
        codes, self.names = pd.factorize(ids)  # Arrow strings factorise without Python objects
        n, s = len(kept), 2 * len(standing)
        self.left, self.right = codes[:n], codes[n : 2 * n]
        self.standing = codes[2 * n : 2 * n + s].reshape(-1, 2)
        self.apart = codes[2 * n + s :].reshape(-1, 2)

    def components(self, rows: np.ndarray) -> np.ndarray:
        """Component of every id, joined by the pairs ``rows`` selects and the standing merges."""
        edges = np.concatenate([np.column_stack([self.left[rows], self.right[rows]]), self.standing])
        return component_labels(len(self.names), edges[:, 0], edges[:, 1])

    def guarded(self, component: np.ndarray, births: dict[str, str]) -> np.ndarray:
        """Components holding two records kept apart, or two dates of birth that conflict."""
        out = {int(component[a]) for a, b in self.apart if component[a] == component[b]}
        dated = pd.DataFrame({"component": component, "birth": pd.Index(self.names).map(births)})
        dated = dated[dated["birth"].str.len() == 10].drop_duplicates()
        several = dated[dated.duplicated("component", keep=False)]
        for comp, dates in several.groupby("component")["birth"]:
            if any(births_conflict(x, y) for x, y in itertools.combinations(sorted(set(dates)), 2)):
                out.add(int(cast(int, comp)))
        return np.asarray(sorted(out), dtype=np.int64)


def _pairs_as_keys(pairs: pd.DataFrame) -> list[Key]:
    return list(zip(pairs["record_id_l"].astype(str), pairs["record_id_r"].astype(str), strict=True))


def merges_needed(
    kept: pd.DataFrame,
    cfg: resolve.ResolveConfig,
    existing: dict[Key, int],
    judged: set[Key],
    births: dict[str, str],
    live: set[str],
) -> tuple[pd.DataFrame, np.ndarray]:
    """The pairs to store (see the module's words) and which of them the model merges (a mask)."""
    standing: list[Key] = []
    apart: list[Key] = []
    states = Pair.objects.filter(state__in=[PairState.MATCH, PairState.NO_MATCH]).values_list(
        "left_id", "right_id", "state"
    )
    for a, b, state in states.iterator(chunk_size=BATCH):
        (standing if state == PairState.MATCH else apart).append((a, b))
    codes = _Codes(kept, standing, apart)
    alive = among(pd.Index(codes.names), live)
    merge = (kept["match_probability"] >= cfg.upper_threshold).to_numpy() & ~name_only(kept).to_numpy()
    merge &= alive[codes.left] & alive[codes.right]
    # Keys as strings only where something is stored already (a later run): a first run has none.
    seen = _keys(kept).isin(list(set(existing) | judged)) if existing or judged else np.zeros(len(kept), bool)
    if judged:
        merge &= ~_keys(kept).isin(list(judged))
    component = codes.components(merge)
    guarded = codes.guarded(component, births)
    hard = merge & np.isin(component[codes.left], guarded)
    easy = merge & ~hard
    # The links that join people: every merge of an easy component, and of a guarded one those
    # the engine's clustering accepts.
    joins = easy.copy()
    if hard.any():
        links = kept[hard]
        triples = [
            (a, b, float(p))
            for (a, b), p in zip(_pairs_as_keys(links), links["match_probability"], strict=True)
        ]
        ids = sorted(
            {x for a, b, _ in triples for x in (a, b)}
            | {str(x) for x in codes.names[np.isin(component, guarded)]}
        )
        stored = Pair.objects.all() if existing else Pair.objects.none()
        clusters = cluster_build(ids=ids, pairs=stored, links=triples, births=births).cluster_of
        joins[np.flatnonzero(hard)] = [clusters[a] == clusters[b] for a, b, _ in triples]
    # Of them a forest of each person: each accepted link lies inside one of the engine's people,
    # so its forest joins exactly those people, and clustering the stored pairs again (without the
    # dates, ``people_rebuild``) makes them. A stored pair nobody decided that now scores above the
    # threshold is merged, as a new one the forest needs is: its records are one person either
    # way, and its history says why.
    merged = np.zeros(len(kept), dtype=bool)
    rows = np.flatnonzero(joins)
    # The three columns the forest reads, not every level and weight of 35 million pairs (at five
    # million source rows) copied with them.
    forest = resolve.merge_forest(
        kept["record_id_l"].iloc[rows], kept["record_id_r"].iloc[rows],
        kept["match_probability"].to_numpy(dtype=float)[rows], keep=seen[rows], standing=standing,
    )  # fmt: skip
    merged[rows[forest]] = True
    # The people the merges make: a band pair inside one of them asks nothing of a reviewer, and
    # a merge the guard refused is a pair between two of them, which waits for review.
    people = codes.components(joins)
    inside = people[codes.left] == people[codes.right]
    between = ~merged & ~inside
    weak = name_only(kept).to_numpy()
    first = strongest_between(people[codes.left], people[codes.right], between, kept, seen, kinds=weak)
    store = seen | merged | (between & first)
    return kept[store], merged[store]


def strongest_between(
    left: np.ndarray,
    right: np.ndarray,
    rows: np.ndarray,
    kept: pd.DataFrame,
    stored: np.ndarray,
    *,
    kinds: np.ndarray | None = None,
) -> np.ndarray:
    """Of the pairs ``rows`` selects, one between each two people (``left`` and ``right`` are each
    pair's people) and of each kind (``kinds``: the run keeps a name-only pair apart from the
    others, as only it may attach a lone record): one stored already where there is one (so that
    a run again, or a run taking over from a stopped one, adds none), else the strongest, the
    first in order where two are as strong.

    A review decision is about two people, and a decision on one of their pairs stands for all of
    them (a no-match on one keeps the people apart; a match joins them). A lone record that holds a
    name only scores the same with each of the forty records of the person of that name: at a
    million source rows the 1.19 million pairs waiting for review lay between about 72,000 pairs
    of people (counted after the run). The strongest is the one the name attachment would judge of
    them, and the one a reviewer learns most from."""
    out = np.zeros(len(rows), dtype=bool)
    index = np.flatnonzero(rows)
    if not len(index):
        return out
    low = np.minimum(left[index], right[index])
    high = np.maximum(left[index], right[index])
    kind = np.zeros(len(index), dtype=bool) if kinds is None else kinds[index].astype(bool)
    probability = kept["match_probability"].to_numpy(dtype=float)[index]
    # The last key sorts first: by people and kind, then stored before new, strongest, first.
    order = np.lexsort((index, -probability, ~stored[index], kind, high, low))
    low, high, kind = low[order], high[order], kind[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (low[1:] != low[:-1]) | (high[1:] != high[:-1]) | (kind[1:] != kind[:-1])
    out[index[order[first]]] = True
    return out
