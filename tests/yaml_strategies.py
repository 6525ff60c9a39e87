"""Hypothesis strategies for hand-edited YAML: a shipped file mutated the ways people break one.

A mutation replaces a value anywhere in the document with a value of another shape (a list where a
mapping was, a number where text was, nothing at all), deletes or adds a key, or doubles a list
item; the document is written back as YAML. Text mutations insert, delete or replace characters
(tabs, colons, quotes, brackets, anchors), so the parser's own errors are met too. Every loader must
answer each with its object or with the project's own error naming the file.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

KEYS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["key", "name", "type", "columns", "column", "transforms", "date", "weight", "default"]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "-1", "0", "3x5x2: 2 B P", "dd/dd/yyyy", "iso", "[", "*", "C", "1e309"]),
    st.dates(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)
# Text YAML treats as syntax.
SYNTAX = st.sampled_from(
    [
        "\t",
        ":",
        ": ",
        "- ",
        "'",
        '"',
        "[",
        "]",
        "{",
        "}",
        "&a ",
        "*a",
        "!!python/none",
        "\n  ",
        "#",
        "|",
        ">",
        "%",
    ]
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated_document(draw: st.DrawFn, doc: Any) -> Any:
    """``doc`` (parsed YAML) with one to three structural mutations."""
    doc = yaml.safe_load(yaml.safe_dump(doc))  # a private copy
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["replace", "replace", "delete", "add", "double"]))
        if not path:
            if how == "replace":
                doc = draw(VALUES)
            continue
        parent, last = _at(doc, path[:-1]), path[-1]
        if how == "replace":
            parent[last] = draw(VALUES)
        elif how == "delete":
            del parent[last]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(KEYS)] = draw(VALUES)
        elif how == "double" and isinstance(parent, list):
            parent.insert(last, yaml.safe_load(yaml.safe_dump(parent[last])))
    return doc


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few characters inserted, deleted or replaced, often YAML syntax."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(SYNTAX, st.text(max_size=3)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + piece + text[at + cut :]
    return text


def yaml_variants(text: str) -> st.SearchStrategy[str]:
    """A shipped file's text, mutated as a document or as text."""
    doc = yaml.safe_load(text)
    return st.one_of(
        mutated_document(doc).map(lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False)),
        mutated_text(text),
        st.text(max_size=80),
    )


# Documents that have crashed YAML loaders elsewhere: self-reference, deep nesting, odd keys.
NASTY = [
    "a: &x [*x]\n",
    "&x [*x]\n",
    "? [1, 2]\n: x\n",
    "? {a: 1}\n: x\n",
    "1: 2\n",
    "null: x\n",
    "- " * 200 + "x\n",
    "[" * 500,
    "a: !!binary AAAA\n",
    "a: 1e400\n",
    "a: .nan\n",
    "\ufeffa: 1\n",
    "a: b\n" * 3,
    "",
    "---\n...\n---\n",
    # "Billion laughs": each level ten aliases of the one before, a million values in all.
    "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 6)),
]
