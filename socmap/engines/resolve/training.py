"""u probabilities of every comparison level from one pass over seeded random pairs.

Splink's ``estimate_u_using_random_sampling`` draws the same sample but compares it once per
comparison: nine self-joins of the sample for the person model, about a second of the two to
three a FEBRL4 training took. Here the sample is joined once, every comparison's level is
computed in the same SELECT (the levels' own SQL, in Splink's order and numbering) and the
levels are counted together. The sample is Splink's own (the same hash of the record id and
seed, the same number of rows for ``max_pairs``), so the u values are the ones Splink's
estimate gives.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

#: Splink's modulus for deterministic samples (``splink.internals.dialects``).
SAMPLE_MODULUS = 1_000_000_000


#: Random pairs for u: one per record, and never fewer than this. The rarest levels that matter
#: (the same date of birth, the same full name) have a u near one over the number of distinct
#: values, which grows with the records: at a million source rows (417,776 records) 1e5 pairs
#: lost 0.0013 of pairwise F1 against 3e5 and 4e6 (equal to each other), while FEBRL4 (10,000
#: records) and seven generated regions of 2,000 to 43,000 records scored the same at 1e5 as at
#: 3e5 (within 0.0007) in a third of the time of the comparisons (docs/adr/0036).
U_MIN_PAIRS = 1e5
U_PAIRS_PER_RECORD = 1.0


def u_pairs(records: int, fixed: float | None = None) -> float:
    """Random pairs to estimate u from among ``records`` records: ``fixed`` when given, else
    ``U_PAIRS_PER_RECORD`` a record, at least ``U_MIN_PAIRS``."""
    if fixed is not None:
        return fixed
    return max(U_MIN_PAIRS, U_PAIRS_PER_RECORD * records)


def sample_rows_for_pairs(max_pairs: float) -> float:
    """Rows whose pairs among themselves number ``max_pairs`` (r (r - 1) / 2 = max_pairs)."""
    return float(0.5 * ((8 * max_pairs + 1) ** 0.5 + 1))


def gamma_sql(comparison: Mapping[str, Any]) -> str:
    """The comparison's level as Splink numbers it: -1 for the null level, then the other levels
    from the top, highest first, down to 0 for the last ("All other comparisons")."""
    levels = comparison["comparison_levels"]
    non_null = [lv for lv in levels if not lv.get("is_null_level")]
    whens: list[str] = []
    rank = len(non_null)
    for level in levels:
        if level.get("is_null_level"):
            value = -1
        else:
            rank -= 1
            value = rank
        condition = str(level["sql_condition"])
        if condition.strip().upper() == "ELSE":
            return "CASE " + " ".join(whens) + f" ELSE {value} END"
        whens.append(f"WHEN {condition} THEN {value}")
    return "CASE " + " ".join(whens) + " END"


def _counts(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    comparisons: Sequence[Mapping[str, Any]],
    max_pairs: float,
    seed: int,
) -> list[Counter[int]]:
    total = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])  # noqa: S608  # nosec B608 # the engine's own table
    proportion = sample_rows_for_pairs(max_pairs) / total if total else 1.0
    where = ""
    if proportion < 1.0:
        threshold = max(1, round(proportion * SAMPLE_MODULUS))
        where = f"WHERE hash((record_id) || '_{seed}') % {SAMPLE_MODULUS} < {threshold}"
    sides = ", ".join(f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in columns)
    gammas = ", ".join(f"{gamma_sql(comp)} AS g{i}" for i, comp in enumerate(comparisons))
    names = ", ".join(f"g{i}" for i in range(len(comparisons)))
    sql = (
        f"WITH s AS (SELECT * FROM {table} {where}), "  # noqa: S608  # nosec B608 # the engine's own table, columns and level SQL
        f"p AS (SELECT {sides} FROM s AS l JOIN s AS r ON l.record_id < r.record_id), "
        f"g AS (SELECT {gammas} FROM p) "
        f"SELECT {names}, count(*) FROM g GROUP BY ALL"
    )
    counts: list[Counter[int]] = [Counter() for _ in comparisons]
    for row in con.execute(sql).fetchall():
        n = int(row[-1])
        for i, gamma in enumerate(row[:-1]):
            counts[i][int(gamma)] += n
    return counts


def with_random_u(
    con: duckdb.DuckDBPyConnection,
    table: str,
    settings: Mapping[str, Any],
    *,
    max_pairs: float,
    seed: int,
) -> dict[str, Any]:
    """``settings`` with the u of every level set from random pairs of ``table``'s records.

    A level no random pair reached keeps no u (Splink's "not observed"), as Splink leaves it.
    """
    out = copy.deepcopy(dict(settings))
    comparisons = out["comparisons"]
    # Only the columns some level reads: the pairs of the sample are not copied column by column
    # for nothing (28 prepared columns, 14 compared).
    conditions = " ".join(str(lv["sql_condition"]) for c in comparisons for lv in c["comparison_levels"])
    columns = [
        row[0]
        for row in con.execute(f"DESCRIBE {table}").fetchall()
        if f'"{row[0]}_l"' in conditions or f'"{row[0]}_r"' in conditions
    ]
    counts = _counts(con, table, columns, comparisons, max_pairs, seed)
    for comp, count in zip(comparisons, counts, strict=True):
        observed = sum(n for gamma, n in count.items() if gamma != -1)
        non_null = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        for rank, level in zip(range(len(non_null) - 1, -1, -1), non_null, strict=True):
            if count.get(rank) and observed:
                level["u_probability"] = count[rank] / observed
    return out


def without_tf(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` without term-frequency adjustments, for training.

    EM runs without them (``estimate_without_term_frequencies``), the prior and u never use
    them, yet a Linker whose levels name a term-frequency column builds the frequency tables
    and joins them to the records for every session; ``with_tf_of`` puts them back after.
    """
    out = copy.deepcopy(dict(settings))
    for comp in out["comparisons"]:
        for level in comp["comparison_levels"]:
            for key in [k for k in level if k.startswith("tf_")]:
                del level[key]
    return out


def with_tf_of(trained: Mapping[str, Any], untrained: Mapping[str, Any]) -> dict[str, Any]:
    """``trained`` with the term-frequency adjustments of ``untrained``, level by level."""
    out = copy.deepcopy(dict(trained))
    for comp, original in zip(out["comparisons"], untrained["comparisons"], strict=True):
        for level, before in zip(comp["comparison_levels"], original["comparison_levels"], strict=True):
            level.update({k: v for k, v in before.items() if k.startswith("tf_")})
    return out
