"""Property tests of the capability register loader: any edit of the shipped register gives a register
or ``InvalidModel`` naming the file (never another exception)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.engines.allocate.capabilities import CapabilityRegister, parse_capabilities
from socmap.errors import InvalidModel
from tests.yaml_strategies import NASTY, yaml_variants

SHIPPED = Path(__file__).resolve().parents[3] / "socmap" / "apps" / "tasking" / "capabilities.yaml"


@given(text=st.one_of(yaml_variants(SHIPPED.read_text(encoding="utf-8")), st.sampled_from(NASTY)))
@settings(max_examples=200)
def test_any_edit_of_the_capability_register_loads_or_is_refused_by_file_and_line(text: str) -> None:
    try:
        register = parse_capabilities(text, file="edited.yaml")
    except InvalidModel as exc:
        assert exc.message.startswith("edited.yaml"), exc.message
    else:
        assert isinstance(register, CapabilityRegister)
