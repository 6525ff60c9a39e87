"""The i2 bundle and the national OCG return write their CSV through the one safe writer."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from socmap.apps.network import exports, services
from socmap.apps.network.graph import ViewEdge, ViewGraph, ViewNode
from tests import factories
from tests.conftest import signed_in

NASTY = ['=HYPERLINK("http://evil.example")', "+cmd|' /C calc'!A0", "-1+cmd|' /C calc'!A0", "@SUM(A1)"]


def test_the_i2_csv_neutralises_formulas_but_keeps_phone_numbers() -> None:
    nodes = [ViewNode(id=f"e{i}", key=f"k{i}", kind="person", label=label) for i, label in enumerate(NASTY)]
    nodes.append(ViewNode(id="p", key="kp", kind="phone", label="+44 7700 900123"))
    edges = [
        ViewEdge(
            source=f"e{i}",
            target="p",
            link_type="uses_phone",
            grading="=1+1",
            observed_on=None,
            weight=1.0,
            record_id=i,
            link_id=f"l{i}",
        )
        for i in range(len(NASTY))
    ]
    bundle = exports.i2_bundle(ViewGraph(centre="e0", nodes=nodes, edges=edges, explanation=""))
    text = zipfile.ZipFile(io.BytesIO(bundle)).read("network.csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Entity1 Label"] for r in rows] == ["'" + label for label in NASTY]
    assert {r["Link Grading"] for r in rows} == {"'=1+1"}
    assert {r["Entity2 Label"] for r in rows} == {"+44 7700 900123"}


@pytest.mark.django_db
def test_the_national_return_neutralises_a_group_name_that_is_a_formula(analyst: object) -> None:
    org = analyst.organisation  # type: ignore[attr-defined]
    lro = factories.user(org, "lro")
    ocg = factories.ocg(org, name=NASTY[0])
    services.ocg_adopt(actor=analyst, ocg=ocg, lead_force=org, lro=lro)  # type: ignore[arg-type]
    response = signed_in(analyst).post("/groups/return/", {"justification": "Quarterly return"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    row = next(csv.DictReader(io.StringIO(body)))
    assert row["name"] == "'" + NASTY[0]
