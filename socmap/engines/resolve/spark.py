"""Score person pairs with Splink's Spark backend: the same model, rules and arithmetic as DuckDB.

For record counts that outgrow one machine (``ResolveConfig(backend="spark")``). The prepared
records go to Spark as a Parquet file, Spark writes the scored pairs back as Parquet, and this
process reads them in record batches: no pair crosses the Python-JVM bridge one row at a time,
and on a cluster the executors read and write the files directly (``spark_workdir`` on shared
storage). Everything after Splink's weights (term frequencies folded in, the twin guard,
cross-references, the name-only mark) is the DuckDB path's own code, run on the returned pairs.

The model file is Splink settings written in DuckDB's SQL; ``spark_sql`` turns each comparison
level into Spark SQL: sqlglot's translation, the ``within_one`` macro spelled out, DuckDB's
``jaro_winkler_similarity`` and ``list_has_any`` as the Splink jar's ``jaro_winkler`` and Spark's
``arrays_overlap``. Which pairs agree between the two is measured, not assumed
(tests/engines/resolve/test_spark.py, docs/adr/0018).
"""

from __future__ import annotations

import contextlib
import copy
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import sqlglot

from socmap.engines.resolve import person
from socmap.engines.resolve.prepare import prepare_records, with_block_keys
from socmap.engines.resolve.types import ResolveConfig, ResolverModel, ScoredPairs
from socmap.errors import ConfigurationError, InvalidInput

_WITHIN_ONE = re.compile(r"within_one\(([^,()]+),\s*([^,()]+)\)")
_OVERLAP = re.compile(r"(`\w+`) && (`\w+`)")


def _spell_within_one(match: re.Match[str]) -> str:
    a, b = match[1], match[2]
    return (
        f"(levenshtein({a}, {b}) <= 1 OR (length({a}) = length({b}) "
        f"AND levenshtein({a}, {b}) = 2 AND damerau_levenshtein({a}, {b}) <= 1))"
    )


def spark_sql(condition: str) -> str:
    """A comparison level's condition, written for DuckDB, as Spark SQL."""
    if condition.strip().upper() == "ELSE":
        return condition
    expanded = _WITHIN_ONE.sub(_spell_within_one, condition)
    out = sqlglot.transpile(expanded, read="duckdb", write="spark")[0]
    out = _OVERLAP.sub(r"arrays_overlap(\1, \2)", out)
    return out.replace("JAROWINKLER_SIMILARITY(", "jaro_winkler(")


def spark_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Scoring settings (``person._scoring_settings``) with every level's SQL in Spark's dialect."""
    out = copy.deepcopy(settings)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = spark_sql(str(level["sql_condition"]))
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        rule["blocking_rule"] = spark_sql(str(rule["blocking_rule"]))
        rule.pop("sql_dialect", None)
    out["sql_dialect"] = "spark"
    return out


def session(config: ResolveConfig) -> Any:
    """The process's Spark session (started on first use), with Splink's similarity functions.

    One per process: Spark allows one context per JVM, and the JVM's start (several seconds) is
    paid once. Settings given here apply only when the session starts.
    """
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigurationError(
            "SOCMAP_RESOLVE_BACKEND=spark needs PySpark: install socmap with its 'spark' extra "
            "(pip install 'socmap[spark]')."
        ) from exc
    builder = SparkSession.builder
    if config.spark_master:  # empty: spark-submit's --master (or spark-defaults.conf) decides
        builder = builder.master(config.spark_master)
    builder = (
        builder.appName("socmap-resolve")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(config.spark_partitions))
        .config("spark.default.parallelism", str(config.spark_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.log.level", "ERROR")
        .config("spark.sql.ansi.enabled", "false")
        # The comparison vector of nine comparisons compiles to one method beyond the JVM's
        # 64 KB limit; Spark then falls back to interpreting it after a failed compile (seconds,
        # a stack trace in the log). Without whole-stage code generation it goes straight there.
        .config("spark.sql.codegen.wholeStage", "false")
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextlib.contextmanager
def _workdir(config: ResolveConfig) -> Iterator[tuple[pafs.FileSystem, str, str]]:
    """(filesystem, path, URI) of a folder of this run's files, removed afterwards."""
    base = config.spark_workdir or tempfile.mkdtemp(prefix="socmap-spark-")
    # Spark's Hadoop names S3 s3a://, Arrow s3://: the same bucket.
    arrow_uri = base.replace("s3a://", "s3://", 1) if "://" in base else f"file://{base}"
    fs, root = pafs.FileSystem.from_uri(arrow_uri)
    name = f"run-{uuid.uuid4().hex[:12]}"
    path = f"{root.rstrip('/')}/{name}"
    fs.create_dir(path, recursive=True)
    uri = f"{base.rstrip('/')}/{name}"
    try:
        yield fs, path, uri
    finally:
        with contextlib.suppress(OSError):
            fs.delete_dir(path)
        if not config.spark_workdir:
            with contextlib.suppress(OSError):
                fs.delete_dir(root)


def _to_spark(
    db_api: Any, fs: pafs.FileSystem, path: str, uri: str, prepared: pd.DataFrame, name: str
) -> Any:
    """The prepared records written as Parquet, read by Spark and registered with Splink (no rows
    through py4j: on a cluster the executors read the file themselves)."""
    pq.write_table(person._arrow(prepared), f"{path}/{name}.parquet", filesystem=fs)
    frame = db_api.spark.read.parquet(f"{uri}/{name}.parquet")
    return db_api.register(frame, table_name=f"{name}_{uuid.uuid4().hex[:8]}")


