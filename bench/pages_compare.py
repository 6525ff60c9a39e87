"""Page timings of two runs of ``bench/pages.py`` side by side; prints JSON lines.

    .venv/bin/python bench/pages_compare.py BEFORE.jsonl AFTER.jsonl

Each line gives a page (per persona) with its median before and after, in milliseconds, and each as
a ratio to the reference timed in its own run: the machine is shared, so the ratios compare best.
``change`` is the after ratio over the before ratio (above 1: slower). A last line sums the pages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _read(path: Path) -> tuple[float, dict[tuple[str, str], dict[str, Any]]]:
    reference = 0.0
    pages: dict[tuple[str, str], dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("page") == "reference":
            reference = float(row["ms"])
        elif "median_ms" in row:
            pages[(row.get("as", ""), row["page"])] = row
    return reference, pages


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: pages_compare.py BEFORE.jsonl AFTER.jsonl")
    ref_before, before = _read(Path(sys.argv[1]))
    ref_after, after = _read(Path(sys.argv[2]))
    total_before = total_after = 0.0
    for key in sorted(before.keys() & after.keys()):
        b, a = before[key], after[key]
        rb, ra = b["median_ms"] / ref_before, a["median_ms"] / ref_after
        total_before, total_after = total_before + rb, total_after + ra
        print(
            json.dumps(
                {
                    "bench": "pages_compare",
                    "as": key[0],
                    "page": key[1],
                    "status": [b["status"], a["status"]],
                    "before_ms": b["median_ms"],
                    "after_ms": a["median_ms"],
                    "before_ratio": round(rb, 3),
                    "after_ratio": round(ra, 3),
                    "change": round(ra / rb, 2) if rb else None,
                }
            )
        )
    print(
        json.dumps(
            {
                "bench": "pages_compare",
                "page": "all",
                "reference_ms": [ref_before, ref_after],
                "before_ratio": round(total_before, 3),
                "after_ratio": round(total_after, 3),
                "change": round(total_after / total_before, 2) if total_before else None,
            }
        )
    )


if __name__ == "__main__":
    main()
