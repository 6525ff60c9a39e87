"""Preparing mapped rows for storage: ids, search keys and rows as plain tuples, in child processes."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import multiprocessing
import os
import pickle  # nosec B403 # our own exceptions cross processes; nothing from outside is unpickled
import queue as queue_module
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jellyfish

from socmap.apps.core.models import Handling
from socmap.engines import ingest

HANDLING_CODES = frozenset(Handling.values)
HANDLING_C = str(Handling.C)
QUEUE_CHUNKS = 2  # chunks waiting between mapper and writer: memory is bounded by this


@dataclass(frozen=True)
class Context:
    """What preparing a chunk needs to know about its source and batch, as plain values."""

    source_name: str
    owner_id: int
    handling: str
    conditions: str
    compartment_id: int | None
    batch_id: int
    stamp: Any  # the batch's time, already adapted for the database
    text_dates: bool  # dates as ISO text: SQLite stores them so, and COPY takes text faster


@dataclass
class Prepared:
    """One chunk of rows ready to store. Ids depend on the record's database id, which only the
    writer knows, so rows carry the record key and the mapping's entity keys instead; ``place``
    puts the ids in."""

    rows: int = 0
    records: list[tuple[Any, ...]] = field(default_factory=list)  # record key first
    # (record key, entity key, schema, search keys…, governance)
    entities: list[tuple[Any, ...]] = field(default_factory=list)
    # (statement key, record key, entity key, schema, prop, value, …)
    statements: list[tuple[Any, ...]] = field(default_factory=list)
    # (link tag, record key, schema, source entity key, target entity key, properties, …)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)


ENTITY_KEY_CHARS = 27  # an entity id is 12 digits, a dot and the key: 40 characters at most


def entity_id(record_pk: int, key: str) -> str:
    """Id of a record's entity: the record's number, then the mapping's key for the entity.

    Numbers first, zero-padded, so ids grow as records are added: every index on an entity id (the
    entity's own, and the entity columns of statements and links) is appended to at its end. Keyed
    by hashes, those indexes outgrew memory on a region of a million rows and each insert cost a
    random page (see docs/ingest-performance.md). A key too long to fit is replaced by its hash.
    """
    if len(key) > ENTITY_KEY_CHARS:
        key = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:ENTITY_KEY_CHARS]
    return f"{record_pk:012d}.{key}"


def link_id(record_pk: int, tag: str) -> str:
    """Id of a record's link: the record's number, then a hash of its ends and schema (``link_tag``)."""
    return f"{record_pk:012d}>{tag}"


def link_tag(source_key: str, target_key: str, schema: str) -> str:
    text = f"{source_key}>{target_key}|{schema}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]


@functools.lru_cache(maxsize=1 << 16)
def _metaphone(name: str) -> str:
    return str(jellyfish.metaphone(name))[:8] if name else ""


def search_keys(entity: Any, linked_postcode: str) -> tuple[str, str, str, str, str, str, str]:
    """(caption, name_norm, surname_code, forename_code, birth_date, postcode, identifier)."""
    props = entity.properties

    def first(*names: str) -> str:
        for n in names:
            values = props.get(n)
            if values:
                return str(values[0].value)
        return ""

    if entity.schema == "Person":
        fore, sur = first("first_name"), first("last_name")
        full = " ".join(p for p in (fore, first("middle_names"), sur) if p) or first("full_name", "name")
        return (
            full[:300],
            " ".join(full.lower().split())[:300],
            _metaphone(sur),
            _metaphone(fore),
            first("birth_date")[:10],
            linked_postcode[:10],
            "",
        )
    if entity.schema == "Address":
        return (first("full", "line1", "postcode")[:300], "", "", "", "", first("postcode")[:10], "")
    ident = first("number", "registration", "account_number", "company_number", "name", "iban")
    name = first("name")
    return ((name or ident)[:300], name.lower()[:300], "", "", "", "", ident[:100])


def _lived_at(item: Any) -> dict[str, str]:
    """Entity key -> the postcode of the address the record says it lives at (a search key)."""
    postcodes: dict[str, str] = {}
    if item.links:
        by_key = {e.key: e for e in item.entities}
        for link in item.links:
            target = by_key.get(link.target)
            if link.schema == "LivesAt" and target is not None and target.properties.get("postcode"):
                postcodes.setdefault(link.source, target.properties["postcode"][0].value)
    return postcodes


def _link_rows(
    item: Any, keys: set[str], tail: tuple[Any, ...], links: dict[tuple[str, str], tuple[Any, ...]]
) -> None:
    """Add the record's links between its own entities to ``links``; ``tail``: grading, times, marking."""
    key = item.record_key
    for link in item.links:
        if link.source not in keys or link.target not in keys:
            continue
        tag = link_tag(link.source, link.target, link.schema)
        props = json.dumps({p: [v.value for v in vs] for p, vs in link.properties.items()})
        links[(key, tag)] = (tag, key, link.schema, link.source, link.target, props, *tail)


def prepare(items: Iterable[Any], ctx: Context) -> Prepared:
    """Plain rows for a chunk of ``MappedRecord`` and ``QuarantinedRow`` results, de-duplicated by id."""
    out = Prepared()
    entities: dict[tuple[str, str], tuple[Any, ...]] = {}
    statements: dict[str, tuple[Any, ...]] = {}
    links: dict[tuple[str, str], tuple[Any, ...]] = {}
    source = ctx.source_name
    stamp = ctx.stamp
    for item in items:
        out.rows += 1
        if not isinstance(item, ingest.MappedRecord):
            out.quarantined.append(_quarantined(item, ctx))
            continue
        key = item.record_key
        g = item.grading
        handling = g.handling if g.handling in HANDLING_CODES else ctx.handling
        conditions = g.conditions or (ctx.conditions if handling == HANDLING_C else "")
        grading = f"{g.source}{g.intelligence}"
        observed = item.observed_on
        out.records.append(
            (
                key,
                item.row,
                json.dumps(dict(item.raw)),
                g.source,
                g.intelligence,
                g.scheme,
                g.original,
                observed.isoformat() if ctx.text_dates and isinstance(observed, date) else observed,
                handling,
                conditions,
            )
        )
        vis = (ctx.owner_id, handling, conditions, ctx.compartment_id)
        keys = {e.key for e in item.entities}
        postcodes = _lived_at(item)
        for draft in item.entities:
            entities[(key, draft.key)] = (
                key,
                draft.key,
                draft.schema,
                *search_keys(draft, postcodes.get(draft.key, "")),
                *vis,
            )
            prefix = f"{source}|{key}|{draft.key}|"
            for prop, values in draft.properties.items():
                for value in values:
                    said = value.original if item.exact else value.value
                    text = f"{prefix}{prop}|{said}"
                    sid = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
                    statements[sid] = (
                        sid,
                        key,
                        draft.key,
                        draft.schema,
                        prop,
                        value.value,
                        value.original,
                        grading,
                        ctx.batch_id,
                        stamp,
                        stamp,
                        *vis,
                    )
        _link_rows(item, keys, (grading, stamp, stamp, *vis), links)
    out.entities = list(entities.values())
    out.statements = list(statements.values())
    out.links = list(links.values())
    return out


def _quarantined(row: Any, ctx: Context) -> dict[str, Any]:
    return {
        "row": row.row,
        "raw_text": row.raw_text,
        "raw": dict(row.raw) if row.raw else None,
        "errors": [
            {"file": e.file, "row": e.row, "field": e.field, "message": e.message} for e in row.errors
        ],
    }


# ---- mapping and preparing in a child process ----


INGEST_GC_THRESHOLDS = (50_000, 50, 1_000)  # the defaults are (700, 10, 10)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the garbage collector's full passes rarely while a file is ingested.

    Mapping and preparing make hundreds of thousands of small tuples a chunk, which set off the
    collector again and again, and each full pass walks every object of a process that holds Django
    and the engines' libraries: it was half the mapping process's time (ANPR: 330 against 190 µs a
    row). The rows hold no reference cycles, so nothing waits longer to be freed.
    """
    before = gc.get_threshold()
    gc.set_threshold(*INGEST_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _prepared(results: Iterator[Any], ctx: Context, size: int) -> Iterator[Prepared]:
    """``results`` prepared ``size`` at a time."""
    chunk: list[Any] = []
    for item in results:
        chunk.append(item)
        if len(chunk) >= size:
            yield prepare(chunk, ctx)
            chunk = []
    if chunk:
        yield prepare(chunk, ctx)


def _feed(
    open_results: Callable[[Stripe | None], Iterator[Any]], stripe: Stripe, ctx: Context, out: Any
) -> None:
    """Child process: map its stripe of the file, prepare chunks, hand them over; then say done (or
    why not)."""
    # What the child inherited from its parent lives as long as the child: the collector need not
    # walk it again (see ``fewer_collections``).
    gc.freeze()
    gc.set_threshold(*INGEST_GC_THRESHOLDS)
    try:
        for prepared in _prepared(open_results(stripe), ctx, stripe[2]):
            out.put(("chunk", prepared))
        out.put(("done", None))
    except BaseException as exc:
        try:
            pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own exception, round-tripped  # nosec B301
            out.put(("error", exc))
        except Exception:
            out.put(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


Stripe = tuple[int, int, int]  # (index, count, size): see ``ingest.read_source``


def pipeline(
    open_results: Callable[[Stripe | None], Iterator[Any]], ctx: Context, *, size: int, lanes: int
) -> Generator[Prepared, None, None]:
    """Prepared chunks of a file's results, in the file's order.

    ``open_results(stripe)`` opens the file and maps the rows of ``stripe`` (all of them for
    ``None``). With no lanes they are mapped here. Otherwise each of ``lanes`` forked child
    processes maps every ``lanes``-th chunk, and chunks are taken from them in turn, so records are
    stored in the order of the file whichever way it was mapped. Mapping is the larger half of the
    work, and several mapping processes keep every core busy while this one and the database write
    (one mapping process left them idle a fifth of the time). Children never touch the database.
    Each queue holds at most ``QUEUE_CHUNKS`` chunks, so a slow database holds the mappers back
    rather than letting chunks pile up in memory. If the writer stops (an error, or the caller gives
    up), the children are stopped too.
    """
    if lanes < 1:
        yield from _prepared(open_results(None), ctx, size)
        return
    mp = multiprocessing.get_context("fork")
    queues = [mp.Queue(maxsize=QUEUE_CHUNKS) for _ in range(lanes)]
    children = [
        mp.Process(target=_feed, args=(open_results, (lane, lanes, size), ctx, queues[lane]), daemon=True)
        for lane in range(lanes)
    ]
    for child in children:
        child.start()
    try:
        turn = 0
        while True:
            kind, payload = _take(queues[turn % lanes], children[turn % lanes])
            if kind == "chunk":
                yield payload
                turn += 1
                continue
            if kind == "error":
                raise payload
            # The file ended within this lane's stripe: the others end too, unless they failed.
            for lane in range(lanes):
                if lane != turn % lanes:
                    kind, payload = _take(queues[lane], children[lane])
                    if kind == "error":
                        raise payload
            break
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
        for child, handover in zip(children, queues, strict=True):
            child.join(timeout=10)
            handover.close()
            handover.cancel_join_thread()


def _take(handover: Any, child: Any) -> tuple[str, Any]:
    """The next message from a mapping process, waiting as long as it is alive."""
    while True:
        try:
            message: tuple[str, Any] = handover.get(timeout=5)
            return message
        except queue_module.Empty:
            if not child.is_alive():
                raise RuntimeError(f"the mapping process stopped (exit code {child.exitcode})") from None


def lanes() -> int:
    """Mapping processes for a long file: a core is left to the writer and the database, and the
    rest map, up to four. On two cores, two mapping processes kept both cores busier (88 % against
    84 %) but each read the whole file, which cost more than it saved: the large region took 402 s
    against 396 s with one. One core: none, the file is mapped in this process."""
    cores = os.cpu_count() or 1
    return 0 if cores == 1 else min(cores - 1, 4)
