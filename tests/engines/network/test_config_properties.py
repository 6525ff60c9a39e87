"""Property tests of the network configuration loader: any edit of the shipped configuration gives a
configuration or ``InvalidModel`` naming the file (never another exception)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.engines.network.config import DEFAULT_PATH, load_config
from socmap.engines.network.types import NetworkConfig
from socmap.errors import InvalidModel
from tests.yaml_strategies import NASTY, yaml_variants


@given(text=st.one_of(yaml_variants(DEFAULT_PATH.read_text(encoding="utf-8")), st.sampled_from(NASTY)))
@settings(max_examples=200)
def test_any_edit_of_the_network_configuration_loads_or_is_refused_by_file(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "edited.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            config = load_config(path)
        except InvalidModel as exc:
            assert "edited.yaml" in exc.message, exc.message
        else:
            assert isinstance(config, NetworkConfig)