#: Pairs read back from Parquet per batch.
READ_BATCH = 200_000


def _pairs_back(
    spark: Any, fs: pafs.FileSystem, path: str, uri: str, table: str, config: ResolveConfig
) -> pd.DataFrame:
    """Spark writes the scored pairs as Parquet; they are read back here in record batches."""
    frame = spark.table(table)
    columns = frame.columns
    if not config.retain_values:
        front = ["record_id_l", "record_id_r", "match_probability", "match_weight"]
        columns = front + [c for c in columns if c.startswith(("gamma_", "mw_"))]
    out = f"pairs-{uuid.uuid4().hex[:8]}"
    frame.select(*columns).write.mode("overwrite").parquet(f"{uri}/{out}")
    dataset = ds.dataset(f"{path}/{out}", format="parquet", filesystem=fs)
    chunks = [batch.to_pandas() for batch in dataset.to_batches(batch_size=READ_BATCH)]
    if not chunks:
        return dataset.schema.empty_table().to_pandas()
    pairs = pd.concat(chunks, ignore_index=True)
    for column in pairs.columns:  # lists as DuckDB gives them (numpy arrays from Arrow)
        if pa.types.is_list(dataset.schema.field(column).type):
            pairs[column] = pairs[column].map(lambda v: list(v) if v is not None else None)
    return pairs


def _count(spark: Any, left: str, right: str, rules: tuple[str, ...], *, dedupe: bool = True) -> int:
    sqls = person.count_blocked_sql(left, right, tuple(spark_sql(r) for r in rules), dedupe)
    return sum(int(spark.sql(sql).collect()[0][0]) for sql in sqls)


def _db_api(spark: Any, config: ResolveConfig) -> Any:
    from splink import SparkAPI

    return SparkAPI(spark_session=spark, num_partitions_on_repartition=config.spark_partitions)  # type: ignore[no-untyped-call]


def _linker(settings: dict[str, Any], sdf: Any) -> Any:
    from splink import Linker

    return Linker(sdf, spark_settings(settings), log_level=None, validate_settings=False)


def _checkpoints(spark: Any, uri: str) -> None:
    # Splink breaks long lineages by writing intermediate tables as Parquet under this folder.
    spark.sparkContext.setCheckpointDir(f"{uri}/checkpoints")


def score_pairs(records: pd.DataFrame, model: ResolverModel, config: ResolveConfig) -> ScoredPairs:
    """``person.score_pairs`` on Spark: every candidate pair within ``records``."""
    started = time.perf_counter()
    prepared = prepare_records(records)
    rules = person._rules(config)
    spark = session(config)
    with _workdir(config) as (fs, path, uri):
        _checkpoints(spark, uri)
        sdf = _to_spark(_db_api(spark, config), fs, path, uri, prepared, "records")
        settings = person._scoring_settings(model, rules, config, len(prepared))
        linker = _linker(settings, sdf)
        blocked = _count(spark, sdf.physical_name, sdf.physical_name, rules)
        with person._quiet_splink():
            predictions = linker.inference.predict(
                threshold_match_probability=config.keep_above or None, warning_mode="never"
            )
        pairs = _pairs_back(spark, fs, path, uri, predictions.physical_name, config)
        predictions.drop_table_from_database_and_remove_from_cache()
        spark.catalog.clearCache()
    pairs = person._adjust(pairs, model, config, person.forename_support(prepared))
    return person.scored_pairs(
        pairs, model=model, config=config, rules=rules, started=started, candidate_pairs=blocked,
        records=len(prepared),
    )  # fmt: skip


def score_new(
    new_records: pd.DataFrame, existing_records: pd.DataFrame, model: ResolverModel, config: ResolveConfig
) -> ScoredPairs:
    """``person.score_new`` on Spark: a new batch against the existing records and within itself."""
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
    rules = person._rules(config)
    spark = session(config)
    with _workdir(config) as (fs, path, uri):
        _checkpoints(spark, uri)
        db_api = _db_api(spark, config)
        sdf_existing = _to_spark(db_api, fs, path, uri, existing, "existing")
        sdf_new = _to_spark(db_api, fs, path, uri, new, "new_batch")
        old_view, new_view = sdf_existing.physical_name, sdf_new.physical_name
        settings = person._scoring_settings(model, rules, config, len(existing))
        linker = _linker(settings, sdf_existing)
        for column in person._tf_columns(settings):
            linker.table_management.compute_tf_table(column)
        threshold = config.keep_above or None
        frames = []
        with person._quiet_splink():
            if len(existing):
                between = linker.inference.predict_between(
                    sdf_existing, sdf_new, threshold_match_probability=threshold, warning_mode="never"
                )
                frames.append(_pairs_back(spark, fs, path, uri, between.physical_name, config))
            if len(new) > 1:
                within = linker.inference.predict_within(
                    sdf_new, threshold_match_probability=threshold, warning_mode="never"
                )
                frames.append(_pairs_back(spark, fs, path, uri, within.physical_name, config))
        between_n = _count(spark, old_view, new_view, rules, dedupe=False)
        within_n = _count(spark, new_view, new_view, rules)
        spark.catalog.clearCache()
    frames = [f for f in frames if len(f)]
    support = person.forename_support(pd.concat([existing, new], ignore_index=True))
    pairs = (
        person._adjust(pd.concat(frames, ignore_index=True), model, config, support)
        if frames
        else person._empty_like(model)
    )
    return person.scored_pairs(
        pairs, model=model, config=config, rules=rules, started=started,
        candidate_pairs=between_n + within_n, new_records=len(new), existing_records=len(existing),
    )  # fmt: skip
