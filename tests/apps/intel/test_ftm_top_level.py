"""The top-level keys of FtM entities (datasets, referents, first_seen, last_seen, last_change, target,
caption and any other) are kept as statements of their own and come back on every export, checked
with the ``followthemoney`` library; re-ingesting an export adds nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from followthemoney.entity import ValueEntity

from socmap.apps.core.models import User
from socmap.apps.intel import ftm
from socmap.apps.intel.models import QuarantinedRow, Record, Source, Statement
from socmap.apps.resolution import ftm as resolution_ftm
from tests.apps.ftm_world import POLICE_STREAM, build, ingest, write_stream
from tests.apps.intel.test_ftm import DECLARED, _losses, stream

KEYS = ("datasets", "referents", "first_seen", "last_seen", "last_change", "caption")


def _with_top_level(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n, entity in enumerate(entities):
        extra: dict[str, Any] = {
            "datasets": ["gb_leak", f"de_register_{n % 3}"],
            "referents": [f"ref-{n}", f"NK-{n}abc"],
            "first_seen": "2021-03-04T05:06:07",
            "last_seen": f"2024-01-{1 + n % 28:02d}T00:00:00",
            "last_change": "2023-12-31T23:59:59",
            "caption": f"Caption {n} – Zoë",
            "target": n % 2 == 0,
        }
        if n % 4 == 0:
            extra["context"] = {"mentions": [n, "x"], "weight": 0.5}  # a key FtM itself does not know
        out.append({**entity, **extra})
    return out


def _top(entity: dict[str, Any]) -> dict[str, Any]:
    value = ValueEntity.from_dict(dict(entity), cleaned=False)  # as FtM reads them
    got = {k: getattr(value, k) for k in ("datasets", "referents", "first_seen", "last_seen", "last_change")}
    return got | {
        "caption": entity.get("caption"),
        "target": entity.get("target"),
        "context": entity.get("context"),
    }


@pytest.fixture
def ftm_source(force: Any) -> Source:
    from socmap.apps.intel import services

    return services.source_register(
        actor=None, owner=force, name="ftm-keys", title="FtM keys", kind="other", mapping_name="ftm.yaml"
    )


@pytest.mark.django_db
def test_top_level_keys_come_back_whole_and_reingesting_adds_nothing(
    ftm_source: Source, analyst: User, tmp_path: Path
) -> None:
    sent = _with_top_level(stream(DECLARED))
    batch = ingest(analyst, ftm_source, write_stream(tmp_path / "in.ftm.json", sent))
    assert (batch.records_new, batch.quarantined) == (len(sent), 0), batch.message
    lines = ftm.source_export(viewer=analyst, source_name=ftm_source.name, justification="round trip")
    back = [json.loads(line) for line in lines]
    assert _losses(sent, back) == {"entities": 0, "values": 0, "link properties": 0, "extra": 0}
    got = {e["id"]: e for e in back}
    for entity in sent:
        assert _top(got[entity["id"]]) == _top(entity), entity["id"]
    assert Statement.objects.filter(prop="ftm:@datasets[]", original="gb_leak").count() == len(sent)
    counts = (Record.objects.count(), Statement.objects.count(), QuarantinedRow.objects.count())
    versions = sorted(len(r.raw_versions) for r in Record.objects.all())
    again = ingest(analyst, ftm_source, write_stream(tmp_path / "export.ftm.json", back))
    assert (again.records_new, again.statements_new, again.quarantined) == (0, 0, 0)
    assert counts == (Record.objects.count(), Statement.objects.count(), QuarantinedRow.objects.count())
    assert versions == sorted(len(r.raw_versions) for r in Record.objects.all())


@pytest.mark.django_db
def test_a_new_last_seen_adds_one_statement_and_the_export_gives_the_latest(
    ftm_source: Source, analyst: User, tmp_path: Path
) -> None:
    def jo(seen: str) -> list[dict[str, Any]]:
        return [
            {
                "id": "p1",
                "schema": "Person",
                "properties": {"name": ["Jo"]},
                "last_seen": seen,
                "target": True,
            }
        ]

    ingest(analyst, ftm_source, write_stream(tmp_path / "one.ftm.json", jo("2024-01-01")))
    held = Statement.objects.count()
    batch = ingest(analyst, ftm_source, write_stream(tmp_path / "two.ftm.json", jo("2024-02-01")))
    assert (batch.statements_new, Statement.objects.count()) == (1, held + 1)
    lines = ftm.source_export(viewer=analyst, source_name=ftm_source.name, justification="latest")
    (entity,) = [json.loads(line) for line in lines]
    assert entity["last_seen"] == "2024-02-01" and entity["target"] is True


@pytest.mark.django_db
def test_a_person_export_carries_the_keys_and_the_canonical_entity_joins_them(
    db: None, tmp_path: Path
) -> None:
    sent = [
        {**e, "datasets": ["leak"], "first_seen": "2020-01-01", "last_seen": "2024-06-01"}
        if e["id"] == "p-jo"
        else e
        for e in POLICE_STREAM
    ]
    world = build(tmp_path, sent)
    lines = resolution_ftm.person_export(
        viewer=world.analyst, entity_id=world.jo_council.id, justification="Case 7", canonical=True
    )
    items = [json.loads(line) for line in lines]
    jo = next(i for i in items if i["id"] == "p-jo")
    assert (jo["datasets"], jo["first_seen"], jo["last_seen"]) == (["leak"], "2020-01-01", "2024-06-01")
    canonical = next(i for i in items if "p-jo" in i.get("referents", ()))
    assert canonical["datasets"] == ["leak"] and canonical["first_seen"] == "2020-01-01"
    assert ValueEntity.from_dict(dict(canonical)).referents == {"p-jo", world.jo_council.id}
    # The police's own entities, read back into their source from the person export, add nothing.
    theirs = [i for i in items if i.get("socmap", {}).get("source") == world.police.name]
    assert {"p-jo", "o-1", "c-1", "pay-1"} <= {i["id"] for i in theirs}
    statements = Statement.objects.count()
    again = ingest(world.analyst, world.police, write_stream(tmp_path / "person.ftm.json", theirs))
    assert (again.records_new, again.statements_new, again.quarantined) == (0, 0, 0)
    assert Statement.objects.count() == statements


@pytest.mark.django_db
def test_the_record_page_shows_the_top_level_keys_in_words(
    ftm_source: Source, analyst: User, tmp_path: Path
) -> None:
    from tests.conftest import signed_in

    sent = [
        {
            "id": "p1",
            "schema": "Person",
            "properties": {"name": ["Jo"]},
            "datasets": ["gb_<leak>"],
            "last_seen": "2024",
        }
    ]
    ingest(analyst, ftm_source, write_stream(tmp_path / "in.ftm.json", sent))
    record = Record.objects.get(record_key="p1")
    html = signed_in(analyst).get(f"/records/{record.pk}/").content.decode()
    assert (
        "Datasets <strong" in html and "Last seen <strong" in html and "FollowTheMoney entity field" in html
    )
    assert "gb_&lt;leak&gt;" in html and "@datasets" not in html
