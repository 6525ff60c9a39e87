"""Hash chains: tamper evidence for append-only tables, on every database.

Each row of a chained table carries its place in the chain (``chain_seq``: 1, 2, 3…), the hash of
the row before it (``chain_prev``) and the hash of its own content together with that previous
hash (``chain_hash``). Changing, removing or inserting a row anywhere breaks the links after it, and
``chain_verify`` (``socmap audit verify``) reports the first broken one. ``ChainHead`` holds the last
link of each chain, so removing rows from the end is caught too, and it is the one row appends lock:
links are given out one at a time, in the order the transactions that take them commit.

A table joins by naming a ``ChainSpec`` (which fields make up a row's content) and sealing each new
row inside the transaction that inserts it: ``chain_seal`` for rows saved through the ORM, and
``chain_extend`` for rows inserted in bulk with raw SQL. On PostgreSQL the application's database
role additionally cannot update, delete or truncate these tables (see ``socmap.apps.core.dbroles``);
on SQLite the chain is what makes tampering evident.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, models, transaction

from socmap.apps.core.models import ChainHead

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainSpec:
    """A chained table: its name in ``ChainHead``, its model, and the fields hashed, in order."""

    name: str
    label: str  # the model, "app.model", resolved lazily (core does not import other apps)
    fields: tuple[str, ...]

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.label)


def canonical(value: Any, field: str = "") -> Any:
    """A value as the chain hashes it: the same whichever database stored it and read it back."""
    if value is None or isinstance(value, bool | int | str):
        if field == "ip_address" and isinstance(value, str) and value:
            try:
                return ipaddress.ip_address(value).compressed
            except ValueError:
                return value
        return value
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return str(value)


def link_hash(seq: int, prev: str, content: dict[str, Any]) -> str:
    """The hash of one link: its place, the previous link's hash and its content."""
    body = {"seq": seq, "prev": prev, "content": {k: canonical(v, k) for k, v in content.items()}}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _head(name: str) -> ChainHead:
    """The chain's last link, locked until the transaction ends (one appender at a time)."""
    if connection.vendor == "sqlite":
        # Take SQLite's write lock before reading, so two processes cannot read the same head.
        ChainHead.objects.filter(name=name).update(seq=models.F("seq"))
    head = ChainHead.objects.select_for_update().filter(name=name).first()
    if head is None:
        head = ChainHead.objects.create(name=name, seq=0, hash=GENESIS)
    return head


def chain_seal(spec: ChainSpec, rows: Sequence[models.Model]) -> None:
    """Give new, unsaved rows their links. Call inside the transaction that saves them."""
    if not rows:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("chain_seal must run inside the transaction that inserts the rows")
    head = _head(spec.name)
    seq, prev = head.seq, head.hash
    for row in rows:
        seq += 1
        content = {f: getattr(row, _attname(row, f)) for f in spec.fields}
        row.chain_seq, row.chain_prev = seq, prev  # type: ignore[attr-defined]
        prev = row.chain_hash = link_hash(seq, prev, content)  # type: ignore[attr-defined]
    ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)


