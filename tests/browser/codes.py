"""The codes socmap stores that a page must never show as they are: each has a label in words.

Collected from the model, so a code added later is scanned for too: every choice of every model field
whose stored value is not a word (``being-progressed``, ``intelligence_officer``), every link type and
alias of the network configuration (``phone_contact``), and every schema of the statement store
whose name is not a word (``CoArrestedWith``, ``BankAccount``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from django.apps import apps

MODEL = Path(__file__).resolve().parents[2] / "socmap" / "model"
# A code: lower-case words joined by "_" or "-" (at least one "_", or a "-" between two letters and a
# value whose label differs), or a CamelCase name of two words or more.
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+$")
CAMEL = re.compile(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$")


def _is_code(value: str, label: str = "") -> bool:
    if CAMEL.match(value):
        return True
    if not SNAKE.match(value):
        return False
    if "_" in value:
        return True
    # A hyphenated value ("co-accused") may be an English word: a code only when its label differs.
    return bool(label) and label.strip().lower() != value


@cache
def known_codes() -> frozenset[str]:
    codes: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("socmap."):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and _is_code(value, str(label)):
                    codes.add(value)
    network = yaml.safe_load((MODEL / "network.yaml").read_text())
    for name, spec in network["link_types"].items():
        codes.add(name)
        codes.update(a for a in (spec or {}).get("aliases", []) if "_" in a)
    for file in (MODEL / "schema").glob("*.yaml"):
        codes.update(name for name in yaml.safe_load(file.read_text()) or {} if CAMEL.match(name))
    return frozenset(c for c in codes if _is_code(c) or "-" in c)


def codes_in(text: str) -> list[str]:
    """The known codes that appear in the text as whole words."""
    found = []
    for code in sorted(known_codes()):
        if code in text and re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text):
            found.append(code)
    return found


INTERNAL_LABEL = re.compile(r"^[a-z]+\d+$")


def internal_labels() -> frozenset[str]:
    """The labels a source mapping gives the entities of a record ("coaccused1", "associate2"): a
    record's own names for its parts, which a page must never show in place of a person's name."""
    from socmap.apps.intel.models import RecordEntity

    keys = RecordEntity.objects.values_list("key", flat=True).distinct()
    return frozenset(k for k in keys if INTERNAL_LABEL.match(k))


def labels_in(text: str, labels: frozenset[str]) -> list[str]:
    """The internal labels that appear in the text as whole words; not as the end of an entity's id
    as people read it ("63.subject1", see ``socmap.model.ids``), which is an id and not a name."""
    return sorted(k for k in labels if k in text and re.search(rf"(?<![\w.-]){re.escape(k)}(?![\w-])", text))
