"""Writing the dataset: CSV files with planted malformed rows, the truth of every record, and XLSX.

Everything is written so that one seed gives byte-identical files: no clock, no hash order, and
XLSX zip entries and document properties carry a fixed timestamp.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import pathlib
import random
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from socmap.engines.synth.noise import DateStyle, impossible_date
from socmap.engines.synth.types import Progress

#: The fixed moment written into XLSX properties and zip entries (the period's end).
FIXED_MOMENT = dt.datetime(2025, 1, 1, 0, 0, 0)
ZIP_MOMENT = (2025, 1, 1, 0, 0, 0)
PROGRESS_EVERY = 20_000


def sha256_of(path: pathlib.Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class FileInfo:
    """One written file: its path relative to the dataset, rows, format and encoding."""

    path: str
    rows: int
    format: str
    encoding: str
    description: str = ""
    sha256: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class MalformedLog:
    """``truth/malformed.csv``: every planted malformed row with its file, row, line and kind.

    ``row`` counts data records from 1 (header excluded); ``line`` is the physical line the row
    starts on (header = 1; a quoted field may hold line breaks), or the sheet row for XLSX.
    """

    header = ("file", "row", "line", "record_id", "kind", "detail")

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, int, str, str, str]] = []

    def add(self, file: str, row: int, line: int, record_id: str, kind: str, detail: str) -> None:
        self.rows.append((file, row, line, record_id, kind, detail))


class RecordsTruth:
    """``truth/records.csv``: for every entity a source record mentions, its true id and noise."""

    header = ("file", "record_id", "field", "entity_kind", "true_id", "noise", "eligible")

    def __init__(self, path: pathlib.Path) -> None:
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(self.header)
        self.rows = 0

    def add(
        self,
        file: str,
        record_id: str,
        field_name: str,
        kind: str,
        true_id: str,
        noise: Sequence[str] = (),
        eligible: Sequence[str] = (),
    ) -> None:
        self.writer.writerow(
            (file, record_id, field_name, kind, true_id, ";".join(noise), ";".join(eligible))
        )
        self.rows += 1

    def close(self) -> None:
        self.handle.close()


def plan_malformed(
    rng: random.Random, rows: int, rate: float, kinds: Sequence[str], forced: Sequence[str]
) -> dict[int, str]:
    """Which rows (0-based) of a file come out malformed, and how.

    About ``rate`` of rows, each of a random supported kind; every ``forced`` kind at least once
    whenever the rate is above zero, so a small dataset still shows each kind an importer must
    quarantine.
    """
    if rate <= 0 or rows <= 0:
        return {}
    expected = rows * rate
    count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
    count = min(rows, max(count, len(forced)))
    picked = sorted(rng.sample(range(rows), count))
    plan: dict[int, str] = {}
    kinds_in_order = list(forced) + [rng.choice(kinds) for _ in range(count - len(forced))]
    rng.shuffle(kinds_in_order)
    for row, kind in zip(picked, kinds_in_order, strict=True):
        plan[row] = kind
    return plan


class CsvSink:
    """One delimited source file: writes rows, plants malformed ones, and counts physical lines."""

    def __init__(
        self,
        root: pathlib.Path,
        rel: str,
        header: Sequence[str],
        *,
        encoding: str,
        rows: int,
        rng: random.Random,
        rate: float,
        malformed: MalformedLog,
        delimiter: str = ",",
        bom: bool = False,
        date_col: int = -1,
        date_style: DateStyle = "iso",
        text_col: int = -1,
        forced: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        self.rel = rel
        self.encoding = encoding
        self.crlf = encoding == "cp1252"  # Windows exports end lines with CR LF
        self.terminator = "\r\n" if self.crlf else "\n"
        self.handle = path.open("w", encoding=encoding, newline="")
        if bom and encoding == "utf-8":  # a Windows-1252 file has no byte-order mark
            self.handle.write("\ufeff")
        self.writer = csv.writer(self.handle, delimiter=delimiter, lineterminator=self.terminator)
        self.writer.writerow(header)
        self.delimiter = delimiter
        self.width = len(header)
        self.line = 2  # the next row's first physical line; the header is line 1
        self.count = 0
        self.expected = rows
        self.rng = rng
        self.malformed = malformed
        self.date_col, self.date_style, self.text_col = date_col, date_style, text_col
        kinds = ["wrong_column_count"] + (["impossible_date"] if date_col >= 0 else [])
        kinds += ["broken_quote"] if text_col >= 0 else []
        self.plan = plan_malformed(rng, rows, rate, kinds, [k for k in forced if k in kinds])
        self.progress = progress

    def _quote(self, value: str) -> str:
        if any(c in value for c in (self.delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    def write(self, values: list[str], record_id: str) -> str:
        """Write one record; returns the malformed kind planted in it, or ""."""
        kind = self.plan.get(self.count, "")
        line = self.line
        if kind == "impossible_date":
            values = list(values)
            values[self.date_col] = impossible_date(self.date_style, self.rng)
            self.writer.writerow(values)
            detail = f"column {self.date_col + 1} holds {values[self.date_col]!r}"
            text = values[self.text_col] if self.text_col >= 0 else ""
            self.line += 1 + text.count("\n")
        elif kind == "broken_quote":
            text = values[self.text_col].replace('"', "'").replace("\r", " ").replace("\n", " ")
            phrase = self.rng.choice(
                ("I ain't got nothing", "it's not mine", "speak to my brief", "no comment")
            )
            # The exporter quoted the field but did not double the quotes inside it.
            raw = f'"Subject said "{phrase}" when spoken to. {text}"'
            fields = [self._quote(v) for v in values]
            fields[self.text_col] = raw
            self.handle.write(self.delimiter.join(fields) + self.terminator)
            detail = f"unescaped quotes in column {self.text_col + 1}"
            self.line += 1
        elif kind == "wrong_column_count":
            fields = [self._quote(v) for v in values]
            embedded = [
                i for i, v in enumerate(values) if self.delimiter in v and "\n" not in v and '"' not in v
            ]
            if embedded:
                # A field holding the delimiter was written without quotes: one column too many.
                at = embedded[0]
                fields[at] = values[at]
                detail = f"column {at + 1} unquoted, {values[at].count(self.delimiter)} extra column(s)"
            elif self.rng.random() < 0.5:
                fields.append("")
                detail = "one trailing column too many"
            else:
                fields.pop()
                detail = "last column missing"
            text = self.delimiter.join(fields)
            self.handle.write(text + self.terminator)
            self.line += 1 + text.count("\n")
        else:
            self.writer.writerow(values)
            if self.text_col >= 0:
                self.line += 1 + values[self.text_col].count("\n")
            else:
                self.line += 1
        if kind:
            self.malformed.add(self.rel, self.count + 1, line, record_id, kind, detail)
        self.count += 1
        if self.progress and self.count % PROGRESS_EVERY == 0:
            self.progress(self.rel, self.count, self.expected)
        return kind

    def close(self) -> int:
        """Close the file; returns the number of records written."""
        self.handle.close()
        return self.count


class JsonLinesSink:
    """A JSON lines file; a planted malformed line is cut short (invalid JSON)."""

    def __init__(
        self,
        root: pathlib.Path,
        rel: str,
        *,
        rows: int,
        rng: random.Random,
        rate: float,
        malformed: MalformedLog,
        progress: Progress | None = None,
    ) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        self.rel = rel
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.count = 0
        self.expected = rows
        self.rng = rng
        self.malformed = malformed
        self.plan = plan_malformed(rng, rows, rate, ["invalid_json"], ["invalid_json"])
        self.progress = progress

    def write(self, text: str, record_id: str) -> str:
        kind = self.plan.get(self.count, "")
        if kind:
            # The feed was cut mid-record: the line stops part way through.
            text = text[: max(10, int(len(text) * self.rng.uniform(0.3, 0.8)))]
            self.malformed.add(
                self.rel, self.count + 1, self.count + 1, record_id, kind, "line ends mid-record"
            )
        self.handle.write(text + "\n")
        self.count += 1
        if self.progress and self.count % PROGRESS_EVERY == 0:
            self.progress(self.rel, self.count, self.expected)
        return kind

    def close(self) -> int:
        self.handle.close()
        return self.count


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)
_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>socmap synth</dc:creator><cp:lastModifiedBy>socmap synth</cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{moment}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{moment}</dcterms:modified>'
    "</cp:coreProperties>"
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>socmap synth</Application></Properties>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0 is general, style 1 a UK date (dd/mm/yyyy).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column_letters(count: int) -> list[str]:
    letters = []
    for number in range(1, count + 1):
        name = ""
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).translate(_XML_ESCAPES)
    space = ' xml:space="preserve"' if text != text.strip() or "  " in text else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def write_xlsx(path: pathlib.Path, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a one-sheet XLSX (inline strings, real date cells) that is byte-reproducible.

    Written directly rather than through openpyxl: openpyxl stamps the current time into the
    document properties and zip entries, and is slow on large sheets. Every zip entry here carries
    a fixed timestamp and the properties a fixed moment.
    """
    letters = _column_letters(len(header))
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    ]
    count = 0
    for number, row in enumerate([header, *rows], start=1):
        cells = "".join(_cell(f"{letters[i]}{number}", value) for i, value in enumerate(row))
        parts.append(f'<row r="{number}">{cells}</row>')
        count = number - 1
    parts.append("</sheetData></worksheet>")
    moment = FIXED_MOMENT.strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = (
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/app.xml", _APP),
        ("docProps/core.xml", _CORE.format(moment=moment)),
        ("xl/workbook.xml", _WORKBOOK.format(sheet=sheet.translate(_XML_ESCAPES))),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ("xl/styles.xml", _STYLES),
        ("xl/worksheets/sheet1.xml", "".join(parts)),
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            entry = zipfile.ZipInfo(name, date_time=ZIP_MOMENT)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, text.encode("utf-8"))
    return count
