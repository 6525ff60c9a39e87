from __future__ import annotations

import datetime as dt

import pytest

from socmap.engines.network import Edge, NetworkConfig, load_config


@pytest.fixture(scope="session")
def config() -> NetworkConfig:
    return load_config()


@pytest.fixture
def bridge_edges() -> list[Edge]:
    """Two co-offending triangles a-b-c and x-y-z joined by a co-offending bridge c-x."""
    day = dt.date(2024, 6, 1)
    rows = [
        ("a", "b", "co_offending", "E1"),
        ("b", "c", "co_offending", "E2"),
        ("a", "c", "co_offending", "E3"),
        ("x", "y", "co_offending", "E4"),
        ("y", "z", "co_offending", "E5"),
        ("x", "z", "co_offending", "E6"),
        ("c", "x", "co_offending", "E7"),
    ]
    return [Edge(s, t, lt, "1A", day, ev) for s, t, lt, ev in rows]
