"""Dataclasses of the entity-resolution engine: its configuration, model and results.

Input schema (one pandas DataFrame row per source record describing a person)
-----------------------------------------------------------------------------
==================  ==========================================================================
``record_id``       str, unique across the frame (required)
``source``          str, the source system the record came from
``first_name``      forename as given
``middle_names``    further forenames, space separated
``last_name``       surname as given
``full_name``       the whole name when the source gave only one field ("SMITH John" or
                    "Smith, John" are read surname first; otherwise the last word is the
                    surname)
``aliases``         other names: a list, or one string joined with "; "
``nickname``        a street name or diminutive ("Bob", "Smudger")
``birth_date``      ISO "YYYY-MM-DD", or partial "YYYY-MM" / "YYYY"; "DD/MM/YYYY" is read too
``postcode``        UK postcode, normalised "GL50 3PP" (other forms are normalised here)
``address``         free text ("12 High Street, Cheltenham, GL50 3PP"): split here into house
                    number, street and locality unless those columns are given
``house_number``    the house number ("12", "12a"), when the source keeps it apart
``street``          the street ("High St"), when the source keeps it apart
``locality``        town, village or suburb, when the source keeps it apart
``age``             an approximate age in years ("about 30", "30-35"), when no date of birth
                    was given
``age_on``          ISO date the age was given on (the report date); without it the age is
                    not used
``phone``           E.164 ("+447700900123"); UK national "07700 900123" is normalised here
``pnc_id``          Police National Computer id
``custody_number``  custody record number
``ni_number``       National Insurance number
==================  ==========================================================================

Every column but ``record_id`` may be missing from the frame or hold None/NaN; values may be
mis-cased or carry stray whitespace: the engine normalises them (``prepare.py``) and keeps the
original frame untouched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from socmap.errors import ConfigurationError

ENGINE_NAME = "socmap.engines.resolve"
ENGINE_VERSION = "1.10.0"
#: Version of the saved model file layout; a file of another version is refused.
MODEL_FORMAT = "socmap.resolve.person-model"
MODEL_FORMAT_VERSION = 1

#: Where pairs may be scored (``ResolveConfig.backend``).
BACKENDS = ("duckdb", "spark")
#: Configuration that says where, not how: left out of ``config_hash``.
BACKEND_FIELDS = ("backend", "spark_master", "spark_workdir", "spark_partitions")
#: Configuration that says how much of the result comes back, not how pairs score: also left out.
OUTPUT_FIELDS = ("return_from",)

INPUT_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "first_name",
    "middle_names",
    "last_name",
    "full_name",
    "aliases",
    "nickname",
    "birth_date",
    "postcode",
    "address",
    "house_number",
    "street",
    "locality",
    "age",
    "age_on",
    "phone",
    "pnc_id",
    "custody_number",
    "ni_number",
)


#: Person statement properties the engine compares, by the input column it expects each in (the
#: store's reads and the benchmarks build the frame with it).
PERSON_PROPS = {
    "first_name": "first_name",
    "middle_names": "middle_names",
    "last_name": "last_name",
    "full_name": "full_name",
    "alias": "aliases",
    "nickname": "nickname",
    "birth_date": "birth_date",
    "pnc_id": "pnc_id",
    "custody_number": "custody_number",
    "ni_number": "ni_number",
}


@dataclass(frozen=True)
class ResolveConfig:
    """How to train and score.

    The thresholds are chosen by evaluation on the synthetic region (``bench/resolve_synth.py
    --sweep``, seed 2026; clusters formed by ``cluster_scored``) and on FEBRL4
    (``bench/resolve_febrl4.py``); small through the database, medium and large through the
    ingest engine (on small both paths build identical frames). Pairs at or above
    ``upper_threshold`` (0.99, match weight about +6.6) are proposed as matches; pairs between
    ``lower_threshold`` (0.5) and it go to an analyst; below it they are not shown.
    Measured pairwise precision / recall / F1:

    ===========  ======================  ======================  ======================
    upper        small (2,121 records)   medium (41,735)         large (416,133)
    ===========  ======================  ======================  ======================
    0.5          0.991 / 0.995 / 0.993   0.925 / 0.986 / 0.954   0.366 / 0.974 / 0.533
    0.9          1.000 / 0.991 / 0.996   0.998 / 0.978 / 0.988   0.996 / 0.965 / 0.980
    0.99         1.000 / 0.980 / 0.990   0.999 / 0.975 / 0.987   0.997 / 0.964 / 0.980
    0.999        1.000 / 0.941 / 0.970   0.999 / 0.968 / 0.983   0.997 / 0.956 / 0.976
    ===========  ======================  ======================  ======================

    Below 0.9 precision collapses at scale (large 0.37 at 0.5: one wrong link glues two people
    with hundreds of records each); namesakes, families and twins live there. From 0.9 to 0.995
    F1 is flat within 0.001, and 0.99 is kept because an automatic merge is costlier to undo
    than a review; at 0.999 recall starts to go. 0.5 holds nearly every true pair the model can
    find (recall 0.986 at medium against blocking recall 0.991), so the review band misses
    little. On FEBRL4 F1 is 0.9957 at 0.99. Likely twins are capped at ``twin_cap`` (0.9),
    inside the review band. Pairs resting on the name alone attach lone records from
    ``attach_threshold`` (0.5) but never join clusters: at 0.8 large scored 0.969 and medium
    0.988, at 0.5 large 0.980 and medium 0.987: at scale, a name in the review band that points
    to one cluster only gains more recall than it costs precision.

    ``blocking`` None means the default rules in ``comparisons.BLOCKING_RULES``; pass SQL
    conditions on ``l.``/``r.`` prepared columns to override. ``keep_above`` drops scored pairs
    below that probability from ``ScoredPairs`` so that a million-record run does not carry
    tens of millions of hopeless pairs into pandas (0.0 keeps all).

    ``u_max_pairs`` (random pairs for u): None, one pair a record and at least 1e5
    (``training.u_pairs``): rare levels such as the same date of birth need more random pairs
    as the records grow, a small input does not. A number fixes it.
    """

    upper_threshold: float = 0.99
    lower_threshold: float = 0.5
    #: The operating point (``calibrate.operating_point``) merges only from a threshold whose
    #: estimated precision is at least this. 0.999, was 0.995: at 0.995 the medium region chose
    #: 0.95, where bare namesakes (two records with one full name and nothing else) are scored
    #: 0.95-0.99 but one in five is another person: pairs measured 0.987 precise against 0.998
    #: estimated. At 0.999 it chooses 0.98: pairwise F1 after clustering 0.979 and 0.981 without
    #: identifiers (seeds 2026 and 7), 0.982 with them, was 0.974, 0.975, 0.971; the estimate
    #: within 0.007 of the measurement; the small regions move by 0.001 at most, FEBRL4 not at
    #: all (docs/adr/0021). The app asks 0.9995 (``SOCMAP_RESOLVE_MIN_PRECISION``, ADR 17).
    min_precision: float = 0.999
    blocking: tuple[str, ...] | None = None
    seed: int = 42
    u_max_pairs: float | None = None
    keep_above: float = 0.01
    prior_recall: float = 0.7
    em_max_iterations: int = 25
    #: Highest probability a likely-twin pair may reach (inside the review band); see person.py.
    twin_cap: float = 0.9
    #: The twin cap applies only where each forename stands on at least this many records with
    #: the pair's surname and date of birth (1: always); see ``_twin_guard`` in person.py.
    twin_support: int = 2
    #: Probability a cross-reference is lifted to: a record that holds nothing but a custody
    #: number, PNC id or NI number (a custody record's co-accused) is the person that identifier
    #: belongs to, not a guess; see ``_reference`` in person.py.
    reference_floor: float = 0.999
    #: From this probability a pair resting on the name alone may attach a lone record to the
    #: one cluster its name points to (``cluster_scored``); it never joins two clusters.
    attach_threshold: float = 0.5
    #: DuckDB's memory limit for training and scoring ("4GB"); None leaves DuckDB's default
    #: (80 % of the machine). Beyond it DuckDB spills to temporary files.
    memory_limit: str | None = None
    #: Keep the compared values (``<column>_l``/``_r``) in ``ScoredPairs.pairs``. A run whose
    #: kept pairs number millions (the large region keeps about 6 million above 0.5, one per
    #: true pair) can leave them out: as Python strings they took over 8 GB; ``explain`` then
    #: shows levels and weights without the values.
    retain_values: bool = True
    #: Pairs scored below this probability (after the post-Splink rules) are counted, their
    #: probabilities kept in ``ScoredPairs.probabilities`` for the operating point, but not
    #: returned; the rest come back with narrow types (identifiers as Arrow strings, levels as
    #: small integers, weights as float32), read from DuckDB in slices. None returns every pair
    #: above ``keep_above``. At a million records the app keeps the review band and above (about
    #: 6 million pairs) in well under a gigabyte instead of carrying 20 million into pandas.
    return_from: float | None = None
    #: Where candidate pairs are scored: ``duckdb`` (in this process) or ``spark`` (Splink's
    #: Spark backend, ``spark.py``; needs the ``spark`` extra). Training stays on DuckDB, on
    #: samples, whichever scores (docs/adr/0018).
    backend: str = "duckdb"
    #: The Spark master for ``backend="spark"``: ``local[2]`` (in-process, two threads),
    #: ``spark://host:7077``, ``yarn``, ``k8s://...``; empty: the one ``spark-submit`` was given.
    spark_master: str = "local[2]"
    #: Where the records go to Spark and the pairs come back, as Parquet files: a local folder
    #: in local mode; on a cluster, storage the driver and every executor reach (``hdfs://``,
    #: ``s3a://`` or a shared mount). None: a temporary folder, removed after the run.
    spark_workdir: str | None = None
    #: Shuffle partitions of the Spark jobs (Spark's default of 200 is for large clusters; a
    #: small region on two threads spends most of its time scheduling empty tasks).
    spark_partitions: int = 8

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigurationError(
                f"The resolution backend {self.backend!r} is not one of {', '.join(BACKENDS)}."
            )

    def as_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form of the configuration."""
        body = dataclasses.asdict(self)
        body["blocking"] = list(self.blocking) if self.blocking is not None else None
        return body

    @property
    def config_hash(self) -> str:
        """Stable short hash of the configuration, recorded in every result.

        Where the pairs are scored is left out: both backends give the same pairs
        (tests/engines/resolve/test_spark.py), so a model or run is the same whichever scored it.
        """
        body = {k: v for k, v in self.as_dict().items() if k not in BACKEND_FIELDS + OUTPUT_FIELDS}
        text = json.dumps(body, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class RunInfo:
    """What produced a result: engine name and version, config hash, seed, timings."""

    engine: str
    engine_version: str
    config_hash: str
    seed: int
    seconds: float
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ResolverModel:
    """A trained person model: Splink's settings JSON plus our metadata.

    ``settings`` is exactly what Splink's ``Linker`` accepts (comparisons with their trained
    m and u, the prior, the blocking rules). ``metadata`` holds ``engine``,
    ``engine_version``, ``config_hash``, ``trained_on`` (record counts) and ``created_at``.
    """

    settings: Mapping[str, Any]
    metadata: Mapping[str, Any]

    def save(self, path: str) -> None:
        """Write the versioned model file (JSON)."""
        from socmap.engines.resolve.model_io import save_model

        save_model(self, path)

    @classmethod
    def load(cls, path: str) -> ResolverModel:
        """Read a model file; raise ``InvalidModel`` if it is corrupt or of another version."""
        from socmap.engines.resolve.model_io import load_model

        return load_model(path)


@dataclass(frozen=True)
class ScoredPairs:
    """Scored candidate pairs and how they were produced.

    ``pairs`` columns: ``record_id_l``, ``record_id_r`` (l < r), ``match_probability``,
    ``match_weight``, then per comparison ``gamma_<name>`` (level index) and ``mw_<name>`` (its
    partial match weight), and the prepared values compared (``<column>_l``/``<column>_r``).
    ``candidate_pairs`` is how many pairs blocking produced before ``keep_above`` filtered.
    """

    pairs: pd.DataFrame
    run: RunInfo
    model_created_at: str
    blocking_rules: tuple[str, ...]
    candidate_pairs: int
    kept_above: float
    #: Every scored pair's probability (above ``kept_above``) when ``pairs`` holds only those from
    #: ``ResolveConfig.return_from``: what the operating point is estimated from. In no particular
    #: order.
    probabilities: np.ndarray | None = None


@dataclass(frozen=True)
class ComparisonStep:
    """One bar of the waterfall: a comparison, the level it fell in and its weight."""

    name: str
    level: str
    gamma: int
    match_weight: float
    value_l: str | None
    value_r: str | None


@dataclass(frozen=True)
class PairExplanation:
    """Why a pair scored what it did. ``prior_weight + sum(step weights) == match_weight``."""

    record_id_l: str
    record_id_r: str
    prior_weight: float
    steps: tuple[ComparisonStep, ...]
    match_weight: float
    match_probability: float


@dataclass(frozen=True)
class ClusterConflict:
    """A no-match judgement between two records that positive links would have joined."""

    record_id_a: str
    record_id_b: str
    #: The positive links not applied so that the two stay apart, weakest first.
    cut_edges: tuple[tuple[str, str, float], ...]


@dataclass(frozen=True)
class ClusterResult:
    """Clusters of record ids, with the conflicts that forced splits."""

    #: record id -> cluster id (the smallest record id in the cluster)
    cluster_of: Mapping[str, str]
    clusters: tuple[tuple[str, ...], ...]
    conflicts: tuple[ClusterConflict, ...]
    run: RunInfo
    #: The lone records the weak links attached (each alone before, in a larger cluster after).
    attached: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Evaluation:
    """Quality of a clustering or of pair predictions against ground truth."""

    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    #: Share of true pairs that blocking compared at all; None when no candidates were given.
    blocking_recall: float | None
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    records: int
    run: RunInfo


@dataclass(frozen=True)
class ObjectCluster:
    """Records that name the same vehicle, phone, account... by normalised identifier."""

    kind: str
    key: str
    record_ids: tuple[str, ...]


@dataclass(frozen=True)
class ObjectResolveResult:
    """Object clusters, plus the values that could not be normalised (kept, never dropped)."""

    clusters: tuple[ObjectCluster, ...]
    cluster_of: Mapping[tuple[str, str], str]
    rejected: tuple[tuple[str, str, str, str], ...]
    run: RunInfo


@dataclass(frozen=True)
class ThresholdQuality:
    """Quality of the pairs at or above one threshold: as the model estimates it, and as measured
    against ground truth when there is some (else None)."""

    threshold: float
    pairs: int
    estimated_precision: float
    estimated_recall: float
    estimated_f1: float
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None


@dataclass(frozen=True)
class OperatingPoint:
    """The merge and review thresholds chosen from the model's own estimate of its precision.

    ``upper_threshold``: pairs at or above it are merged by the model; ``lower_threshold``:
    pairs from it up to the upper one go to an analyst. ``curve`` is the estimate (and the
    measurement, when truth was given) at every threshold considered.
    """

    upper_threshold: float
    lower_threshold: float
    estimated_precision: float
    estimated_recall: float
    estimated_f1: float
    curve: tuple[ThresholdQuality, ...]
