"""Vehicles, phones, accounts and other objects resolved by their normalised identifier.

Objects carry identifiers that are either the same or not once normalised, so they need no
probabilistic model: the same (kind, normalised identifier) is the same object.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable

from socmap.engines.resolve.types import (
    ENGINE_NAME,
    ENGINE_VERSION,
    ObjectCluster,
    ObjectResolveResult,
    RunInfo,
)

_NOT_VRM = re.compile(r"[^A-Z0-9]")
_NOT_DIALLED = re.compile(r"[^0-9+]")
_NOT_DIGIT = re.compile(r"\D")
_INTERNATIONAL = re.compile(r"^00")
_NATIONAL = re.compile(r"^0(?=\d{9,10}$)")
_COUNTRY = re.compile(r"^44(?=\d{9,10}$)")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SPACES = re.compile(r"\s+")


def _vrm(value: str) -> str | None:
    v = _NOT_VRM.sub("", value.upper())
    return v if 2 <= len(v) <= 8 else None


def _phone(value: str) -> str | None:
    v = _NOT_DIALLED.sub("", value)
    v = _INTERNATIONAL.sub("+", v)
    v = _NATIONAL.sub("+44", v)
    v = _COUNTRY.sub("+44", v)
    return v if len(_NOT_DIGIT.sub("", v)) >= 7 else None


def _account(value: str) -> str | None:
    v = _NOT_VRM.sub("", value.upper())
    return v or None


def _email(value: str) -> str | None:
    v = value.strip().lower()
    return v if _EMAIL.fullmatch(v) else None


def _generic(value: str) -> str | None:
    v = _SPACES.sub(" ", value.strip().upper())
    return v or None


#: kind -> normaliser; kinds not listed are upper-cased with whitespace collapsed.
NORMALISERS: dict[str, Callable[[str], str | None]] = {
    "vehicle": _vrm,
    "vrm": _vrm,
    "phone": _phone,
    "imei": _account,
    "account": _account,
    "iban": _account,
    "email": _email,
}


def resolve_objects(values: Iterable[tuple[str, str, str]]) -> ObjectResolveResult:
    """Group ``(record_id, kind, identifier)`` triples into objects.

    A value that cannot be normalised (an empty VRM, a phone number of three digits) is kept in
    ``rejected`` with the reason, never silently dropped.
    """
    started = time.perf_counter()
    groups: dict[tuple[str, str], set[str]] = {}
    rejected: list[tuple[str, str, str, str]] = []
    total = 0
    # Each kind and each distinct value normalised once: a million-row region's 1.1 million
    # mentions are of 112,000 objects, and normalising each mention took half the time.
    kinds: dict[str, str] = {}
    normalised: dict[tuple[str, str], str | None] = {}
    for record_id, kind, identifier in values:
        total += 1
        k = kinds.get(kind) or kinds.setdefault(kind, str(kind).strip().lower())
        raw = "" if identifier is None else str(identifier)
        if (k, raw) in normalised:
            key = normalised[(k, raw)]
        else:
            key = normalised[(k, raw)] = NORMALISERS.get(k, _generic)(raw)
        if key is None:
            rejected.append((str(record_id), k, raw, f"not a usable {k} identifier"))
            continue
        groups.setdefault((k, key), set()).add(str(record_id))
    clusters = tuple(
        ObjectCluster(kind=k, key=key, record_ids=tuple(sorted(ids)))
        for (k, key), ids in sorted(groups.items())
    )
    cluster_of = {(rid, c.kind): f"{c.kind}:{c.key}" for c in clusters for rid in c.record_ids}
    return ObjectResolveResult(
        clusters=clusters,
        cluster_of=cluster_of,
        rejected=tuple(rejected),
        run=RunInfo(
            engine=ENGINE_NAME,
            engine_version=ENGINE_VERSION,
            config_hash="",
            seed=0,
            seconds=round(time.perf_counter() - started, 3),
            counts={"values": total, "objects": len(clusters), "rejected": len(rejected)},
        ),
    )
