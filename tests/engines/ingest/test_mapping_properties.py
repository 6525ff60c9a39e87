"""Property tests of the mapping loader: any edit of a shipped mapping, however broken, gives a mapping
or ``InvalidMapping`` naming the file (never another exception)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.engines.ingest import MAPPINGS_DIR, SourceMapping, load_mapping
from socmap.errors import InvalidMapping
from tests.yaml_strategies import NASTY, yaml_variants

SHIPPED = [p.read_text(encoding="utf-8") for p in sorted(MAPPINGS_DIR.glob("*.yaml"))]
EXTRA = [
    "format: csv\nrecord_id: {column: a, transforms: [{date: [dd/dd/yyyy]}]}\n"
    "grading: {default: '3x5x2: 2 B P'}\n",
    "format: csv\nrecord_id: {column: a, transforms: [{date: {formats: [iso], pivot: x}}]}\n"
    "grading: {default: '3x5x2: 2 B P'}\n",
    "format: csv\nrecord_id: {column: a, transforms: [{date: {formats: [iso], pivot: [1]}}]}\n"
    "grading: {default: '3x5x2: 2 B P'}\n",
    "format: csv\nrecord_id: {column: a, transforms: [{map: &t [*t]}]}\ngrading: {default: '3x5x2: 2 B P'}\n",
    "format: csv\nrecord_id: {column: a, transforms: [{regex: '(?P<a>x)(?P<a>y)'}]}\n"
    "grading: {default: '3x5x2: 2 B P'}\n",
]


def _load(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "edited.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            mapping = load_mapping(path)
        except InvalidMapping as exc:
            assert exc.message.startswith("edited.yaml"), exc.message
        else:
            assert isinstance(mapping, SourceMapping)


@given(text=st.one_of(st.sampled_from(SHIPPED).flatmap(yaml_variants), st.sampled_from(NASTY + EXTRA)))
@settings(max_examples=200)
def test_any_edit_of_a_mapping_loads_or_is_refused_by_file_and_line(text: str) -> None:
    _load(text)


def test_every_shipped_mapping_loads() -> None:
    for text in SHIPPED:
        _load(text)
