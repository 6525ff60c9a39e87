"""The expected parse of a fixture page, as a plain dict that a YAML file beside the page spells out.

Each ``fixtures/<name>.txt`` written for one of the register's patterns has a ``<name>.yaml`` giving
what a person reading the page would record: kind, title, reference and report, the force or every
force, the text (with its list), each recommendation, every timeline entry, the final status and the
diagnostics (severity, code, line).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from socmap.engines.inspections import ParsedFinding


def as_expected(page: ParsedFinding) -> dict[str, Any]:
    def entry(e: Any) -> dict[str, Any]:
        row: dict[str, Any] = {"on": e.on.isoformat() if e.on else None, "kind": e.kind}
        row["status" if e.kind == "status" else "comment"] = e.status if e.kind == "status" else e.comment
        return row

    return {
        "kind": page.kind,
        "title": page.title,
        "reference": page.reference,
        "report": page.report_title,
        "force": page.force_slug,
        "national": page.national,
        "text": page.text,
        "recommendations": [{"intro": r.intro, "text": r.text} for r in page.recommendations],
        "timeline": [entry(e) for e in page.timeline],
        "status": page.current_status,
        "diagnostics": [f"{d.severity} {d.code} line {d.line}" for d in page.diagnostics],
    }


def load_expected(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data