def chain_extend(
    spec: ChainSpec, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Rows for a raw ``INSERT`` of ``columns``, each extended with its (seq, prev, hash).

    Fields of the spec not among the columns are hashed as NULL, which is what the insert stores.
    Call inside the transaction that inserts the rows.
    """
    out: list[tuple[Any, ...]] = []
    items = list(rows)
    if not items:
        return out
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("chain_extend must run inside the transaction that inserts the rows")
    head = _head(spec.name)
    seq, prev = head.seq, head.hash
    names = [c.removesuffix("_id") if c.removesuffix("_id") in spec.fields else c for c in columns]
    contents = _ContentText(spec, names).texts(items)
    for row, content in zip(items, contents, strict=True):
        seq += 1
        # As link_hash words it (keys sorted: content, prev, seq).
        text = f'{{"content":{content},"prev":"{prev}","seq":{seq}}}'
        link = hashlib.sha256(text.encode()).hexdigest()
        out.append((*row, seq, prev, link))
        prev = link
    ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    return out


#: Values whose JSON text is the same wherever they are equal and of one type.
_MEMOISED = (str, int, datetime, date, type(None))  # not floats: 0.0 == -0.0


class _ContentText:
    """Rows' contents as ``link_hash`` writes them in JSON, a column at a time: the values every
    row shares (a run's decision, model, reason, time) written once into a template, and strings
    (ids) encoded by the JSON encoder's own C function. Row by row, with a memo of values, this
    was 3.5 s of a million-row run's 736,000 judgements."""

    def __init__(self, spec: ChainSpec, names: Sequence[str]) -> None:
        where = {name: i for i, name in enumerate(names)}
        self.fields = sorted(spec.fields)  # json.dumps(sort_keys=True)
        self.places = [where.get(f) for f in self.fields]

    def texts(self, rows: Sequence[Sequence[Any]]) -> list[str]:
        """Each row's content as JSON text."""
        if not rows:
            return []
        columns = list(zip(*rows, strict=True))
        template: list[str] = []
        varying: list[list[str]] = []
        for index, (field, place) in enumerate(zip(self.fields, self.places, strict=True)):
            key = ("{" if index == 0 else ",") + json.dumps(field, ensure_ascii=False) + ":"
            values = (None,) if place is None else columns[place]
            if _same(values):
                # A constant's text goes into the template as it is, its "%" escaped.
                template.append(key + _value_text(values[0], field).replace("%", "%%"))
            else:
                template.append(key + "%s")
                varying.append(_column_text(values, field))
        form = "".join(template) + "}"
        if not varying:
            return [form % ()] * len(rows)
        return [form % values for values in zip(*varying, strict=True)]


def _same(values: Sequence[Any]) -> bool:
    """Whether every value is the first, of one type (1 and 1.0 are written differently), and
    one that is its own text whichever row holds it (not a float: 0.0 == -0.0)."""
    first = values[0]
    if not isinstance(first, _MEMOISED):
        return len(values) == 1
    kind = type(first)
    return all(type(v) is kind and v == first for v in values)


def _column_text(values: Sequence[Any], field: str) -> list[str]:
    """Each value's JSON text as ``_value_text`` writes it."""
    if field != "ip_address" and all(type(v) is str for v in values):
        # A string's text is the encoder's quoting of it (``canonical`` leaves it as it is).
        return list(map(_ENCODER.encode, values))
    return [_value_text(v, field) for v in values]


#: ``json.dumps`` with these options, made once: building an encoder for each value was half of
#: the time of chaining a million-row run's 736,000 judgements (its ids and probabilities).
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _value_text(value: Any, field: str) -> str:
    return _ENCODER.encode(canonical(value, field))


def _attname(row: models.Model, field: str) -> str:
    return _attname_of(type(row), field)


@dataclass(frozen=True)
class ChainReport:
    """What ``chain_verify`` found: how many links, the last hash, and the first broken link if any."""

    name: str
    rows: int
    head_hash: str
    broken_seq: int | None = None
    broken_id: str = ""
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None and not self.problem


def chain_verify(spec: ChainSpec, *, chunk: int = 5000) -> ChainReport:
    """Walk the chain from the first link and report the first that does not hold."""
    model = spec.model
    attnames = [_attname_of(model, f) for f in spec.fields]
    unsealed = model._default_manager.filter(chain_seq__isnull=True).values_list("pk", flat=True).first()
    expected, prev, count = 1, GENESIS, 0
    rows = (
        model._default_manager.exclude(chain_seq__isnull=True)
        .order_by("chain_seq")
        .values_list("pk", "chain_seq", "chain_prev", "chain_hash", *attnames)
        .iterator(chunk_size=chunk)
    )
    for pk, seq, stored_prev, stored_hash, *values in rows:
        count += 1
        where = {"broken_seq": seq, "broken_id": str(pk)}
        if seq != expected:
            return ChainReport(spec.name, count, prev, problem=f"link {expected} is missing", **where)
        if stored_prev != prev:
            return ChainReport(spec.name, count, prev, problem="does not follow the link before it", **where)
        if link_hash(seq, prev, dict(zip(spec.fields, values, strict=True))) != stored_hash:
            return ChainReport(spec.name, count, prev, problem="was changed after it was written", **where)
        prev, expected = stored_hash, expected + 1
    head = ChainHead.objects.filter(name=spec.name).first()
    if head is not None and (head.seq, head.hash) != (count, prev):
        return ChainReport(
            spec.name,
            count,
            prev,
            problem=f"the chain ends at link {count} but its head says {head.seq}: links were removed",
        )
    if unsealed is not None:
        return ChainReport(
            spec.name, count, prev, broken_id=str(unsealed), problem="a row is outside the chain"
        )
    return ChainReport(spec.name, count, prev)


def _attname_of(model: type[models.Model], field: str) -> str:
    return str(getattr(model._meta.get_field(field), "attname", field))


AUDIT_CHAIN = ChainSpec(
    name="audit",
    label="core.auditevent",
    fields=(
        "id",
        "at",
        "action",
        "actor",
        "actor_username",
        "organisation",
        "organisation_name",
        "object_owner",
        "object_type",
        "object_id",
        "object_repr",
        "justification",
        "request_id",
        "ip_address",
        "detail",
    ),
)
JUDGEMENT_CHAIN = ChainSpec(
    name="judgements",
    label="resolution.judgement",
    fields=(
        "left_id",
        "right_id",
        "decision",
        "user",
        "model_version",
        "probability",
        "reason",
        "undoes",
        "run",
        "created_at",
    ),
)
CHAINS = (AUDIT_CHAIN, JUDGEMENT_CHAIN)


def chain_backfill(
    schema_editor: Any, spec: ChainSpec, model: Any, *, trigger: str, order: Sequence[str]
) -> None:
    """Link rows written before the table was chained, oldest first (for a data migration).

    ``model`` is the migration's historical model; on PostgreSQL the append-only ``trigger`` is
    switched off for the duration, by the owner role that runs migrations.
    """
    conn = schema_editor.connection
    table = model._meta.db_table
    attnames = [_attname_of(model, f) for f in spec.fields]
    rows = list(model._default_manager.order_by(*order).values_list("pk", *attnames))
    seq, prev, updates = 0, GENESIS, []
    for pk, *values in rows:
        seq += 1
        link = link_hash(seq, prev, dict(zip(spec.fields, values, strict=True)))
        updates.append((seq, prev, link, pk))
        prev = link
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        # The table name is the model's own; every value is a parameter.
        sql = f"UPDATE {table} SET chain_seq = %s, chain_prev = %s, chain_hash = %s WHERE id = %s"  # noqa: S608  # nosec B608 # the model's own table name; values are parameters
        for start in range(0, len(updates), 5000):
            cursor.executemany(sql, updates[start : start + 5000])
        if conn.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    heads = model._meta.apps.get_model("core", "ChainHead")
    heads.objects.update_or_create(name=spec.name, defaults={"seq": seq, "hash": prev})
