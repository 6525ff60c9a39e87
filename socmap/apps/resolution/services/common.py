"""What resolution's services share: who may judge, the engine's configuration, the judgement rows
written in bulk with their links in the hash chain."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connection

from socmap.apps.core.bulk import (
    WRITE_BATCH,
    foreign_keys_checked_once,
    indexes_built_after,
    insert_rows,
)
from socmap.apps.core.chain import JUDGEMENT_CHAIN, chain_extend
from socmap.apps.core.models import Role
from socmap.apps.resolution.models import Judgement
from socmap.engines import resolve
from socmap.errors import ConfigurationError

Progress = Callable[[str], None]
JUDGES = (Role.ANALYST, Role.SUPERVISOR)
#: Object schemas resolved by normalised identifier (no model): the engine's kind for each.
OBJECT_KINDS = {"Phone": "phone", "Vehicle": "vehicle", "BankAccount": "account", "Company": "company"}
BATCH = WRITE_BATCH
# Model judgements inserted in bulk, each with its link in the judgements' hash chain.
JUDGEMENT_COLUMNS = (
    "left_id",
    "right_id",
    "decision",
    "model_version",
    "probability",
    "reason",
    "run_id",
    "created_at",
    "chain_seq",
    "chain_prev",
    "chain_hash",
)


def upper_fixed() -> float | None:
    """The merge threshold set in ``SOCMAP_RESOLVE_UPPER``; None (the default) lets each full run
    merge from the operating point the model calibrates on its own scores (ADR 17)."""
    value = getattr(settings, "SOCMAP_RESOLVE_UPPER", None)
    return None if value is None else float(value)


def config_get() -> resolve.ResolveConfig:
    """Thresholds come from settings (``SOCMAP_RESOLVE_UPPER`` / ``_LOWER``); defaults are the engine's.

    Without a fixed upper threshold the engine's default stands here until a run calibrates one."""
    default = resolve.ResolveConfig()
    fixed = upper_fixed()
    upper = default.upper_threshold if fixed is None else fixed
    lower = float(getattr(settings, "SOCMAP_RESOLVE_LOWER", default.lower_threshold))
    if not 0.0 < lower < upper <= 1.0:
        raise ConfigurationError(
            f"SOCMAP_RESOLVE_LOWER ({lower}) must be above 0 and below SOCMAP_RESOLVE_UPPER ({upper}), "
            "which must be at most 1"
        )
    return resolve.ResolveConfig(
        upper_threshold=upper,
        lower_threshold=lower,
        # Where pairs are scored (SOCMAP_RESOLVE_BACKEND, ADR 0018); the engine refuses other names.
        backend=str(getattr(settings, "SOCMAP_RESOLVE_BACKEND", default.backend)),
        spark_master=str(getattr(settings, "SOCMAP_SPARK_MASTER", default.spark_master)),
        spark_workdir=getattr(settings, "SOCMAP_SPARK_WORKDIR", "") or None,
        spark_partitions=int(getattr(settings, "SOCMAP_SPARK_PARTITIONS", default.spark_partitions)),
        min_precision=float(getattr(settings, "SOCMAP_RESOLVE_MIN_PRECISION", default.min_precision)),
        memory_limit=getattr(settings, "SOCMAP_RESOLVE_MEMORY", "") or None,
    )


def model_dir() -> Path:
    path = Path(settings.VAR_DIR) / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair's two record ids in the order it is stored (smaller first)."""
    return (a, b) if a < b else (b, a)


def model_judgements_insert(rows: list[tuple[Any, ...]]) -> int:
    """Insert model judgements ``(left, right, decision, model version, probability, reason, run,
    created)``, each chained to the last (``COPY`` on PostgreSQL: a large run makes hundreds of
    thousands). Returns the chain place of the first (the rest follow it in order), 0 for none."""
    table = Judgement._meta.db_table
    with (
        connection.cursor() as cursor,
        foreign_keys_checked_once(cursor, table, len(rows)),
        indexes_built_after(cursor, table, len(rows)),
    ):
        chained = chain_extend(JUDGEMENT_CHAIN, JUDGEMENT_COLUMNS[:-3], rows)
        insert_rows(cursor, table, JUDGEMENT_COLUMNS, chained)
    return int(chained[0][-3]) if chained else 0


def among(values: pd.Series | pd.Index, members: Collection[str]) -> np.ndarray:
    """Which of ``values`` (record ids) are ``members``, as a boolean array.

    Looked up by Arrow: pandas' ``isin`` of Arrow strings against a list made an Arrow scalar of
    each member in Python, 2.1 s for a million-row run's 417,000 ids, and a run asked it three
    times (0.3 s here)."""
    if not len(values) or not members:
        return np.zeros(len(values), dtype=bool)
    found = pc.is_in(
        pa.array(values.array, type=pa.string()), value_set=pa.array(list(members), type=pa.string())
    )
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
