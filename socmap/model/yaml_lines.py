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


# Values a document may hold once its aliases are expanded: far above any real configuration, far
# below what would exhaust a process that walks it ("billion laughs": aliases of aliases).
MAX_VALUES = 100_000


class TooComplex(yaml.YAMLError):
    """A document that refers to itself, or whose aliases expand beyond ``MAX_VALUES`` values."""


def load(text: str) -> Any:
    """Parse YAML text; mappings come back as ``Node``. Raises ``yaml.YAMLError``, also for a
    document nested too deeply to parse, a value that contains itself through an alias, or aliases
    that expand beyond ``MAX_VALUES`` values (every reader of the document walks it expanded)."""
    try:
        data = yaml.load(text, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass  # nosec B506
    except RecursionError as exc:
        raise TooComplex("the document nests too deeply") from exc
    _check_expansion(data)
    return data


def _check_expansion(data: Any) -> None:
    """Walk ``data`` as its readers will, aliases expanded: refuse a cycle or too many values."""
    seen = 0
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        item, leaving = stack.pop()
        if leaving:
            on_path.discard(id(item))
            continue
        seen += 1
        if seen > MAX_VALUES:
            raise TooComplex(
                f"the document holds more than {MAX_VALUES:,} values once its aliases are expanded"
            )
        if isinstance(item, dict | list):
            if id(item) in on_path:
                raise TooComplex("a value contains itself (an alias inside its own anchor)")
            on_path.add(id(item))
            stack.append((item, True))
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, False) for child in children)


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
