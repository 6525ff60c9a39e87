"""Train and apply the person model with Splink on DuckDB.

Everything pair-shaped happens inside DuckDB (blocking joins, comparison levels, weights); Python
only handles records (normalisation) and parameters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import pathlib
import tempfile
import time
from collections.abc import Iterator, Mapping
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from socmap.engines.resolve import splink_memo
from socmap.engines.resolve.comparisons import (
    ADDRESS_REDUNDANCY_SQL,
    BLOCKING_RULES,
    DETERMINISTIC_RULES,
    EM_BLOCKING_RULES,
    IDENTIFIER_DISAGREEMENT_SQL,
    MACROS,
    REDUNDANT,
    rule_columns,
    rules_that_can_pair,
    settings_dict,
)
from socmap.engines.resolve.model_io import validate_document
from socmap.engines.resolve.prepare import PREPARED_COLUMNS, prepare_records, with_block_keys
from socmap.engines.resolve.training import u_pairs, with_random_u, with_tf_of, without_tf
from socmap.engines.resolve.types import (
    ENGINE_NAME,
    ENGINE_VERSION,
    MODEL_FORMAT,
    MODEL_FORMAT_VERSION,
    ComparisonStep,
    PairExplanation,
    ResolveConfig,
    ResolverModel,
    RunInfo,
    ScoredPairs,
)
from socmap.errors import InvalidInput

_LIST_COLUMNS = ("first_keys", "last_keys")
_SCHEMA = pa.schema(
    [
        pa.field(col, pa.list_(pa.string()) if col in _LIST_COLUMNS else pa.string())
        for col in PREPARED_COLUMNS
    ]
)


@contextlib.contextmanager
def _quiet_splink() -> Iterator[None]:
    """Keep Splink's training chatter (levels not observed, etc.) out of our callers' logs."""
    log = logging.getLogger("splink")
    before = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(before)


def _arrow(prepared: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(prepared, schema=_SCHEMA, preserve_index=False)


def _frame_of(
    sdf: SplinkDataFrame, config: ResolveConfig | None = None, uid: str = "record_id"
) -> pd.DataFrame:
    """The scored pairs as pandas (``uid``: Splink's unique id); without the compared values when
    the config says so."""
    if config is None or config.retain_values:
        frame: pd.DataFrame = sdf.as_pandas_dataframe()  # type: ignore[no-untyped-call]
        return frame
    con = sdf.db_api.duckdb_con
    names = [row[0] for row in con.execute(f"DESCRIBE {sdf.physical_name}").fetchall()]
    front = [f"{uid}_l", f"{uid}_r", "match_probability", "match_weight"]
    wanted = front + [n for n in names if n.startswith(("gamma_", "mw_"))]
    columns = ", ".join(f'"{n}"' for n in wanted)
    order = "ORDER BY 1, 2"  # as _tidy leaves them, so it need not copy
    return con.execute(f"SELECT {columns} FROM {sdf.physical_name} {order}").df()  # noqa: S608  # nosec B608 # splink's own column and table names


#: Below this many records DuckDB works on one thread: its tables are single row groups
#: (122,880 rows), so a second thread mostly adds coordination. The gain is small: FEBRL4's
#: train and score took 1.9 s of CPU on one thread against 2.3 s on two at load 7, and 2.1-2.4 s
#: against 2.2-2.6 s at load 4, in about the same wall time.
ONE_THREAD_BELOW = 20_000


#: Scored pairs are read back from DuckDB and put through the post-Splink rules in slices of
#: this many vectors (2,048 pairs each: about 500,000 pairs), when ``config.return_from`` is set.
SLICE_VECTORS = 256


def _narrow(pairs: pd.DataFrame) -> dict[str, pd.Series]:
    """The same pairs in less memory, column by column: ids as Arrow strings (record numbers as
    they are), levels int8, weights float32, each column a copy of its own (not a view holding
    the slice's blocks)."""
    out = {}
    for column in pairs.columns:
        values = pairs[column]
        if column in ("record_id_l", "record_id_r"):
            numbers = pd.api.types.is_integer_dtype(values.dtype)
            out[column] = values.astype("int64") if numbers else values.astype("string[pyarrow]")
        elif column.startswith("gamma_"):
            out[column] = values.fillna(-1).astype("int8")
        elif column.startswith("mw_"):
            out[column] = values.astype("float32")
        else:
            out[column] = values.copy()
    return out


def _joined(slices: list[dict[str, pd.Series]]) -> pd.DataFrame:
    """The slices as one frame, joined a column at a time, each column's slices let go once
    joined: ``pd.concat`` of the slices held them and the whole together, twice the kept pairs'
    memory (about 1 GB at a million rows, where the run's memory peaks)."""
    columns: dict[str, pd.Series] = {}
    for column in list(slices[0]):
        parts = [part.pop(column) for part in slices]
        columns[column] = pd.concat(parts, ignore_index=True)
        del parts
    return pd.DataFrame(columns, copy=False)


#: Splink's unique id when scoring every pair of one table: each record's place in record-id
#: order. Its blocked pairs, its joins back to the records and the sort of its predictions then
#: carry two integers a pair rather than two 40-character ids (at a million rows, 33 million
#: blocked pairs and 20 million predictions, spilled to disk). Numbered in id order, the pairs
#: are the same (left below right) and come in the same order.
RECORD_NO = "record_no"
#: Off only to show that numbering changes nothing (tests/engines/resolve/test_person.py).
NUMBER_RECORDS = True


class _Numbering:
    """Record ids and their numbers (``RECORD_NO``), both ways."""

    def __init__(self, record_ids: pd.Series) -> None:
        ids = record_ids.astype(str).to_numpy(dtype=object)
        order = np.argsort(ids, kind="stable")
        self.ids: np.ndarray = ids[order]
        self.arrow = pa.array(self.ids, type=pa.string())
        self.numbers = np.empty(len(ids), dtype=np.int64)
        self.numbers[order] = np.arange(len(ids), dtype=np.int64)

    def support(self, by_id: pd.Series) -> pd.Series:
        """``forename_support`` by record number."""
        return pd.Series(by_id.reindex(self.ids).to_numpy())

    def named(self, pairs: pd.DataFrame) -> pd.DataFrame:
        """Pairs of numbers as pairs of record ids (Python strings, as DuckDB gives them)."""
        ids = {
            f"record_id{side}": self.ids[pairs[f"{RECORD_NO}{side}"].to_numpy(dtype=np.int64)]
            for side in ("_l", "_r")
        }
        rest = pairs.drop(columns=[f"{RECORD_NO}_l", f"{RECORD_NO}_r"])
        return pd.concat([pd.DataFrame(ids, index=pairs.index), rest], axis=1)

    def ordered(self, pairs: pd.DataFrame) -> pd.DataFrame:
        """Narrowed pairs of numbers in record order, named (ids as Arrow strings), a column
        at a time: the pairs are not held twice."""
        left = pairs["record_id_l"].to_numpy(dtype=np.int64)
        right = pairs["record_id_r"].to_numpy(dtype=np.int64)
        order = np.lexsort((right, left))
        columns: dict[str, pd.Series] = {}
        for column in list(pairs.columns):
            values = pairs.pop(column).to_numpy()[order]
            if column in ("record_id_l", "record_id_r"):
                columns[column] = pd.Series(pd.arrays.ArrowStringArray(self.arrow.take(pa.array(values))))
            else:
                columns[column] = pd.Series(values)
        return pd.DataFrame(columns, copy=False)


def _scored(
    sdf: SplinkDataFrame,
    model: ResolverModel,
    config: ResolveConfig,
    support: pd.Series,
    numbering: _Numbering | None = None,
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The scored pairs after the post-Splink rules, and (with ``config.return_from``) every
    pair's probability beside only the pairs from that probability up.

    Without ``return_from`` the whole table comes into pandas at once. With it, DuckDB hands the
    pairs over a slice at a time; each slice is adjusted, its probabilities kept for the operating
    point, its pairs below the mark dropped and the rest narrowed (``_narrow``). Scored by record
    number, the slices come as DuckDB scans them and the pairs kept come back numbered, for the
    caller to put in record order (``_Numbering.ordered``): DuckDB's sort of every prediction was
    the run's peak of memory. By record id, DuckDB sorts them. Either way the result does not
    depend on its threads. The table of predictions is dropped once read.
    """

    def whole() -> pd.DataFrame:
        if numbering is None:
            return _adjust(_frame_of(sdf, config), model, config, support)
        return _adjust(numbering.named(_frame_of(sdf, config, RECORD_NO)), model, config, support)

    if config.return_from is None:
        frame = whole()
        sdf.drop_table_from_database_and_remove_from_cache()
        return frame, None
    con = sdf.db_api.duckdb_con
    names = [row[0] for row in con.execute(f"DESCRIBE {sdf.physical_name}").fetchall()]
    uid = RECORD_NO if numbering else "record_id"
    # Numbers go through the rules as they are (the twin guard's support by number), and only
    # the pairs kept are named.
    front = [f'"{uid}_l" AS record_id_l', f'"{uid}_r" AS record_id_r', "match_probability", "match_weight"]
    columns = ", ".join(front + [f'"{n}"' for n in names if n.startswith(("gamma_", "mw_"))])
    order = "" if numbering else " ORDER BY 1, 2"
    cursor = con.execute(f"SELECT {columns} FROM {sdf.physical_name}{order}")  # noqa: S608  # nosec B608 # splink's own column and table names
    numbered_support = numbering.support(support) if numbering else support
    kept: list[dict[str, pd.Series]] = []
    probabilities: list[np.ndarray] = []
    while len(chunk := cursor.fetch_df_chunk(SLICE_VECTORS)):
        chunk = _adjust(chunk, model, config, numbered_support, ordered=numbering is None)
        p = chunk["match_probability"].to_numpy(dtype=float)
        # A copy: a view of the column held the slice's whole block of weights (50 MB a slice).
        probabilities.append(p.copy())
        # Renumbered: a slice's own index went with each of its columns, as much memory again
        # as the columns themselves (1.2 GB at a million rows).
        kept.append(_narrow(chunk[p >= config.return_from].reset_index(drop=True)))
        del chunk
    if not kept:
        frame = whole()
        sdf.drop_table_from_database_and_remove_from_cache()
        return frame, np.zeros(0)
    sdf.drop_table_from_database_and_remove_from_cache()
    # Numbered pairs are ordered and named by the caller once DuckDB is closed (``score_pairs``).
    return _joined(kept), np.concatenate(probabilities)


def _register(
    db_api: DuckDBAPI, prepared: pd.DataFrame, name: str, *, numbers: np.ndarray | None = None
) -> SplinkDataFrame:
    """The prepared records as a DuckDB table for Splink, with their ``RECORD_NO`` when given."""
    largest = max(len(prepared), getattr(db_api, "socmap_largest", 0))
    db_api.socmap_largest = largest  # type: ignore[attr-defined]
    db_api.duckdb_con.execute("SET threads = 1" if largest < ONE_THREAD_BELOW else "RESET threads")
    table = _arrow(prepared)
    if numbers is not None:
        table = table.append_column(RECORD_NO, pa.array(numbers, type=pa.int64()))
    return db_api.register(table, table_name=name)


def _db_api(config: ResolveConfig) -> DuckDBAPI:
    """A fresh in-memory DuckDB for Splink, within ``config.memory_limit`` (spilling to temp files)."""
    settings: dict[str, Any] = {}
    if config.memory_limit:
        settings["memory_limit"] = config.memory_limit
        settings["temp_directory"] = str(pathlib.Path(tempfile.gettempdir()) / "socmap-resolve-duckdb")
    con = duckdb.connect(config=settings)
    for macro in MACROS:
        con.execute(macro)
    return DuckDBAPI(connection=con)


#: EM needs a few hundred thousand pairs per session, not all of them: above this many records
#: each session keeps the pairs whose left record hashes into one of ``n / EM_SAMPLE_RECORDS``
#: buckets (seeded), so that training a million records does not build 10 million comparison
#: vectors per session (the date-of-birth block alone held 8 million at 418,000 records).
EM_SAMPLE_RECORDS = 100_000


def _cache_exact_match() -> None:
    """Remember Splink's answer to "is this level an exact match on a column?" per SQL condition.

    Splink works it out again for every level at the start of every EM session, by converting
    the level's SQL to conjunctive normal form with sqlglot: about a second per session for this
    model's levels, for an answer that depends on the SQL text alone.
    """
    from splink.internals.comparison_level import ComparisonLevel

    original = ComparisonLevel.__dict__["_is_exact_match"]
    if getattr(original.fget, "socmap_cached", False):
        return
    answers: dict[tuple[str, bool], bool] = {}

    def is_exact_match(level: Any) -> bool:
        key = (str(level.sql_condition), bool(level._is_else_level))
        if key not in answers:
            answers[key] = bool(original.fget(level))
        return answers[key]

    is_exact_match.socmap_cached = True  # type: ignore[attr-defined]
    ComparisonLevel._is_exact_match = property(is_exact_match)  # type: ignore[assignment,method-assign]


_cache_exact_match()


def _gammas_kept_without_values() -> None:
    """Have Splink's predictions keep each comparison's level (``gamma_``) without the values
    compared.

    Splink ties the two together (``retain_matching_columns``): its table of predictions held
    every compared value of every pair above ``keep_above``, though a run reads only levels and
    weights back. Splink keeps the levels alone when it trains (``training_mode``); scoring now
    asks for the same columns.
    """
    from splink.internals.comparison import Comparison

    original = Comparison.__dict__["_columns_to_select_for_predict"]
    if getattr(original, "socmap_gammas", False):
        return

    def columns(
        self: Any, retain_matching: bool, retain_intermediate: bool, *_training_mode: bool
    ) -> list[str]:
        return original(self, retain_matching, retain_intermediate, True)  # type: ignore[no-any-return]

    columns.socmap_gammas = True  # type: ignore[attr-defined]
    Comparison._columns_to_select_for_predict = columns  # type: ignore[method-assign,assignment]


_gammas_kept_without_values()
splink_memo.install()


def _em_rule(rule: str, records: int, seed: int) -> str:
    buckets = math.ceil(records / EM_SAMPLE_RECORDS)
    if buckets <= 1:
        return rule
    return f"({rule}) AND hash(l.record_id || '{seed}') % {buckets} = 0"


def _rules(config: ResolveConfig) -> tuple[str, ...]:
    return tuple(config.blocking) if config.blocking is not None else BLOCKING_RULES


def _pairing(rules: tuple[str, ...], *frames: pd.DataFrame) -> tuple[str, ...]:
    """The rules Splink is given: those that can pair records of ``frames`` (FEBRL4 without its
    identifier leaves 7 of 23 with a column no record has)."""
    columns = set().union(*map(rule_columns, rules))
    empty = {c for c in columns if all(c in f.columns and f[c].isna().all() for f in frames)}
    return rules_that_can_pair(rules, empty)


def _run(config: ResolveConfig, started: float, **counts: int) -> RunInfo:
    return RunInfo(
        engine=ENGINE_NAME,
        engine_version=ENGINE_VERSION,
        config_hash=config.config_hash,
        seed=config.seed,
        seconds=round(time.perf_counter() - started, 3),
        counts=dict(counts),
    )


def scored_pairs(
    pairs: pd.DataFrame,
    *,
    model: ResolverModel,
    config: ResolveConfig,
    rules: tuple[str, ...],
    started: float,
    candidate_pairs: int,
    probabilities: np.ndarray | None = None,
    **records: int,
) -> ScoredPairs:
    """What a scoring pass hands back, the same whichever backend scored it (DuckDB or Spark)."""
    return ScoredPairs(
        pairs=pairs,
        run=_run(config, started, **records, candidate_pairs=candidate_pairs, kept=len(pairs)),
        model_created_at=str(model.metadata.get("created_at", "")),
        blocking_rules=rules,
        candidate_pairs=candidate_pairs,
        kept_above=config.keep_above,
        probabilities=probabilities,
    )


def train(records: pd.DataFrame, config: ResolveConfig | None = None) -> ResolverModel:
    """Estimate the person model from unlabelled records.

    The prior comes from deterministic rules (``DETERMINISTIC_RULES`` at
    ``config.prior_recall``), u from random pairs (seeded), m by expectation maximisation over
    the sessions of ``EM_BLOCKING_RULES``.
    """
    config = config or ResolveConfig()
    started = time.perf_counter()
    prepared = prepare_records(records)
    if len(prepared) < 2:
        raise InvalidInput("At least two person records are needed to train a model.")
    with _quiet_splink():
        settings = _fit(prepared, config)
    metadata = {
        "engine": ENGINE_NAME,
        "engine_version": ENGINE_VERSION,
        "config_hash": config.config_hash,
        "config": config.as_dict(),
        "trained_on": {
            "records": len(prepared),
            "sources": int(prepared["source"].nunique()),
            "u_pairs": int(u_pairs(len(prepared), config.u_max_pairs)),
        },
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training_seconds": round(time.perf_counter() - started, 3),
    }
    # Round-trip through the file validator, so that a model we write is one we can read.
    return validate_document(
        {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "metadata": metadata,
            "splink_settings": settings,
        },
        "The trained model",
    )


def _fit(prepared: pd.DataFrame, config: ResolveConfig) -> dict[str, Any]:
    """Prior, then u by seeded random sampling, then m by EM, one session per rule."""
    db_api = _db_api(config)
    try:
        return _fit_on(db_api, prepared, config)
    finally:
        # Splink's objects refer to each other, and a run pauses the cycle collector: left to it,
        # the training's DuckDB (up to its memory limit, 0.9 GB at a million rows) stayed resident
        # through the scoring, where the run's memory peaks.
        db_api.duckdb_con.close()


def _fit_on(db_api: DuckDBAPI, prepared: pd.DataFrame, config: ResolveConfig) -> dict[str, Any]:
    sdf = _register(db_api, prepared, "records")
    street_redundant, locality_redundant = address_redundancy(db_api.duckdb_con, sdf.physical_name)
    settings = settings_dict(
        _rules(config),
        config.em_max_iterations,
        street_given_postcode=street_redundant > REDUNDANT,
        locality_given_postcode=locality_redundant > REDUNDANT,
        identifier_m_disagree=identifier_disagreement(db_api.duckdb_con, sdf.physical_name),
    )
    # u from Splink's own random sample, compared once for every comparison (training.py).
    pairs = u_pairs(len(prepared), config.u_max_pairs)
    con = db_api.duckdb_con
    settings = with_random_u(con, sdf.physical_name, settings, max_pairs=pairs, seed=config.seed)
    linker = Linker(sdf, without_tf(settings), log_level=None, validate_settings=False)
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=config.prior_recall
    )
    for rule in EM_BLOCKING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            _em_rule(rule, len(prepared), config.seed), estimate_without_term_frequencies=True
        )
    return _floored(with_tf_of(linker.misc.save_model_to_json(), settings))


#: Smallest m or u kept: EM drives the m of a level that true matches never reach (identifiers
#: that disagree) towards zero, below what a float survives (Splink then refuses the model).
#: 1e-10 is a weight of about -33 bits: no pair comes back from it.
PROBABILITY_FLOOR = 1e-10


def _floored(settings: dict[str, Any]) -> dict[str, Any]:
    for comparison in settings.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            for key in ("m_probability", "u_probability"):
                value = level.get(key)
                if value is not None and value < PROBABILITY_FLOOR:
                    level[key] = PROBABILITY_FLOOR
    return settings


def address_redundancy(con: duckdb.DuckDBPyConnection, table: str) -> tuple[float, float]:
    """How far the postcode already says the street, and the district the locality (0..1).

    UK data: about 1 (one postcode, one street); FEBRL4's made-up addresses: about 0.1.
    """
    street, locality = con.execute(ADDRESS_REDUNDANCY_SQL.format(table=table)).fetchall()[0]
    return float(street or 0.0), float(locality or 0.0)


#: Fewer near-certain matches with identifiers of a kind on both than this: the m of disagreeing
#: identifiers is ``IDENTIFIER_M_DEFAULT`` rather than measured.
IDENTIFIER_MIN_PAIRS = 20
IDENTIFIER_M_DEFAULT = 0.01


def identifier_disagreement(con: duckdb.DuckDBPyConnection, table: str) -> float:
    """Share of near-certain matches (same forename, surname and full date of birth) whose
    identifiers of one kind all disagree: a custody number per arrest disagrees often, a PNC id
    seldom (never below 1e-4)."""
    both, disagree = con.execute(IDENTIFIER_DISAGREEMENT_SQL.format(table=table)).fetchall()[0]
    if int(both or 0) < IDENTIFIER_MIN_PAIRS:
        return IDENTIFIER_M_DEFAULT
    return max(float(disagree) / float(both), 1e-4)


#: Below this many records a value's frequency says little (in two records every name has
#: frequency one half): term-frequency adjustments are left out and each level weighs its mean.
TF_MIN_RECORDS = 1_000


def _without_tf(comparisons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for comp in comparisons:
        levels = [
            {k: v for k, v in level.items() if not k.startswith("tf_")} for level in comp["comparison_levels"]
        ]
        out.append({**comp, "comparison_levels": levels})
    return out


def _scoring_settings(
    model: ResolverModel, rules: tuple[str, ...], config: ResolveConfig, records: int
) -> dict[str, Any]:
    settings = dict(model.settings)
    if records < TF_MIN_RECORDS:
        settings["comparisons"] = _without_tf(list(settings["comparisons"]))
    settings["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in rules
    ]
    # The compared values of every pair above ``keep_above`` (20 million at a million records)
    # made DuckDB's table of predictions most of a run's memory and spilling; a caller that
    # does not take them back does not have them kept.
    settings["retain_matching_columns"] = config.retain_values
    settings["retain_intermediate_calculation_columns"] = True
    settings.pop("linker_uid", None)
    return settings


TWIN_GUARD = "twin_guard"
TWIN_GUARD_LABEL = "Possible twin: forenames differ, surname and date of birth agree"


def _gamma_of(model: ResolverModel, comparison: str, label: str) -> int | None:
    for comp in model.settings["comparisons"]:
        if comp["output_column_name"] == comparison:
            return next((g for g, lab in _level_labels(comp).items() if lab == label), None)
    return None


def forename_support(prepared: pd.DataFrame) -> pd.Series:
    """For each record, how many records (itself included) carry its forename (nicknames as
    their formal name), surname and full date of birth: record id -> count. A twin is someone
    whose forename stands on records of their own; a forename keyed once (a slip, a different
    given name in one system) stands alone."""
    keys = prepared[["record_id", "first_key", "last_name", "birth_date"]]
    full = keys["birth_date"].str.len() == 10
    keys = keys[full & keys["first_key"].notna() & keys["last_name"].notna()]
    counts = keys.groupby(["first_key", "last_name", "birth_date"])["record_id"].transform("size")
    return pd.Series(counts.to_numpy(), index=keys["record_id"].to_numpy())


def _twin_guard(
    pairs: pd.DataFrame, model: ResolverModel, config: ResolveConfig, support: pd.Series
) -> pd.DataFrame:
    """Send likely twins to review instead of auto-matching them.

    Twins (and siblings with shared birthdays) agree on surname, date of birth, address and
    phone; only the forename tells them apart, and no single m/u weight can both forgive a
    re-keyed forename and separate twins. So when the forename disagrees outright while
    surname and full date of birth agree and no identifier agrees, the total weight is capped
    at ``config.twin_cap`` -- provided one of the two forenames stands on at least
    ``config.twin_support`` records with that surname and date of birth (``forename_support``):
    then there is a second person of that birth and surname, established on records of their
    own. Two forenames each keyed once are more likely a slip than a sibling: FEBRL4 without its
    identifier has about 120 true links whose forename was replaced, and none of them is a twin.
    The cap is its own waterfall step (``mw_twin_guard``), so explanations still add up.
    """
    g_first = _gamma_of(model, "first_name", "All other comparisons")
    g_last = _gamma_of(model, "last_name", "Exact match")
    g_dob = _gamma_of(model, "birth_date", "Exact match")
    g_id = _gamma_of(model, "identifiers", "An identifier agrees")
    g_id_near = _gamma_of(model, "identifiers", "An identifier within one character")
    needed = ("gamma_first_name", "gamma_last_name", "gamma_birth_date", "gamma_identifiers")
    if None in (g_first, g_last, g_dob) or any(c not in pairs.columns for c in needed):
        pairs[f"mw_{TWIN_GUARD}"] = 0.0
        return pairs
    cap = math.log2(config.twin_cap / (1 - config.twin_cap))
    twins = (
        (pairs["gamma_first_name"] == g_first)
        & (pairs["gamma_last_name"] == g_last)
        & (pairs["gamma_birth_date"] == g_dob)
        # Twins do not share a PNC id, custody number or NI number: one that agrees, or is one
        # keying slip away (FEBRL4: 23 true pairs were held at the cap), lifts the guard.
        & ~pairs["gamma_identifiers"].isin([g for g in (g_id, g_id_near) if g is not None])
    )
    if bool(twins.any()) and config.twin_support > 1:
        held = pairs.loc[twins, ["record_id_l", "record_id_r"]]
        left = held["record_id_l"].map(support).fillna(1)
        right = held["record_id_r"].map(support).fillna(1)
        twins.loc[held.index] = (left >= config.twin_support) | (right >= config.twin_support)
    excess = (pairs["match_weight"] - cap).clip(lower=0.0)
    guard = (-excess).where(twins, 0.0).astype(float)
    pairs[f"mw_{TWIN_GUARD}"] = guard
    pairs["match_weight"] = pairs["match_weight"] + guard
    odds = pd.Series(2.0, index=pairs.index) ** pairs["match_weight"]
    pairs["match_probability"] = odds / (1 + odds)
    return pairs


REFERENCE = "reference"
REFERENCE_LABEL = "A cross-reference: the same custody, PNC or NI number, and nothing else to compare"


def _reference(pairs: pd.DataFrame, model: ResolverModel, config: ResolveConfig) -> pd.DataFrame:
    """Lift cross-references to ``config.reference_floor``.

    A custody record names its co-accused by their custody numbers only. Such a record is the
    person that number was issued to: an identifier agrees and there is nothing else on one side
    to compare (every other comparison is missing). Splink's weight for one agreeing identifier
    alone stays in the review band (about 0.7 on the small region), which left every co-accused
    a nameless person of their own and cut the co-offending links the network analysis needs.
    The lift is its own waterfall step (``mw_reference``), so explanations still add up.
    """
    g_id = _gamma_of(model, "identifiers", "An identifier agrees")
    others = [c for c in pairs.columns if c.startswith("gamma_") and c != "gamma_identifiers"]
    if g_id is None or "gamma_identifiers" not in pairs.columns or not others:
        pairs[f"mw_{REFERENCE}"] = 0.0
        return pairs
    floor = math.log2(config.reference_floor / (1 - config.reference_floor))
    references = (pairs["gamma_identifiers"] == g_id) & (pairs[others] == -1).all(axis=1)
    lift = (floor - pairs["match_weight"]).clip(lower=0.0).where(references, 0.0).astype(float)
    pairs[f"mw_{REFERENCE}"] = lift
    pairs["match_weight"] = pairs["match_weight"] + lift
    odds = pd.Series(2.0, index=pairs.index) ** pairs["match_weight"]
    pairs["match_probability"] = odds / (1 + odds)
    return pairs


def _fold_tf(pairs: pd.DataFrame) -> pd.DataFrame:
    """A comparison's term-frequency adjustment added into its own step (``mw_<name>``).

    The waterfall then has one bar per comparison, still adding up to the match weight: an
    exact surname weighs what that surname's rarity makes it weigh.
    """
    folded = [c for c in pairs.columns if c.startswith("mw_tf_adj_")]
    for column in folded:
        target = "mw_" + column[len("mw_tf_adj_") :]
        if target in pairs.columns:
            pairs[target] = pairs[target].astype(float) + pairs[column].astype(float).fillna(0.0)
    # Dropped at once: each drop copies every column (a million-row run drops from 33 slices).
    drop = folded + [c for c in pairs.columns if c.startswith(("bf_", "tf_"))]
    return pairs.drop(columns=drop) if drop else pairs


def _adjust(
    pairs: pd.DataFrame,
    model: ResolverModel,
    config: ResolveConfig,
    support: pd.Series,
    *,
    ordered: bool = True,
) -> pd.DataFrame:
    """The rules applied after Splink's weights, in order, each its own waterfall step; the pairs
    sorted unless the caller orders them itself."""
    pairs = _twin_guard(_fold_tf(pairs), model, config, support)
    return _tidy(_mark_name_only(_reference(pairs, model, config)), ordered=ordered)


NAME_COMPARISONS = ("first_name", "last_name")


def _mark_name_only(pairs: pd.DataFrame) -> pd.DataFrame:
    """``name_only``: True where every comparison but the names was missing on one side.

    Such a pair rests on the name alone, which namesakes share; ``cluster_scored`` lets it
    attach a record to a cluster but never join two clusters.
    """
    others = [
        c for c in pairs.columns if c.startswith("gamma_") and c[len("gamma_") :] not in NAME_COMPARISONS
    ]
    pairs["name_only"] = (pairs[others] == -1).all(axis=1) if others else False
    return pairs


def _tidy(df: pd.DataFrame, *, ordered: bool = True) -> pd.DataFrame:
    """l < r on every row, sorted (when ``ordered``), so results do not depend on join order."""
    swap = df["record_id_l"] > df["record_id_r"]
    if bool(swap.any()):
        left = [c for c in df.columns if c.endswith("_l")]
        for col_l in left:
            col_r = col_l[:-2] + "_r"
            if col_r in df.columns:
                a = df.loc[swap, col_l].copy()
                df.loc[swap, col_l] = df.loc[swap, col_r].to_numpy()
                df.loc[swap, col_r] = a.to_numpy()
    front = ["record_id_l", "record_id_r", "match_probability", "match_weight"]
    rest = [c for c in df.columns if c not in front]
    # Millions of pairs arrive already in order from DuckDB (see _frame_of): a reordered or
    # sorted copy of them would double the peak memory for nothing.
    if list(df.columns) != front + rest:
        df = df[front + rest]
    if not ordered:
        # Slices from DuckDB are numbered from 0 already; renumbering copied every column.
        numbered = isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1
        return df if numbered else df.reset_index(drop=True)
    left, right = df["record_id_l"], df["record_id_r"]
    before_l, before_r = left.shift(), right.shift()
    in_order = ((before_l < left) | ((before_l == left) & (before_r < right))).iloc[1:].all()
    if not in_order:
        df = df.sort_values(["record_id_l", "record_id_r"], kind="stable")
    return df.reset_index(drop=True)


def _count_blocked(
    con: duckdb.DuckDBPyConnection, left: str, right: str, rules: tuple[str, ...], *, dedupe: bool = True
) -> int:
    """How many distinct pairs the rules compare, counted as Splink generates them.

    Each rule counts only the pairs no earlier rule produced, so the sum is the number of
    distinct pairs without holding them in a set: at 418,000 records that set (20 million
    pairs of 40-character ids) cost gigabytes.
    """
    counts = count_blocked_sql(left, right, rules, dedupe)
    return sum(int(con.execute(sql).fetchall()[0][0]) for sql in counts)


def count_blocked_sql(left: str, right: str, rules: tuple[str, ...], dedupe: bool) -> list[str]:
    """One count per rule of the pairs no earlier rule produced (plain SQL: DuckDB and Spark)."""
    out = []
    for i, rule in enumerate(rules):
        earlier = " OR ".join(f"coalesce(({r}), false)" for r in rules[:i]) or "false"
        cond = f"({rule}) AND NOT ({earlier})" + (" AND l.record_id < r.record_id" if dedupe else "")
        out.append(f"SELECT count(*) FROM {left} AS l JOIN {right} AS r ON {cond}")  # noqa: S608 - our own rules  # nosec B608
    return out


def blocked_pairs_sql(left: str, right: str, rules: tuple[str, ...], *, dedupe: bool) -> str:
    """SQL for the distinct candidate pairs (record_id_l, record_id_r) of a rule set."""
    parts = []
    for rule in rules:
        cond = f"({rule})" + (" AND l.record_id < r.record_id" if dedupe else "")
        select = "SELECT l.record_id AS record_id_l, r.record_id AS record_id_r"
        parts.append(f"{select} FROM {left} AS l JOIN {right} AS r ON {cond}")
    return " UNION ".join(parts)


def candidate_pairs(records: pd.DataFrame, config: ResolveConfig | None = None) -> pd.DataFrame:
    """Every pair the blocking rules would compare (record_id_l < record_id_r), unscored.

    Used to measure blocking recall on its own (``evaluate(..., candidates=...)``).
    """
    config = config or ResolveConfig()
    prepared = prepare_records(records)
    con = duckdb.connect()
    try:
        con.register("records", _arrow(prepared))
        sql = blocked_pairs_sql("records", "records", _rules(config), dedupe=True)
        return con.execute(sql + " ORDER BY 1, 2").df()
    finally:
        con.close()


def _true_blocked(
    records: pd.DataFrame, truth: Mapping[str, str], config: ResolveConfig
) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """The records with a truth (numbered ``rid``), their count of true pairs, and the true pairs
    blocking compares (``rid_l``, ``rid_r``).

    Counted in DuckDB with the truth as an extra join key, so that a million-record frame never
    materialises its tens of millions of candidate pairs. Records absent from ``truth`` are left
    out of both counts.
    """
    prepared = prepare_records(records)
    prepared = prepared[list(PREPARED_COLUMNS)].assign(truth=prepared["record_id"].map(truth))
    prepared = prepared[prepared["truth"].notna()].reset_index(drop=True)
    sizes = prepared["truth"].value_counts()
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    rids = pd.DataFrame({"record_id": prepared["record_id"], "rid": np.arange(len(prepared))})
    table = pa.Table.from_pandas(
        prepared, schema=_SCHEMA.append(pa.field("truth", pa.string())), preserve_index=False
    )
    con = duckdb.connect()
    try:
        con.register("records", table)
        con.register("rids", rids)
        rules = tuple(f"({rule}) AND l.truth = r.truth" for rule in _rules(config))
        sql = blocked_pairs_sql("records", "records", rules, dedupe=True)
        found = con.execute(
            f"SELECT a.rid AS rid_l, b.rid AS rid_r FROM ({sql}) AS p"  # noqa: S608  # nosec B608 # our own blocking rules
            " JOIN rids AS a ON a.record_id = p.record_id_l JOIN rids AS b ON b.record_id = p.record_id_r"
        ).df()
    finally:
        con.close()
    return prepared, true_pairs, found


def blocking_recall(
    records: pd.DataFrame, truth: Mapping[str, str], config: ResolveConfig | None = None
) -> float:
    """Share of true pairs (records with the same ``truth`` entity) that blocking compares at all."""
    _, true_pairs, found = _true_blocked(records, truth, config or ResolveConfig())
    return len(found) / true_pairs if true_pairs else 1.0


def blocking_reach(
    records: pd.DataFrame, truth: Mapping[str, str], config: ResolveConfig | None = None
) -> float:
    """Share of true pairs whose records blocking joins by a path of compared true pairs.

    The most that clusters of compared pairs can find: sorted windows (``windows``) leave out
    pairs of one person's many records that the records between them still join, so their
    pairwise blocking recall falls while this holds.
    """
    prepared, true_pairs, found = _true_blocked(records, truth, config or ResolveConfig())
    if not true_pairs:
        return 1.0
    n = len(prepared)
    graph = coo_matrix((np.ones(len(found)), (found["rid_l"], found["rid_r"])), shape=(n, n))
    components = pd.Series(connected_components(graph, directed=False)[1]).value_counts()
    return float((components * (components - 1) // 2).sum()) / true_pairs


def score_pairs(
    records: pd.DataFrame, model: ResolverModel, config: ResolveConfig | None = None
) -> ScoredPairs:
    """Score every candidate pair within ``records`` with a trained model (on ``config.backend``)."""
    config = config or ResolveConfig()
    if config.backend == "spark":
        from socmap.engines.resolve import spark

        return spark.score_pairs(records, model, config)
    started = time.perf_counter()
    prepared = prepare_records(records)
    rules = _rules(config)
    db_api = _db_api(config)
    # Every read of the scored pairs orders them itself (``_Numbering.ordered``, or ORDER BY), so
    # DuckDB need not keep rows in the order it made them. Keeping it, DuckDB could not spill the
    # table of predictions at five million rows (2.1 million records): "Out of Memory Error" at its
    # 1.5 GB limit. Training keeps the order: its random samples are drawn in it.
    db_api.duckdb_con.execute("SET preserve_insertion_order = false")
    numbering = _Numbering(prepared["record_id"]) if NUMBER_RECORDS else None
    sdf = _register(db_api, prepared, "records", numbers=numbering.numbers if numbering else None)
    settings = _scoring_settings(model, _pairing(rules, prepared), config, len(prepared))
    if numbering:
        settings["unique_id_column_name"] = RECORD_NO
    linker = Linker(sdf, settings, log_level=None, validate_settings=False)
    # The candidate pairs as Splink blocks them, kept for its prediction and counted where they lie:
    # counting them again rule by rule (``_count_blocked``, as ``score_new`` still does) took 15 s
    # of a million-row run.
    with _quiet_splink():
        blocked_pairs = linker.inference.compute_blocked_pairs_for_predict()
    count = f"SELECT count(*) FROM {blocked_pairs.physical_name}"  # noqa: S608  # nosec B608 # splink's own table name
    blocked = int(db_api.duckdb_con.execute(count).fetchall()[0][0])
    with _quiet_splink():
        predictions = linker.inference.predict(
            threshold_match_probability=config.keep_above or None, warning_mode="never"
        )
    blocked_pairs.drop_table_from_database_and_remove_from_cache()
    pairs, probabilities = _scored(predictions, model, config, forename_support(prepared), numbering)
    # Splink's objects refer to each other, so DuckDB's buffers (up to its memory limit) would wait
    # for the garbage collector while the caller stores the pairs. Closed before the kept pairs are
    # ordered and named, which was the scoring's peak of memory with DuckDB still open.
    db_api.duckdb_con.close()
    if numbering is not None and pd.api.types.is_integer_dtype(pairs["record_id_l"].dtype):
        pairs = numbering.ordered(pairs)
    return scored_pairs(
        pairs, model=model, config=config, rules=rules, started=started, candidate_pairs=blocked,
        records=len(prepared), probabilities=probabilities,
    )  # fmt: skip


def score_new(
    new_records: pd.DataFrame,
    existing_records: pd.DataFrame,
    model: ResolverModel,
    config: ResolveConfig | None = None,
) -> ScoredPairs:
    """Score a new batch against existing records, and within itself, without retraining.

    No pair of two existing records is ever generated: blocking joins the new batch to the
    existing table (Splink's ``predict_between``) and to itself (``predict_within``).
    """
    config = config or ResolveConfig()
    if config.backend == "spark":
        from socmap.engines.resolve import spark

        return spark.score_new(new_records, existing_records, model, config)
    started = time.perf_counter()
    new = prepare_records(new_records)
    existing = prepare_records(existing_records)
    # Blocks of common names are counted over both, as one run of the whole population would.
    new, existing = with_block_keys(new, existing)
    clash = set(new["record_id"]) & set(existing["record_id"])
    if clash:
        raise InvalidInput(
            f"{len(clash)} new record id(s) are already among the existing records.",
            fields={"record_id": sorted(clash)[:20]},
        )
    rules = _rules(config)
    db_api = _db_api(config)
    sdf_existing = _register(db_api, existing, "existing")
    sdf_new = _register(db_api, new, "new_batch")
    settings = _scoring_settings(model, _pairing(rules, new, existing), config, len(existing))
    linker = Linker(sdf_existing, settings, log_level=None, validate_settings=False)
    # Term frequencies of the existing records: predict_between/within need them registered.
    for column in _tf_columns(settings):
        linker.table_management.compute_tf_table(column)
    threshold = config.keep_above or None
    frames = []
    if len(existing):
        between = linker.inference.predict_between(
            sdf_existing, sdf_new, threshold_match_probability=threshold, warning_mode="never"
        )
        frames.append(_frame_of(between, config))
    if len(new) > 1:
        within = linker.inference.predict_within(
            sdf_new, threshold_match_probability=threshold, warning_mode="never"
        )
        frames.append(_frame_of(within, config))
    frames = [f for f in frames if len(f)]
    support = forename_support(pd.concat([existing, new], ignore_index=True))
    pairs = (
        _adjust(pd.concat(frames, ignore_index=True), model, config, support)
        if frames
        else _empty_like(model)
    )
    con = db_api.duckdb_con
    between_n = _count_blocked(con, sdf_existing.physical_name, sdf_new.physical_name, rules, dedupe=False)
    within_n = _count_blocked(con, sdf_new.physical_name, sdf_new.physical_name, rules)
    return scored_pairs(
        pairs, model=model, config=config, rules=rules, started=started,
        candidate_pairs=between_n + within_n, new_records=len(new), existing_records=len(existing),
    )  # fmt: skip


def _tf_columns(settings: Mapping[str, Any]) -> list[str]:
    return sorted(
        {
            str(level["tf_adjustment_column"])
            for comp in settings["comparisons"]
            for level in comp["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )


def _empty_like(model: ResolverModel) -> pd.DataFrame:
    cols = ["record_id_l", "record_id_r", "match_probability", "match_weight"]
    for comp in model.settings.get("comparisons", []):
        name = comp["output_column_name"]
        cols += [f"gamma_{name}", f"mw_{name}"]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


def prior_weight(model: ResolverModel) -> float:
    """The match weight every pair starts from: log2 of the prior odds of a match."""
    p = float(model.settings["probability_two_random_records_match"])
    return math.log2(p / (1 - p))


def _level_labels(comp: Mapping[str, Any]) -> dict[int, str]:
    """gamma value -> level label (Splink numbers levels top to bottom, null level -1)."""
    levels = comp["comparison_levels"]
    labels: dict[int, str] = {}
    non_null = [lv for lv in levels if not lv.get("is_null_level")]
    for i, level in enumerate(non_null):
        labels[len(non_null) - 1 - i] = str(level.get("label_for_charts") or level["sql_condition"])
    for level in levels:
        if level.get("is_null_level"):
            labels[-1] = str(level.get("label_for_charts") or "Missing")
    return labels


def _value(row: Mapping[str, Any], name: str, side: str) -> str | None:
    value = row.get(f"{name}_{side}")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


_COMPARED_COLUMN = {"identifiers": ("pnc_id", "ni_number", "custody_number")}


def explain(pair: Mapping[str, Any] | pd.Series, model: ResolverModel) -> PairExplanation:
    """The waterfall of one scored pair: the prior, then each comparison's level and weight.

    The steps and the prior add up to the pair's match weight (Splink's own arithmetic).
    """
    row: Mapping[str, Any] = pair.to_dict() if isinstance(pair, pd.Series) else pair
    steps = []
    for comp in model.settings["comparisons"]:
        name = comp["output_column_name"]
        if f"gamma_{name}" not in row or f"mw_{name}" not in row:
            raise InvalidInput(
                f"The pair has no gamma_{name}/mw_{name} column; score it with score_pairs.",
                fields={name: ["missing from the scored pair"]},
            )
        gamma = int(row[f"gamma_{name}"])
        columns = _COMPARED_COLUMN.get(name, (name,))
        values_l = [v for c in columns if (v := _value(row, c, "l")) is not None]
        values_r = [v for c in columns if (v := _value(row, c, "r")) is not None]
        steps.append(
            ComparisonStep(
                name=name,
                level=_level_labels(comp).get(gamma, f"level {gamma}"),
                gamma=gamma,
                match_weight=float(row[f"mw_{name}"]),
                value_l=" / ".join(values_l) or None,
                value_r=" / ".join(values_r) or None,
            )
        )
    for rule, label in ((TWIN_GUARD, TWIN_GUARD_LABEL), (REFERENCE, REFERENCE_LABEL)):
        weight = row.get(f"mw_{rule}")
        if weight is not None and float(weight) != 0.0:
            steps.append(
                ComparisonStep(
                    name=rule, level=label, gamma=1, match_weight=float(weight), value_l=None, value_r=None
                )
            )
    return PairExplanation(
        record_id_l=str(row["record_id_l"]),
        record_id_r=str(row["record_id_r"]),
        prior_weight=prior_weight(model),
        steps=tuple(steps),
        match_weight=float(row["match_weight"]),
        match_probability=float(row["match_probability"]),
    )
