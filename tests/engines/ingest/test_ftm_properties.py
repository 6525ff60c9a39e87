"""Property tests of the FollowTheMoney reader: any stream of entity-like JSON lines (known and
unknown schemata, any properties and values, links with and without ends, lines that are not
entities) gives one record or one quarantined row per line, never a crash."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from socmap.engines.ingest import MappedRecord, QuarantinedRow, load_mapping, read_source
from tests.engines.ingest.strategies import VALUE

MAPPING = 'source: ftm_fuzz\nformat: ftm\ngrading:\n  default: "3x5x2: 2 C P"\n'
SCHEMATA = [
    "Person",
    "Company",
    "Organization",
    "LegalEntity",
    "Address",
    "Vehicle",
    "BankAccount",
    "Family",
    "Ownership",
    "Directorship",
    "UnknownLink",
    "Payment",
    "Thing",
    "Nonsense",
    "",
]
PROPS = [
    "name",
    "birthDate",
    "firstName",
    "lastName",
    "registrationNumber",
    "person",
    "relative",
    "owner",
    "asset",
    "subject",
    "object",
    "amount",
    "date",
    "postalCode",
    "country",
    "idNumber",
    "phone",
    "unknownProp",
    "",
]
ENTITY = st.fixed_dictionaries(
    {"schema": st.one_of(st.sampled_from(SCHEMATA), st.integers(), st.none())},
    optional={
        "id": st.one_of(st.text(max_size=8), st.integers(), st.none()),
        "properties": st.one_of(
            st.dictionaries(
                st.sampled_from(PROPS), st.lists(st.one_of(VALUE, st.integers(), st.none()), max_size=3)
            ),
            st.lists(st.integers(), max_size=2),
            st.text(max_size=5),
        ),
        "caption": st.text(max_size=5),
    },
)
LINE = st.one_of(ENTITY.map(json.dumps), st.sampled_from(["{", "[]", "null", '"Person"', "{}"]))


@given(lines=st.lists(LINE, min_size=1, max_size=10))
# A line whose properties are not an object (once crashed the reader):
@example(lines=['{"schema": "Person", "id": 1, "caption": "", "properties": [0]}'])
@settings(max_examples=200)
def test_every_ftm_line_is_a_record_or_quarantined(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        mapping_path = Path(tmp) / "ftm.yaml"
        mapping_path.write_text(MAPPING, encoding="utf-8")
        path = Path(tmp) / "stream.ftm.json"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        mapping = load_mapping(mapping_path)
        try:
            out: list[Any] = list(read_source(path, mapping))
        except Exception as exc:
            from socmap.errors import InvalidInput

            assert isinstance(exc, InvalidInput) and exc.message.startswith(path.name), exc
            assert not any(line.startswith("{") and line.endswith("}") for line in lines)
            return
    assert len(out) == len(lines)
    assert all(isinstance(r, MappedRecord | QuarantinedRow) for r in out)
    assert [r.row for r in out] == list(range(1, len(lines) + 1))
