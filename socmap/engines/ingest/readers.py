"""Readers: stream a source file as raw rows, in bounded memory.

Each reader first checks that the file can be read at all (not empty, not binary, the right
format, a header) and raises ``InvalidInput`` naming the file before it yields anything; it then
returns a generator of ``RawRow``. Row numbers count data rows from 1 (header excluded); ``line`` is
the physical line where the row starts (CSV, JSON lines) or the sheet row (XLSX).
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from charset_normalizer import from_bytes

from socmap.engines.ingest.mapper import RawRow
from socmap.engines.ingest.types import InputLimits
from socmap.errors import InvalidInput

DEFAULT_LIMITS = InputLimits()
# Below this size a member of a workbook is not judged by its compression ratio: small XML parts
# of repeated markup compress very well and are harmless.
_RATIO_FLOOR = 8 * 1024 * 1024

SAMPLE = 64 * 1024
CHUNK = 1024 * 1024
MAX_RECORD_LINES = 200  # a quoted field longer than this is taken as a runaway quote
_ZIP = b"PK\x03\x04"


def _sample(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(SAMPLE)
    except OSError as exc:
        raise InvalidInput(f"{path.name}: cannot be read: {exc.strerror}") from exc


def _check_text(path: Path, sample: bytes, expected: str) -> None:
    if not sample.strip():
        raise InvalidInput(f"{path.name}: the file is empty")
    if sample.startswith(_ZIP):
        raise InvalidInput(
            f"{path.name}: this is a ZIP container (an XLSX workbook?), but its mapping expects {expected}"
        )
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if b"\x00" in sample or controls > len(sample) * 0.01:
        raise InvalidInput(f"{path.name}: this is a binary file, not {expected} text")


def detect_encoding(path: Path) -> str:
    """The text encoding of ``path``: BOM first, then a strict UTF-8 pass, then charset-normalizer.

    The UTF-8 pass reads the whole file in 1 MiB chunks (bounded memory) because a Windows-1252 file
    is often pure ASCII for thousands of lines before its first accented name. When the file is
    not UTF-8, charset-normalizer judges a sample made of the chunks that hold non-ASCII bytes; for
    UK police data a single-byte Western encoding is by far the likeliest, so cp1252 is preferred
    among single-byte candidates, and is the fallback.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        non_ascii = bytearray()
        utf8 = True
        while chunk := fh.read(CHUNK):
            view = memoryview(chunk)
            if utf8:
                try:  # in slices, so the text decoded to check it is never more than a slice's
                    for at in range(0, len(chunk), SAMPLE):
                        decoder.decode(view[at : at + SAMPLE])
                except UnicodeDecodeError:
                    utf8 = False
            if len(non_ascii) < SAMPLE and not chunk.isascii():
                # Keep the lines around non-ASCII bytes for the statistical guess.
                for line in chunk.splitlines():
                    if not line.isascii() and len(non_ascii) < SAMPLE:
                        non_ascii += line + b"\n"
            if not utf8 and len(non_ascii) >= SAMPLE:
                break
        if utf8:
            try:
                decoder.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError:
                pass
    guesses = from_bytes(
        bytes(non_ascii), cp_isolation=["cp1252", "iso8859_15", "latin_1", "cp850", "mac_roman"]
    )
    best = guesses.best()
    if best is None or best.encoding in ("latin_1", "iso8859_15"):
        return "cp1252"  # cp1252 is a superset of Latin-1's printable range
    return str(best.encoding)


