"""FollowTheMoney through the statement store and back: nothing lost, nothing changed, nothing added.

Two generated streams: one of every FtM schema socmap declares, one of every other concrete FtM
schema; each entity carries a value for every property FtM gives its schema (links point at other
entities of the stream). Compared with the ``followthemoney`` library.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model as ftm_model

from socmap.apps.core.models import User
from socmap.apps.intel import ftm, services, store
from socmap.apps.intel.models import Batch, QuarantinedRow, Record, Source, Statement
from socmap.model.loader import load_model

NAMES = [
    "E.ON AG", "CLT-UFA S.A.", "NDR", "o'brien", "Zoë Ñúñez-García", "ВЛАДИМИР Петров",
    "李小龍", "  Jo   BLOGGS ", "al-Hāšimī (Trading) Ltd.",
]  # fmt: skip
SAMPLES = {
    "date": "2021-03-04",
    "country": "de",
    "number": "12.5",
    "email": "info@example.org",
    "phone": "+4930123456",
    "url": "https://example.org/a?b=1",
    "iban": "DE89370400440532013000",
    "identifier": "HRB 12345 b",
    "address": "Straße 1, 50667 Köln",
    "gender": "female",
    "language": "deu",
    "mimetype": "text/plain",
    "checksum": "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "topic": "crime",
    "ip": "10.0.0.1",
    "json": '{"a": 1}',
    "html": "<p>Tom &amp; Jerry</p>",
}


def _value(prop: Any, n: int) -> str | None:
    kind = prop.type.name
    if kind == "name":
        return NAMES[n % len(NAMES)]
    if kind in ("string", "text"):
        return f"{NAMES[(n + 3) % len(NAMES)]} – free text, line {n}; ¿qué? 🙂"
    return SAMPLES.get(kind)


def stream(schemata: list[str]) -> list[dict[str, Any]]:
    """One entity per schema, every property of it filled; entity properties point at the others."""
    ids = {name: hashlib.sha1(name.encode()).hexdigest()[:16] for name in schemata}  # noqa: S324
    out = []
    for n, name in enumerate(schemata):
        schema = ftm_model.get(name)
        props: dict[str, list[str]] = {}
        for pname, prop in sorted(schema.properties.items()):
            if prop.stub:
                continue
            if prop.type.name == "entity":
                fits = [s for s in schemata if s != name and ftm_model.get(s).is_a(prop.range)]
                targets = [ids[s] for s in fits]
                value = targets[n % len(targets)] if targets else None
            else:
                value = _value(prop, n)
            if value is not None and (prop.type.name == "entity" or prop.type.clean(value) is not None):
                props[pname] = [value]
        out.append({"id": ids[name], "schema": name, "properties": props})
    return out


DECLARED = sorted(
    {s.ftm for s in load_model().schemata.values() if s.ftm and not s.abstract}
    | {"Organization", "LegalEntity"}
)
OTHERS = sorted(
    name
    for name, s in ftm_model.schemata.items()
    if not s.abstract and name not in DECLARED and name not in ("Mention",)
)


def _write(path: Path, entities: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), encoding="utf-8")
    return path


def _ingest(source: Source, analyst: User, path: Path) -> Batch:
    start = services.batch_create(actor=analyst, source=source, path=path, file_name=path.name)
    assert not start.duplicate
    return services.batch_run(batch_id=start.batch.pk)


def _export(analyst: User, source: Source, **kw: Any) -> list[dict[str, Any]]:
    lines = ftm.source_export(viewer=analyst, source_name=source.name, justification="round trip", **kw)
    return [json.loads(line) for line in lines]


def _as_ftm(entity: dict[str, Any]) -> tuple[str, str, dict[str, set[str]]]:
    proxy = ftm_model.get_proxy(entity)  # as FtM reads it, values untouched
    return proxy.id or "", proxy.schema.name, {p: set(vs) for p, vs in proxy.properties.items()}


def _losses(sent: list[dict[str, Any]], back: list[dict[str, Any]]) -> dict[str, int]:
    got = {e["id"]: _as_ftm(e) for e in back}
    lost = {"entities": 0, "values": 0, "link properties": 0, "extra": len(got) - len(sent)}
    for entity in sent:
        eid, schema, props = _as_ftm(entity)
        if eid not in got or got[eid][1] != schema:
            lost["entities"] += 1
            continue
        theirs = got[eid][2]
        for prop, values in props.items():
            kind = (
                "link properties"
                if ftm_model.get(schema).properties[prop].type.name == "entity"
                else "values"
            )
            lost[kind] += len(values ^ theirs.get(prop, set()))
        lost["values"] += sum(len(v) for p, v in theirs.items() if p not in props)
    return lost


@pytest.fixture
def ftm_source(force: Any) -> Source:
    return services.source_register(
        actor=None, owner=force, name="ftm-stream", title="FtM stream", kind="other", mapping_name="ftm.yaml"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["declared", "others"])
def test_a_stream_comes_back_whole_and_reingesting_the_export_adds_nothing(
    which: str, ftm_source: Source, analyst: User, tmp_path: Path
) -> None:
    sent = stream(DECLARED if which == "declared" else OTHERS)
    assert len(sent) > 10
    batch = _ingest(ftm_source, analyst, _write(tmp_path / "in.ftm.json", sent))
    assert (batch.records_new, batch.quarantined) == (len(sent), 0), batch.message
    back = _export(analyst, ftm_source)
    assert _losses(sent, back) == {"entities": 0, "values": 0, "link properties": 0, "extra": 0}
    for entity in back:  # FtM reads every exported entity, every value valid for its type
        proxy = ftm_model.get_proxy(entity, cleaned=False)
        assert proxy.schema.name == entity["schema"] and entity["socmap"]["source"] == "ftm-stream"
    counts = (Record.objects.count(), Statement.objects.count(), QuarantinedRow.objects.count())
    versions = sorted(len(r.raw_versions) for r in Record.objects.all())
    again = _ingest(ftm_source, analyst, _write(tmp_path / "export.ftm.json", back))
    assert (again.records_new, again.statements_new, again.quarantined) == (0, 0, 0)
    assert counts == (Record.objects.count(), Statement.objects.count(), QuarantinedRow.objects.count())
    assert versions == sorted(len(r.raw_versions) for r in Record.objects.all())
    assert store.orphans() == {}


@pytest.mark.django_db
def test_names_identifiers_and_free_text_come_back_byte_for_byte(
    ftm_source: Source, analyst: User, tmp_path: Path
) -> None:
    sent = [
        {
            "id": f"e{n}",
            "schema": "Company",
            "properties": {
                "name": [name],
                "registrationNumber": [f"hrb-{n} / {name[:3]}"],
                "notes": [f"{name}\n  ({n})  "],
            },
        }
        for n, name in enumerate(NAMES)
    ]
    _ingest(ftm_source, analyst, _write(tmp_path / "in.ftm.json", sent))
    back = {e["id"]: e["properties"] for e in _export(analyst, ftm_source)}
    for entity in sent:
        assert back[entity["id"]] == entity["properties"]
        for values in back[entity["id"]].values():
            raw = values[0].encode()
            assert raw in [v.encode() for vs in entity["properties"].values() for v in vs]
    cleaned = {e["id"]: e["properties"] for e in _export(analyst, ftm_source, cleaned=True)}
    assert cleaned["e0"]["name"] == ["E.on Ag"]  # socmap's cleaned form, only when asked


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prop", "before", "after"),
    [("amountEur", "1000", "1000.5"), ("purpose", "Rent", "rent"), ("programId", "A", "B")],
)
def test_a_changed_value_adds_exactly_one_statement(
    prop: str, before: str, after: str, ftm_source: Source, analyst: User, tmp_path: Path
) -> None:
    def payment(value: str) -> list[dict[str, Any]]:
        props = {"payer": ["c1"], "beneficiary": ["c2"], "amount": ["1000"], prop: [value]}
        return [
            {"id": "c1", "schema": "Company", "properties": {"name": ["NDR"]}},
            {"id": "c2", "schema": "Company", "properties": {"name": ["E.ON AG"]}},
            {"id": "pay1", "schema": "Payment", "properties": props},
        ]

    _ingest(ftm_source, analyst, _write(tmp_path / "one.ftm.json", payment(before)))
    held = Statement.objects.count()
    batch = _ingest(ftm_source, analyst, _write(tmp_path / "two.ftm.json", payment(after)))
    assert (batch.statements_new, Statement.objects.count()) == (1, held + 1)
    assert Statement.objects.filter(original=after).count() == 1


@pytest.mark.django_db
def test_the_record_page_shows_what_socmap_does_not_model(
    ftm_source: Source, analyst: User, tmp_path: Path
) -> None:
    from tests.conftest import signed_in

    sent = [
        {"id": "san1", "schema": "Sanction", "properties": {"program": ["EU 269/2014"], "reason": ["x <b>"]}}
    ]
    _ingest(ftm_source, analyst, _write(tmp_path / "in.ftm.json", sent))
    record = Record.objects.get(record_key="san1")
    html = signed_in(analyst).get(f"/records/{record.pk}/").content.decode()
    assert "FollowTheMoney, kept as received" in html and "EU 269/2014" in html and "Sanction" in html
    assert "x &lt;b&gt;" in html  # text from data is never markup
