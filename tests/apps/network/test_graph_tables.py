"""The table under a network drawing lists its strongest links; the shipped link mapping and
network configuration are read once a process, and again when their file changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from socmap.apps.network.graph import inputs
from socmap.apps.network.graph.shown import TABLE_LINKS, ViewEdge, ViewGraph
from socmap.engines import network


def _edge(n: int, weight: float) -> ViewEdge:
    return ViewEdge(f"a{n}", f"b{n}", "associate", "2B", None, weight, n, f"link-{n}")


def test_the_table_lists_the_strongest_links_first_and_no_more_than_its_limit() -> None:
    weights = [(n * 37 % 101) / 10 for n in range(TABLE_LINKS + 40)]
    graph = ViewGraph("", [], [_edge(n, w) for n, w in enumerate(weights)], "")
    shown = graph.table_edges
    assert len(shown) == TABLE_LINKS
    assert [e.weight for e in shown] == sorted(weights, reverse=True)[:TABLE_LINKS]
    small = ViewGraph("", [], [_edge(1, 0.5), _edge(2, 2.0)], "")
    assert [e.link_id for e in small.table_edges] == ["link-2", "link-1"]


def test_the_shipped_link_mapping_is_read_once_and_again_when_it_changes(tmp_path: Path) -> None:
    config = inputs.default_config()
    assert inputs.default_config() is config
    first = inputs.load_linkmap(config)
    assert inputs.load_linkmap(config) is first and first.links

    copy = tmp_path / "linkmap.yaml"
    shutil.copy(inputs.LINKMAP, copy)
    read = inputs.load_linkmap(config, copy)
    assert read is not first and read.links == first.links
    # The file changed: read again.
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert inputs.load_linkmap(config, copy) is not read

    # Another configuration than the shipped one is never answered from the cache.
    other = network.load_config()
    assert other is not config
    assert inputs.load_linkmap(other) is not inputs.load_linkmap(other)