class _Lines:
    """Iterate lines of a text stream, remembering the lines the current record used."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self.line = 0
        self.buf: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.buf) > MAX_RECORD_LINES:
            raise csv.Error(f"a quoted field runs over more than {MAX_RECORD_LINES} lines (a stray quote?)")
        text = next(self._fh)
        self.line += 1
        self.buf.append(text)
        return text


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was (what is kept of an oversized value)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}[… cut: {len(text):,} characters in all]"


def bounded(row: RawRow, limits: InputLimits) -> RawRow:
    """The row within the limits: an oversized value or row, or too many cells, quarantines it with
    the reason (naming the field), its values cut short and marked as cut."""
    errors = list(row.errors)
    values = row.values
    if values is not None:
        if len(values) > limits.max_cells:
            errors.append(("", f"row has {len(values):,} cells, more than the {limits.max_cells:,} allowed"))
            values = dict(list(values.items())[: limits.max_cells])
        long = {k: v for k, v in values.items() if len(v) > limits.max_value_chars}
        for name, value in long.items():
            errors.append(
                (
                    name,
                    f"the value is {len(value):,} characters long, more than the "
                    f"{limits.max_value_chars:,} allowed; kept cut short",
                )
            )
        if long:
            values = {k: _cut(v, limits.max_value_chars) for k, v in values.items()}
    text = row.text
    if len(text) > limits.max_row_chars:
        if not any("characters long" in m for _, m in errors):
            errors.append(
                (
                    "",
                    f"the row is {len(text):,} characters long, "
                    f"more than the {limits.max_row_chars:,} allowed",
                )
            )
        text = _cut(text, limits.max_row_chars)
    if errors == row.errors and values is row.values and text is row.text:
        return row
    return RawRow(row.row, row.line, text, values, errors)


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            count += chunk.count(b"\n")
    return count


def _refuse_too_many_rows(path: Path, rows: int, limits: InputLimits) -> None:
    if rows > limits.max_rows:
        raise InvalidInput(
            f"{path.name}: about {rows:,} rows, more than the {limits.max_rows:,} one file may hold: "
            "split it into smaller files",
            fields={"file": [f"More than {limits.max_rows:,} rows"]},
        )


def _choose_delimiter(header_line: str, sample: str, preferred: str | None) -> str:
    if preferred and len(next(csv.reader([header_line], delimiter=preferred))) > 1:
        return preferred
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return preferred or ","


def read_csv(
    path: Path,
    *,
    encoding: str | None,
    delimiter: str | None,
    required: frozenset[str],
    limits: InputLimits = DEFAULT_LIMITS,
) -> tuple[list[str], str, Iterator[RawRow]]:
    """(header, encoding used, rows) of a CSV file; raises InvalidInput before any row."""
    sample = _sample(path)
    _check_text(path, sample, "CSV")
    _refuse_too_many_rows(path, _count_lines(path) - 1, limits)
    enc = encoding or detect_encoding(path)
    if enc.replace("-", "").replace("_", "").lower() == "utf8" and sample.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        raise InvalidInput(f"{path.name}: unknown encoding {enc!r}") from exc
    text_sample = sample.decode(enc, errors="replace")
    header_line = text_sample.splitlines()[0] if text_sample.splitlines() else ""
    delim = _choose_delimiter(header_line, text_sample, delimiter)
    fh = open(path, encoding=enc, errors="replace", newline="")  # noqa: SIM115 - closed by the generator
    lines = _Lines(fh)
    # The csv module refuses a field over its limit (a csv.Error, so the row is quarantined). Up to
    # a row's bound the field is read, so the quarantine names it; beyond, it is read no further.
    csv.field_size_limit(max(limits.max_row_chars, limits.max_value_chars, 1024))
    reader = csv.reader(lines, delimiter=delim, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        fh.close()
        raise InvalidInput(f"{path.name}: no readable header line ({exc or 'empty'})") from exc
    header = [h.strip() for h in header]
    _check_header(path, header, required, limits)

    def rows() -> Iterator[RawRow]:
        n = 0
        try:
            while True:
                start = lines.line + 1
                lines.buf.clear()
                errors: list[tuple[str, str]] = []
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    fields = None
                    if "field larger than field limit" in str(exc):
                        errors.append(
                            (
                                "",
                                f"a value is longer than the {limits.max_row_chars:,} characters "
                                "a row may hold",
                            )
                        )
                    else:
                        errors.append(("", f"broken quoting: {exc}"))
                text = "".join(lines.buf)
                if fields is not None and not fields:
                    continue  # a blank line is not a record
                n += 1
                values: dict[str, str] | None = None
                if fields is not None:
                    values = dict(zip(header, fields, strict=False))
                    if len(fields) != len(header):
                        errors.append(("", f"row has {len(fields)} columns, the header has {len(header)}"))
                        if len(fields) > len(header):
                            values["_extra"] = delim.join(fields[len(header) :])
                yield bounded(RawRow(n, start, text, values, errors), limits)
        finally:
            fh.close()

    return header, enc, rows()


def _check_header(
    path: Path, header: list[str], required: frozenset[str], limits: InputLimits = DEFAULT_LIMITS
) -> None:
    if not any(header):
        raise InvalidInput(f"{path.name}: the header line is empty")
    if len(header) > limits.max_cells:
        raise InvalidInput(
            f"{path.name}: the header has {len(header):,} columns, more than the {limits.max_cells:,} allowed"
        )
    too_long = [h for h in header if len(h) > 1000]
    if too_long:
        raise InvalidInput(f"{path.name}: a column name is {len(too_long[0]):,} characters long")
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise InvalidInput(f"{path.name}: the header repeats {', '.join(dupes)}")
    missing = sorted(required - set(header))
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise InvalidInput(
            f"{path.name}: no header with the mapped columns (missing {names}); "
            f"first line reads {', '.join(header[:6])}",
            fields={"columns": [f"unknown column {m!r}" for m in missing]},
        )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: python-calamine (Rust) parses a whole sheet into memory at once: about 13 times faster than
#: openpyxl's streaming reader, but its memory grows with the sheet, about 15 times the compressed
#: file (80 MiB for the 5.4 MiB, 50,000-row custody extract), so about 1 GiB at this limit. Above
#: it openpyxl streams the sheet row by row in constant memory, so a huge workbook cannot exhaust
#: the worker's memory.
XLSX_IN_MEMORY_BYTES = 64 * 1024 * 1024
# Extensions calamine opens as XLSX and openpyxl accepts; any other name goes to openpyxl, which
# refuses or reads it as before.
_CALAMINE_SUFFIXES = (".xlsx", ".xlsm")


def read_xlsx(
    path: Path, *, sheet: str | None, required: frozenset[str], limits: InputLimits = DEFAULT_LIMITS
) -> tuple[list[str], Iterator[RawRow]]:
    """(header, rows) of one sheet (the first worksheet when no ``sheet`` is named).

    Workbooks up to ``XLSX_IN_MEMORY_BYTES`` are read whole with python-calamine, larger ones are
    streamed with openpyxl in read-only mode; both give the same rows. Cells are read from column A
    and the header is sheet row 1.
    """
    sample = _sample(path)
    if not sample.strip():
        raise InvalidInput(f"{path.name}: the file is empty")
    if not sample.startswith(_ZIP):
        raise InvalidInput(f"{path.name}: this is not an XLSX workbook, but its mapping expects XLSX")
    _refuse_zip_bomb(path, limits)
    if path.stat().st_size <= XLSX_IN_MEMORY_BYTES and path.suffix.lower() in _CALAMINE_SUFFIXES:
        title, cells, close = _open_calamine(path, sheet)
    else:
        title, cells, close = _open_openpyxl(path, sheet)
    try:
        first = next(cells, None)
        if first is None:
            raise InvalidInput(f"{path.name}: sheet {title!r} is empty")
        header = [_cell(c).strip() for c in first]
        while header and not header[-1]:
            header.pop()
        _check_header(path, header, required, limits)
    except BaseException:
        close()
        raise
    return header, _sheet_rows(header, cells, close, path=path, limits=limits)


def _refuse_zip_bomb(path: Path, limits: InputLimits) -> None:
    """Refuse, before any parser touches it, a workbook that would unpack too large (a zip bomb)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _cannot_open(path, exc) from exc
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise InvalidInput(
            f"{path.name}: the workbook unpacks to {total:,} bytes, more than the "
            f"{limits.max_unpacked_bytes:,} allowed",
            fields={"file": ["Unpacks too large"]},
        )
    for m in members:
        if m.file_size > _RATIO_FLOOR and m.file_size > limits.max_pack_ratio * max(m.compress_size, 1):
            raise InvalidInput(
                f"{path.name}: part {m.filename} unpacks {m.file_size // max(m.compress_size, 1):,} times "
                f"larger than it is stored ({m.file_size:,} bytes): refused as a zip bomb",
                fields={"file": ["Refused as a zip bomb"]},
            )


