"""Resolution on Spark gives the same people as on DuckDB: the same model file, blocking rules and
thresholds, scored by Splink's Spark backend in PySpark's local mode on the small synthetic region.

One Spark session serves the module (its JVM starts once) and is stopped at the end; it runs on one
thread with few partitions, since the machine is shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.resolution.models import Pair, RunStatus
from socmap.apps.resolution.services import resolution_run
from socmap.engines import resolve
from socmap.engines.resolve import spark
from socmap.errors import ConfigurationError
from tests.apps.intel.conftest import region  # noqa: F401 - the session's small synthetic region

SOURCES = {"intel-gloucestershire", "legacy-gloucestershire", "safeguarding-cheltenham", "custody", "prison"}
SPARK = {"SOCMAP_RESOLVE_BACKEND": "spark", "SOCMAP_SPARK_MASTER": "local[1]", "SOCMAP_SPARK_PARTITIONS": 4}


@pytest.fixture(scope="module", autouse=True)
def _one_session() -> Iterator[None]:
    yield
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


def test_duckdb_sql_of_the_model_is_spelled_for_spark() -> None:
    assert spark.spark_sql('list_has_any("first_keys_l", "first_keys_r")') == (
        "arrays_overlap(`first_keys_l`, `first_keys_r`)"
    )
    assert spark.spark_sql('jaro_winkler_similarity("street_l", "street_r") >= 0.9') == (
        "jaro_winkler(`street_l`, `street_r`) >= 0.9"
    )
    near = spark.spark_sql('within_one("postcode_l", "postcode_r")')
    assert "damerau_levenshtein(`postcode_l`, `postcode_r`) <= 1" in near.lower()
    assert "within_one" not in near and '"' not in near
    assert spark.spark_sql("ELSE") == "ELSE"


def test_a_backend_other_than_duckdb_or_spark_is_refused_by_name() -> None:
    with pytest.raises(ConfigurationError, match="'presto' is not one of duckdb, spark"):
        resolve.ResolveConfig(backend="presto")
    # Where pairs are scored is not part of what a result depends on.
    assert resolve.ResolveConfig(backend="spark").config_hash == resolve.ResolveConfig().config_hash


def _pairs() -> dict[tuple[str, str], tuple[float, int | None]]:
    rows = Pair.objects.values_list("left_id", "right_id", "probability", "run_id")
    return {(a, b): (p, run) for a, b, p, run in rows}


def _people(pairs: dict[tuple[str, str], tuple[float, int | None]], ids: list[str]) -> dict[str, str]:
    merged = [(a, b, p) for (a, b), (p, _) in pairs.items() if p >= resolve.ResolveConfig().upper_threshold]
    return dict(resolve.cluster(ids, merged).cluster_of)


@pytest.mark.django_db
def test_spark_gives_the_people_duckdb_gives_with_the_same_model(region: Path, tmp_path: Path) -> None:  # noqa: F811
    with override_settings(VAR_DIR=tmp_path):
        build_demo_organisations()
        build_demo_intel(folder=region, only=SOURCES)
        first = resolution_run(actor=None, kind="full")
        assert first.status == RunStatus.DONE, first.message
        on_duckdb = _pairs()
        assert len(on_duckdb) > 500
        # A second full run, on Spark, with the model file the first one trained and saved.
        with override_settings(**SPARK):
            second = resolution_run(actor=None, kind="full")
    assert second.status == RunStatus.DONE, second.message
    assert second.model_path == first.model_path
    assert second.records == first.records and second.candidate_pairs == first.candidate_pairs
    on_spark = _pairs()
    # Spark kept no pair in the review band or above that DuckDB had not kept ...
    assert set(on_spark) == set(on_duckdb)
    # ... and rescored (run = the Spark run) at least 99 % of DuckDB's, to the same probability.
    rescored = [key for key, (_, run) in on_spark.items() if run == second.pk]
    same = [key for key in rescored if abs(on_spark[key][0] - on_duckdb[key][0]) <= 1e-6]
    assert len(same) >= 0.99 * len(on_duckdb), (len(same), len(on_duckdb))
    # The same people: the clusters of Spark's merges measured against DuckDB's, pair by pair.
    ids = sorted({x for key in on_duckdb for x in key})
    agreement = resolve.evaluate(_people(on_spark, ids), _people(on_duckdb, ids))
    assert agreement.pairwise_precision >= 0.99 and agreement.pairwise_recall >= 0.99, agreement
