"""YAML whose mappings remember the line of each key, and a collector of problems by line.

Hand-edited configuration (ingest mappings, scoring models) is refused with every problem at once,
each naming the file, the line and the key, so the person editing it can go straight there.
"""

from __future__ import annotations

from typing import Any

import yaml

from socmap.errors import SocmapError


class LineLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings are ``Node``: dicts that know their line and their keys' lines."""


class Node(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> Node:
    loader.flatten_mapping(node)
    out = Node()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[str(key)] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(text: str) -> Any:
    """Parse YAML text; mappings come back as ``Node``. Raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass


class Problems:
    """Problems found in one file, each with its line; raised together as ``error``."""

    def __init__(self, file: str, error: type[SocmapError], *, with_fields: bool = True) -> None:
        self.file = file
        self.error = error
        self.with_fields = with_fields
        self.items: list[tuple[int, str, str]] = []

    def add(self, node: object, key: str, path: str, message: str) -> None:
        line = node.key_lines.get(key, node.line) if isinstance(node, Node) else 0
        self.items.append((line, path, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        lines = [f"{self.file}, line {line}, {path}: {msg}" for line, path, msg in self.items]
        message = lines[0] if len(lines) == 1 else f"{self.file}: {len(lines)} problems\n" + "\n".join(lines)
        if self.with_fields:
            raise self.error(
                message, fields={f"{self.file}:{line}:{path}": [msg] for line, path, msg in self.items}
            )
        raise self.error(message)
