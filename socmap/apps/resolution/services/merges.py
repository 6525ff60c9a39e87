"""Which of a run's scored pairs the model merges, and which of them are stored at all.

A large region scores millions of pairs above the merge threshold (about 6 million at a million
source rows), most of them implied by others: a person on 40 records has 780 pairs, of which 39
join them. And over a million pairs in the review band lie between records the merges join
anyway, so they ask nothing of a reviewer. Storing, judging and re-reading all of them took most
of a run and did not fit in memory; so a run stores

- of the merges, a maximum spanning forest of each person (``resolve.merge_forest``): clustering
  them joins exactly what all of them join;
- every merge of a *guarded* component, where clustering is order-sensitive: one that holds two
  records a decision keeps apart, or two dates of birth no keying slip explains (ADR 20). There
  the engine's clustering (``cluster_build``, with the dates) decides, link by link, as before;
- every pair already stored or judged, and every review-band pair between records the merges do
  not join.
"""

from __future__ import annotations

import itertools
from typing import cast

import numpy as np
import pandas as pd

from socmap.apps.resolution.models import Pair, PairState
from socmap.apps.resolution.selectors.caches import cluster_build
from socmap.apps.resolution.services.common import BATCH
from socmap.engines import resolve
from socmap.engines.resolve.clusters import births_conflict

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


def _components(links: pd.DataFrame, standing: list[Key]) -> pd.Series:
    """Record id -> component of the links and standing merges."""
    import igraph as ig

    ids = pd.concat(
        [
            links["record_id_l"].astype(str),
            links["record_id_r"].astype(str),
            pd.Series([a for a, _ in standing] + [b for _, b in standing], dtype=object),
        ],
        ignore_index=True,
    )
    codes, names = pd.factorize(ids)
    n, s = len(links), len(standing)
    edges = np.column_stack(
        [
            np.concatenate([codes[:n], codes[2 * n : 2 * n + s]]),
            np.concatenate([codes[n : 2 * n], codes[2 * n + s :]]),
        ]
    )
    membership = ig.Graph(n=len(names), edges=edges.tolist()).connected_components().membership
    return pd.Series(membership, index=pd.Index(names, dtype=object))


def _guarded_components(component: pd.Series, apart: list[Key], births: dict[str, str]) -> set[int]:
    """Components holding two records kept apart, or two dates of birth that conflict."""
    out = {
        int(component[a]) for a, b in apart if a in component.index and b in component.index
        if component[a] == component[b]
    }  # fmt: skip
    dated = pd.DataFrame({"component": component})
    dated["birth"] = dated.index.map(births)
    dated = dated[dated["birth"].str.len() == 10].drop_duplicates()
    several = dated[dated.duplicated("component", keep=False)]
    for comp, dates in several.groupby("component")["birth"]:
        if any(births_conflict(x, y) for x, y in itertools.combinations(sorted(set(dates)), 2)):
            out.add(int(cast(int, comp)))
    return out


def merges_needed(
    kept: pd.DataFrame,
    cfg: resolve.ResolveConfig,
    existing: dict[Key, int],
    judged: set[Key],
    births: dict[str, str],
    live: set[str],
) -> tuple[pd.DataFrame, set[Key]]:
    """The pairs to store (see the module's words) and the keys among them the model merges."""
    merge = (kept["match_probability"] >= cfg.upper_threshold) & ~name_only(kept)
    left, right = kept["record_id_l"].astype(str), kept["record_id_r"].astype(str)
    merge &= left.isin(live) & right.isin(live)
    keys = _keys(kept)
    known = set(existing) | judged
    seen = keys.isin(list(known)) if known else np.zeros(len(kept), dtype=bool)
    merge &= ~keys.isin(list(judged)) if judged else True
    links = kept[merge.to_numpy()]
    standing: list[Key] = []
    apart: list[Key] = []
    states = Pair.objects.filter(state__in=[PairState.MATCH, PairState.NO_MATCH]).values_list(
        "left_id", "right_id", "state"
    )
    for a, b, state in states.iterator(chunk_size=BATCH):
        (standing if state == PairState.MATCH else apart).append((a, b))
    component = _components(links, standing)
    guarded = _guarded_components(component, apart, births)
    in_guarded = links["record_id_l"].astype(str).map(component).isin(guarded).to_numpy()
    merges: set[Key] = set()
    hard = links[in_guarded]
    if len(hard):
        ids = sorted(set(component.index[component.isin(guarded)]))
        stored = Pair.objects.all() if existing else Pair.objects.none()
        triples = list(
            zip(
                hard["record_id_l"].astype(str),
                hard["record_id_r"].astype(str),
                hard["match_probability"].astype(float),
                strict=True,
            )
        )
        clusters = cluster_build(ids=ids, pairs=stored, links=triples, births=births).cluster_of
        merges = {(a, b) for a, b, _ in triples if clusters[a] == clusters[b]}
    easy = links[~in_guarded]
    # A stored pair nobody decided that now scores above the threshold is merged, as a new one
    # the forest needs is: its records are one person either way, and its history says why.
    stored_before = np.asarray(seen)[merge.to_numpy()][~in_guarded]
    forest = resolve.merge_forest(
        easy["record_id_l"], easy["record_id_r"], easy["match_probability"].to_numpy(dtype=float),
        keep=stored_before, standing=standing,
    )  # fmt: skip
    chosen = easy[forest]
    merges |= set(zip(chosen["record_id_l"].astype(str), chosen["record_id_r"].astype(str), strict=True))
    # The people the merges make: a band pair inside one of them asks nothing of a reviewer.
    joined = _components(
        pd.concat([easy, hard[_keys(hard).isin(list(merges))] if merges else hard.iloc[:0]]), standing
    )
    lc, rc = left.map(joined), right.map(joined)
    inside = (lc == rc) & lc.notna()
    # A merge the guard refused is such a pair too: it waits for review.
    store = seen | keys.isin(list(merges)) | ~inside.to_numpy()
    return kept[store], merges
