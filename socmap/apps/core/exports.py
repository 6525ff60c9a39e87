"""CSV exports: one writer for every CSV socmap hands out, streamed, and safe to open in a spreadsheet.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or with a tab or carriage
return, which some strip first) as a formula: text from intelligence such as ``=HYPERLINK(...)`` or
``+cmd|'/C calc'!A0`` would run when an analyst opens the export. Every such cell gets a leading
apostrophe, so the spreadsheet shows it as text.

Phone numbers and signed numbers stay as they are: ``+44 7700 900123`` or ``-12.5`` hold nothing
but digits, spaces, brackets, dots and hyphens after the sign, and without a letter, quote, colon,
``!`` or ``@`` a cell can neither call a function nor refer to another cell or program. Marking them
with an apostrophe would only make the numbers people search for harder to read and to match.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A sign, then only digits, spaces, brackets, dots, slashes and hyphens, with at least one digit.
_NUMBER_LIKE = re.compile(r"[+-][\d ()./-]*\d[\d ()./-]*")


def csv_safe(value: Any) -> str:
    """Text for a CSV cell, with spreadsheet formulae neutralised (CSV injection)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER_LIKE.fullmatch(text):
        return "'" + text
    return text


def csv_rows(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text for rows (the first may be the header), every cell through ``csv_safe``, in chunks
    of about 64 KB so a long export streams rather than sitting in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """A CSV export: the header, then the rows; every cell made safe for a spreadsheet."""
    return csv_rows(_with_header(header, rows))


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """The whole of a small CSV export as one string (for a file inside a bundle)."""
    return "".join(csv_lines(header, rows))


def _with_header(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[Iterable[Any]]:
    yield header
    yield from rows
