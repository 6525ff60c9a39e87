"""A version of the local profile as a Word document (DOCX), from the same frozen content as its page
and PDF: the handling marking and the audience in every page's header, page numbers in the footer,
numbered section headings, narrative, tables with a header row repeated across pages, every chart and
map as its alt text (its figures are in the tables beside it), the changes, and each figure's lineage.

Pure: no Django. Text from the data goes in as text, never as markup; characters XML cannot hold are
dropped so no record's text can break the document.
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
INLINE = 30  # inputs listed under a figure, as in the HTML document


def _text(value: Any) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) in the paragraph: Word fills it in when the page is laid out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _marking(doc: Any, marking: str) -> None:
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = marking
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.runs[0].bold = True
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run(f"{marking}. Page ")
    _field(foot, "PAGE")
    foot.add_run(" of ")
    _field(foot, "NUMPAGES")


def _repeat_header(table: Table) -> None:
    props = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _table(doc: Any, block: dict[str, Any]) -> None:
    doc.add_paragraph(_text(block.get("caption")), style="Caption")
    head = [_text(h) for h in block.get("head", [])]
    rows = block.get("rows", [])
    table = doc.add_table(rows=1 + len(rows), cols=max(1, len(head)))
    table.style = "Table Grid"
    for i, h in enumerate(head):
        _cell(table, 0, i, h, bold=True)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row[: len(head)]):
            _cell(table, r, c, _text(value.get("text")), bold=bool(value.get("strong")) or c == 0)
    _repeat_header(table)


def _cell(table: Table, row: int, column: int, text: str, *, bold: bool) -> None:
    paragraph = table.rows[row].cells[column].paragraphs[0]
    paragraph.add_run(text).bold = bold


def _block(doc: Any, block: dict[str, Any], figures: dict[str, Any]) -> None:
    kind = block.get("type")
    if kind == "table":
        _table(doc, block)
    elif kind == "figures":
        for item in block.get("items", []):
            label = figures.get(item.get("figure", ""), {}).get("label", "")
            doc.add_paragraph(f"{_text(label)}: {_text(item.get('text'))}", style="List Bullet")
    elif kind in ("chart", "map"):
        words = "Chart" if kind == "chart" else "Map"
        doc.add_paragraph(f"{words}: {_text(block.get('title'))}. {_text(block.get('alt'))}", style="Caption")
    else:
        doc.add_paragraph(_text(block.get("text")))


def _section(doc: Any, number: int, section: dict[str, Any], figures: dict[str, Any]) -> None:
    doc.add_heading(f"{number}. {_text(section.get('title'))}", level=1)
    owner = f"Written by {_text(section.get('owner'))}."
    doc.add_paragraph(f"{owner} {_text(section.get('purpose'))}".strip()).runs[0].italic = True
    for note in section.get("narrative", []):
        for part in re.split(r"\n\s*\n", _text(note.get("text"))):  # Markdown's source, as text
            if part.strip():
                doc.add_paragraph(part.strip())
        byline = f"{_text(note.get('organisation'))}, {_text(note.get('written_at'))[:10]}"
        signed = note.get("signed_off")
        if signed:
            byline += f"; signed off by {_text(signed.get('organisation'))} {_text(signed.get('at'))[:10]}"
        doc.add_paragraph(byline + ".").runs[0].italic = True
    for block in section.get("blocks", []):
        _block(doc, block, figures)


def _lineage(doc: Any, figures: dict[str, Any]) -> None:
    doc.add_heading("Lineage of the figures", level=1)
    doc.add_paragraph("What each number counts and the exact inputs that fed it.")
    for fig in figures.values():
        para = doc.add_paragraph()
        para.add_run(f"{_text(fig.get('label'))}: {_text(fig.get('value'))}. ").bold = True
        refs = [
            _text(i.get("ref")) + (f" {_text(i['name'])}" if i.get("name") else "")
            for i in fig.get("inputs", [])
        ]
        refs += [f"R{int(r)}" for r in fig.get("records", [])]
        if refs:
            more = len(refs) - INLINE
            para.add_run("; ".join(refs[:INLINE]) + (f"; and {more} more." if more > 0 else "."))
        elif fig.get("query"):
            para.add_run(f"Counted from {_text(fig['query'])}.")
        else:
            para.add_run("No inputs.")
        para.paragraph_format.space_after = Pt(2)


def profile_docx(content: dict[str, Any], *, heading: str, meta: str, diff: list[dict[str, Any]]) -> bytes:
    """The version as DOCX bytes. ``heading`` is the marking line (with the audience), ``meta`` the
    line of force, version and dates, ``diff`` the changes against the last version issued."""
    doc = Document()
    _marking(doc, _text(heading))
    doc.add_heading(_text(content.get("title")), level=0)
    doc.add_paragraph(_text(meta))
    figures = content.get("figures", {})
    for number, section in enumerate(content.get("sections", []), start=1):
        _section(doc, number, section, figures)
    if diff:
        rows = [[{"text": d.get("label")}, {"text": d.get("before")}, {"text": d.get("after")}] for d in diff]
        doc.add_heading("Changes since the last version", level=1)
        _table(doc, {"caption": "What changed", "head": ["What", "Before", "Now"], "rows": rows})
    _lineage(doc, figures)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
