"""Hypothesis strategies for source files: values a source might hold, good and bad, and rows of them."""

from __future__ import annotations

import re

from hypothesis import strategies as st

# openpyxl refuses these in a cell; a workbook cannot hold them, so no source file does.
XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# Text a person or a system might type into a cell: any printable character (astral planes and
# combining marks too), quotes, separators, tabs and line breaks, formula starts.
TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        st.sampled_from(list("\t\n\r\"',;|=+-@/ ")),
    ),
    max_size=40,
)

# Values shaped like what the mappings clean: dates in the formats sources use (some impossible),
# times, phone numbers, postcodes, vehicle marks, names in police forms, gradings, amounts.
SHAPED = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(sep=" ", timespec="seconds")),
    st.builds(lambda d, m, y: f"{d}/{m}/{y}", st.integers(0, 40), st.integers(0, 14), st.integers(0, 9999)),
    st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 30), st.integers(0, 70)),
    st.from_regex(r"\+?(44|0)7\d{3} ?\d{6}", fullmatch=True),
    st.from_regex(r"[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}", fullmatch=True),
    st.from_regex(r"[A-Z]{2}\d{2} ?[A-Z]{3}", fullmatch=True),
    st.from_regex(r"(MR |MRS |DR )?[A-Z]{2,10}(/|, )[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?", fullmatch=True),
    st.from_regex(r"[1-3][A-E] ?[PC]|[1-3]/[A-E]/[PC]|[A-E] [1-5] [1-5]", fullmatch=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.integers().map(str),
    st.sampled_from(["", " ", "N/A", "NULL", "unknown", "0", "-", "#REF!", "=1+1", "45123", "45123.5"]),
)

VALUE = st.one_of(SHAPED, TEXT)


def rows(columns: int, *, min_rows: int = 0, max_rows: int = 12) -> st.SearchStrategy[list[list[str]]]:
    """Data rows of ``columns`` values each."""
    return st.lists(st.lists(VALUE, min_size=columns, max_size=columns), min_size=min_rows, max_size=max_rows)
