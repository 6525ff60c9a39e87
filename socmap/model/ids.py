"""How entity ids read to people.

An entity id is its record's number, zero-padded so ids sort as they are made, a dot and the
mapping's key for the entity (``000000000063.subject1``); entities stored before ids were numbered
keep a hash. People read the number without its padding.
"""

from __future__ import annotations


def short_entity_id(value: object) -> str:
    """``000000000063.subject1`` → ``63.subject1``; an older hashed id, its first ten characters."""
    text = str(value or "")
    number, dot, key = text.partition(".")
    if dot and number.isdigit():
        return f"{int(number)}.{key}"
    return text[:10]
