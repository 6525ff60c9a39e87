"""The query plans of every analyst page: any sequential scan of a large table is named.

    DATABASE_URL=postgres://…/large .venv/bin/python bench/explain.py [--big 100000]

Each page ``bench/pages.py`` times (as the analyst and as the partner) is fetched once through
Django's test client while its SQL is captured; every SELECT is then asked for its plan
(``EXPLAIN``, not run again). A plan node that reads a table of more than ``--big`` rows (the
planner's own count, ``pg_class.reltuples``) from end to end is a finding: at five million
source rows such a scan is seconds on a page that must answer in a fraction of one. Prints one
JSON line per page (queries, and the scans found) and a summary line. PostgreSQL only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

WHOLE_TABLE_NODES = ("Seq Scan", "Parallel Seq Scan")


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = [plan]
    for child in plan.get("Plans", []):
        out.extend(_nodes(child))
    return out


def _table_rows() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind IN ('r', 'p')")
        return {name: int(rows) for name, rows in cursor.fetchall()}


def _scans(sql: str, big: dict[str, int]) -> list[dict[str, Any]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        document = cursor.fetchone()[0]
    plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
    return [
        {"table": node["Relation Name"], "table_rows": big[node["Relation Name"]], "node": node["Node Type"]}
        for node in _nodes(plan)
        if node["Node Type"] in WHOLE_TABLE_NODES and node.get("Relation Name") in big
    ]


def explain_pages(
    *, big_table_rows: int = 100_000, personas: tuple[str, ...] = ("analyst", "partner"), sql: bool = False
) -> dict[str, Any]:
    """Fetch each page, EXPLAIN its SELECTs; the scans of tables above ``big_table_rows``."""
    import pages  # bench/pages.py: the same pages, the same subjects
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        raise SystemExit("explain: PostgreSQL only (DATABASE_URL)")
    big = {name: rows for name, rows in _table_rows().items() if rows > big_table_rows}
    found: list[dict[str, Any]] = []
    counted = queries = 0
    for persona in personas:
        client = pages.client_for(persona)
        for name, url in pages.subjects(persona).items():
            with CaptureQueriesContext(connection) as captured:
                status = client.get(url).status_code
            counted += 1
            page_scans = []
            for query in captured.captured_queries:
                text = str(query["sql"])
                if not text.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                queries += 1
                for scan in _scans(text, big):
                    page_scans.append({**scan, "sql": text[:300]})
            found.extend({"as": persona, "page": name, **scan} for scan in page_scans)
            print(
                json.dumps(
                    {
                        "bench": "explain",
                        "as": persona,
                        "page": name,
                        "status": status,
                        "queries": len(captured.captured_queries),
                        "big_table_scans": [
                            f"{s['node']} on {s['table']}" + (f": {s['sql']}" if sql else "")
                            for s in page_scans
                        ],
                    }
                ),
                flush=True,
            )
    return {
        "pages": counted,
        "selects_explained": queries,
        "big_tables": big,
        "big_table_scans": len(found),
        "scans": found,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=int, default=100_000, help="rows from which a table counts as large")
    parser.add_argument("--sql", action="store_true", help="print the start of each scanning query")
    parser.add_argument("--as", dest="personas", action="append", default=[], help="analyst, partner…")
    args = parser.parse_args()
    summary = explain_pages(
        big_table_rows=args.big, personas=tuple(args.personas) or ("analyst", "partner"), sql=args.sql
    )
    print(
        json.dumps(
            {"bench": "explain", "summary": True, **{k: v for k, v in summary.items() if k != "scans"}}
        )
    )


if __name__ == "__main__":
    main()
