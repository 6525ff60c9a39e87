"""Which field of the synthetic region's truth/records.csv each shipped mapping's entity key stands for.

Most entity keys are named as the truth fields; these are the exceptions. Used to score resolution
against the planted truth (``socmap resolve evaluate``, ``bench/resolve_synth.py``).
"""

from __future__ import annotations

TRUTH_FIELD = {
    "subject1": "subject_1",
    "subject2": "subject_2",
    "linked": "subject_2",
    "associate": "subject_2",
    "payer_person": "payer",
    "payee_person": "payee",
    "associated": "associated_person",
}
PER_FILE = {
    "custody.xlsx": {"subject": "detainee"},
    "legacy.csv": {"associate": "associate"},
    "prison.csv": {"associate": "associate"},
}


def truth_field(file: str, key: str) -> str:
    """The truth field of a mapping's entity ``key`` in the region ``file``."""
    return PER_FILE.get(file, {}).get(key) or TRUTH_FIELD.get(key, key)
