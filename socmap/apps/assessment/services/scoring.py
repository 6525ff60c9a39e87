"""Scoring models: the shipped one, those stored with the versions they scored, registering one."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from socmap.apps.assessment.models import (
    ScoringModelVersion,
)
from socmap.engines import assess
from socmap.errors import Conflict

# --------------------------------------------------------------------------- scoring models


def model_path() -> Path:
    """The scoring model new assessments use: ``SOCMAP_ASSESS_MODEL`` or the one socmap ships."""
    return Path(getattr(settings, "SOCMAP_ASSESS_MODEL", "") or assess.DEFAULT_MODEL)


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> assess.ScoringModel:
    return assess.load_scoring_model(path)


def model_current() -> assess.ScoringModel:
    """The current scoring model, read once per file change."""
    path = model_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load(str(path), mtime)


@functools.lru_cache(maxsize=32)
def model_of(text: str, name: str) -> assess.ScoringModel:
    """A stored model version, parsed from the text kept with it."""
    return assess.parse_scoring_model(text, file=name)


def stored_model(version: ScoringModelVersion) -> assess.ScoringModel:
    return model_of(version.text, f"{version.name}-v{version.version}.yaml")


def model_register(model: assess.ScoringModel) -> ScoringModelVersion:
    """Keep the model file a score is made with. A changed file must carry a new version number."""
    found = ScoringModelVersion.objects.filter(sha256=model.sha256).first()
    if found is not None:
        return found
    clash = ScoringModelVersion.objects.filter(name=model.name, version=model.version).first()
    if clash is not None:
        raise Conflict(
            f"{model.file}: {model.label} is already recorded with different content; a changed model "
            "needs a new version number, so that old scores keep the model they were made with",
            fields={"model": ["Raise the version number of the changed model"]},
        )
    try:
        with transaction.atomic():
            return ScoringModelVersion.objects.create(
                name=model.name,
                version=model.version,
                sha256=model.sha256,
                title=model.title,
                text=model.text,
            )
    except IntegrityError:  # registered at the same moment by another request
        return ScoringModelVersion.objects.get(sha256=model.sha256)
