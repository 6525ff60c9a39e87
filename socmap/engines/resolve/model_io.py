"""Read and write the versioned person-model file (Splink settings JSON plus our metadata)."""

from __future__ import annotations

import json
import os
import pathlib
import tempfile
from typing import Any

from socmap.engines.resolve.types import (
    ENGINE_NAME,
    MODEL_FORMAT,
    MODEL_FORMAT_VERSION,
    ResolverModel,
)
from socmap.errors import InvalidModel

_REQUIRED_META = ("engine", "engine_version", "config_hash", "trained_on", "created_at")


def model_document(model: ResolverModel) -> dict[str, Any]:
    return {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "metadata": dict(model.metadata),
        "splink_settings": dict(model.settings),
    }


def save_model(model: ResolverModel, path: str) -> None:
    """Write atomically, so that a crash never leaves half a model behind."""
    target = pathlib.Path(path)
    text = json.dumps(model_document(model), indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=str(target.parent), prefix=".model-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def validate_document(doc: Any, where: str) -> ResolverModel:
    """Check a parsed model document; every problem is reported in one ``InvalidModel``."""
    if not isinstance(doc, dict):
        raise InvalidModel(f"{where} is not a socmap person model: expected a JSON object.")
    problems: dict[str, list[str]] = {}
    if doc.get("format") != MODEL_FORMAT:
        problems["format"] = [f"expected {MODEL_FORMAT!r}, found {doc.get('format')!r}"]
    if doc.get("format_version") != MODEL_FORMAT_VERSION:
        problems["format_version"] = [
            f"this engine reads version {MODEL_FORMAT_VERSION}, the file is version "
            f"{doc.get('format_version')!r}; retrain the model"
        ]
    meta = doc.get("metadata")
    if not isinstance(meta, dict):
        problems["metadata"] = ["missing or not an object"]
    else:
        missing = [k for k in _REQUIRED_META if k not in meta]
        if missing:
            problems["metadata"] = [f"missing {', '.join(missing)}"]
        elif meta.get("engine") != ENGINE_NAME:
            problems["metadata.engine"] = [f"expected {ENGINE_NAME!r}, found {meta.get('engine')!r}"]
    settings = doc.get("splink_settings")
    if not isinstance(settings, dict):
        problems["splink_settings"] = ["missing or not an object"]
    else:
        comps = settings.get("comparisons")
        if not isinstance(comps, list) or not comps:
            problems["splink_settings.comparisons"] = ["missing or empty"]
        else:
            for i, comp in enumerate(comps):
                levels = comp.get("comparison_levels") if isinstance(comp, dict) else None
                if not isinstance(levels, list) or not levels:
                    problems[f"splink_settings.comparisons[{i}]"] = ["has no comparison levels"]
                    continue
                for j, level in enumerate(levels):
                    if not isinstance(level, dict) or "sql_condition" not in level:
                        problems[f"splink_settings.comparisons[{i}].comparison_levels[{j}]"] = [
                            "has no sql_condition"
                        ]
                    elif not level.get("is_null_level") and level.get("sql_condition") != "ELSE":
                        for p in ("m_probability", "u_probability"):
                            value = level.get(p)
                            # None: a level never seen in training (Splink gives it weight 0).
                            if value is not None and (
                                not isinstance(value, int | float) or not 0 <= value <= 1
                            ):
                                problems.setdefault(
                                    f"splink_settings.comparisons[{i}].comparison_levels[{j}]", []
                                ).append(f"{p} is {value!r}, not a probability")
        prior = settings.get("probability_two_random_records_match")
        if not isinstance(prior, int | float) or not 0 < prior < 1:
            problems["splink_settings.probability_two_random_records_match"] = [
                f"{prior!r} is not a probability"
            ]
    if problems:
        raise InvalidModel(f"{where} is not a usable socmap person model.", fields=problems)
    assert isinstance(meta, dict) and isinstance(settings, dict)
    return ResolverModel(settings=settings, metadata=meta)


def load_model(path: str) -> ResolverModel:
    where = f"The model file {path}"
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidModel(f"{where} does not exist.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidModel(f"{where} cannot be read: {exc}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidModel(
            f"{where} is corrupt: invalid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})."
        ) from exc
    return validate_document(doc, where)
