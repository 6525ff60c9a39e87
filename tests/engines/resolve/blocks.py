"""Records and candidate pairs for the tests of large blocks (``test_prepare``, ``test_windows``)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from socmap.engines.resolve import candidate_pairs

#: Nothing shared but the names (and the date where given): only the name and date rules pair them.
ALONE = {"source": "intel", "address": None, "phone": None, "pnc_id": None, "postcode": None}


def people(
    born: Sequence[str | None], start: int = 0, name: tuple[str, str] = ("John", "Smith"), digits: int = 1
) -> pd.DataFrame:
    """One record a date of birth, of one name, with ids R<start>, R<start + 1>, ... (``digits`` wide)."""
    return pd.DataFrame(
        [
            {
                **ALONE,
                "record_id": f"R{start + i:0{digits}d}",
                "first_name": name[0],
                "last_name": name[1],
                "birth_date": b,
            }
            for i, b in enumerate(born)
        ]
    )


def compared(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """The pairs blocking compares (the smaller id first)."""
    pairs = candidate_pairs(frame)
    return set(zip(pairs["record_id_l"], pairs["record_id_r"], strict=True))