_Cells = Iterator[Sequence[Any]]


def _cannot_open(path: Path, exc: Exception) -> InvalidInput:
    return InvalidInput(f"{path.name}: this XLSX workbook cannot be opened: {exc}")


def _no_sheet(path: Path, sheet: str, names: list[str]) -> InvalidInput:
    return InvalidInput(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(names)})")


def _open_calamine(path: Path, sheet: str | None) -> tuple[str, _Cells, Callable[[], None]]:
    """(sheet name, rows of cell values from sheet row 1 and column A, close) read with calamine."""
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(path)
    except Exception as exc:  # CalamineError and its kinds, or an OS error
        raise _cannot_open(path, exc) from exc
    try:
        if not sheet:
            names = [m.name for m in wb.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
            if not names:
                raise InvalidInput(f"{path.name}: the workbook has no worksheet")
            sheet = names[0]
        elif sheet not in wb.sheet_names:
            raise _no_sheet(path, sheet, wb.sheet_names)
        try:
            ws = wb.get_sheet_by_name(sheet)  # parses the whole sheet
        except Exception as exc:
            raise _cannot_open(path, exc) from exc
    finally:
        wb.close()  # the sheet keeps its own copy of the cells
    if ws.start is None:
        return sheet, iter(()), _nothing
    # iter_rows yields empty rows for the sheet rows above the data, but starts each row at the
    # first column that holds data: pad to column A as openpyxl reads.
    pad = [""] * ws.start[1]
    rows: _Cells = ws.iter_rows()
    if pad:
        rows = ([*pad, *row] for row in rows)
    return sheet, rows, _nothing


def _nothing() -> None:
    pass


def _open_openpyxl(path: Path, sheet: str | None) -> tuple[str, _Cells, Callable[[], None]]:
    """(sheet name, rows of cell values from sheet row 1 and column A, close), streamed by openpyxl."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _cannot_open(path, exc) from exc
    if sheet and sheet not in wb.sheetnames:
        wb.close()
        raise _no_sheet(path, sheet, wb.sheetnames)
    if not sheet and not wb.worksheets:
        wb.close()
        raise InvalidInput(f"{path.name}: the workbook has no worksheet")
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return ws.title, ws.iter_rows(values_only=True), wb.close


def _sheet_rows(
    header: list[str],
    cells: _Cells,
    close: Callable[[], None],
    *,
    path: Path | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> Iterator[RawRow]:
    """Data rows (sheet row 2 on) as RawRow; ``cells`` rows may be padded with empty cells or not.

    A row's text ends at its last non-empty cell, so it does not depend on whether the reader
    padded rows to the sheet's width.
    """
    n = 0
    try:
        for sheet_row, row in enumerate(cells, start=2):
            if sheet_row - 1 > limits.max_rows:
                raise InvalidInput(
                    f"{path.name if path else 'the workbook'}: more than the {limits.max_rows:,} rows one "
                    "file may hold: split it into smaller files"
                )
            if len(row) > limits.max_cells * 4:
                row = row[: limits.max_cells * 4]  # the rest cannot be kept: the row is quarantined below
            texts = [_cell(c) for c in row]
            if not any(t.strip() for t in texts):
                continue
            n += 1
            extra = [t for t in texts[len(header) :] if t.strip()]
            values = dict(zip(header, texts, strict=False))
            for h in header[len(texts) :]:
                values[h] = ""
            errors = []
            if extra:
                errors.append(
                    ("", f"row has {len(header) + len(extra)} filled cells, the header has {len(header)}")
                )
                values["_extra"] = "\t".join(extra)
            while texts[-1] == "":
                texts.pop()
            if len(texts) > limits.max_cells:
                errors.append(
                    ("", f"row has {len(texts):,} cells, more than the {limits.max_cells:,} allowed")
                )
            yield bounded(RawRow(n, sheet_row, "\t".join(texts), values, errors), limits)
    finally:
        close()


def flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested JSON as dotted keys (``payer.name``); lists of scalars joined by ``; ``."""
    out: dict[str, str] = {}
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        elif isinstance(v, list):
            if all(not isinstance(x, (dict, list)) for x in v):
                out[key] = "; ".join("" if x is None else str(x) for x in v)
            else:
                out[key] = json.dumps(v, ensure_ascii=False)
        elif v is None:
            out[key] = ""
        elif isinstance(v, bool):
            out[key] = "true" if v else "false"
        else:
            out[key] = str(v)
    return out


def _depth(obj: Any) -> int:
    """How deeply a parsed JSON value nests (an object or list of scalars is 1)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def read_jsonl(
    path: Path, *, encoding: str | None, limits: InputLimits = DEFAULT_LIMITS
) -> Iterator[tuple[RawRow, dict[str, Any] | None]]:
    """JSON lines: (row, parsed object or None). Raises InvalidInput if no line is a JSON object."""
    sample = _sample(path)
    _check_text(path, sample, "JSON lines")
    _refuse_too_many_rows(path, _count_lines(path), limits)
    enc = encoding or ("utf-8-sig" if sample.startswith(codecs.BOM_UTF8) else "utf-8")
    probe = [ln for ln in sample.decode(enc, errors="replace").splitlines() if ln.strip()][:20]
    if probe and len(sample) == SAMPLE:
        probe = probe[:-1] or probe  # the last sampled line may be cut short
    if not any(_is_object(ln) for ln in probe):
        raise InvalidInput(f"{path.name}: no line is a JSON object; this is not a JSON lines file")
    fh = open(path, encoding=enc, errors="replace", newline="")  # noqa: SIM115 - closed by the generator

    def rows() -> Iterator[tuple[RawRow, dict[str, Any] | None]]:
        n = 0
        try:
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                n += 1
                if len(line) > limits.max_row_chars:
                    message = (
                        f"the line is {len(line):,} characters long, "
                        f"more than the {limits.max_row_chars:,} allowed"
                    )
                    yield RawRow(n, line_no, _cut(line, limits.max_row_chars), None, [("", message)]), None
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield (
                        RawRow(
                            n, line_no, line, None, [("", f"invalid JSON: {exc.msg} at column {exc.colno}")]
                        ),
                        None,
                    )
                    continue
                except RecursionError:
                    obj, depth = None, limits.max_json_depth + 1
                else:
                    depth = _depth(obj)
                if depth > limits.max_json_depth:
                    levels = f"{depth} levels" if obj is not None else "too"
                    message = f"the JSON nests {levels} deep, more than the {limits.max_json_depth} allowed"
                    yield RawRow(n, line_no, line, None, [("", message)]), None
                    continue
                if not isinstance(obj, dict):
                    yield RawRow(n, line_no, line, None, [("", "the line is JSON but not an object")]), None
                    continue
                yield bounded(RawRow(n, line_no, line, flatten(obj)), limits), obj
        finally:
            fh.close()

    return rows()


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, RecursionError):  # nested too deep to parse: not an object we read
        return False
