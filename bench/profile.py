"""The SOC local profile end to end on a demo region already built: gather the data, compute every
figure, chart and map, lay out the HTML, the PDF and the DOCX, for the full version and for the council's.

    .venv/bin/socmap demo                       # once (or with DATABASE_URL / --size medium)
    .venv/bin/python bench/profile.py [--force gloucestershire-constabulary] [--as analyst]

One JSON line per version (gather, content, html and pdf seconds, pages, figures) and a last line
with the total against the target (60 s), with the machine's load average: the machine is shared.
Nothing is kept (the versions are built as ``socmap profile build`` builds them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TARGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", default="gloucestershire-constabulary")
    parser.add_argument("--as", dest="username", default="analyst")
    parser.add_argument("--partner", default="cheltenham-borough-council")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    import django

    django.setup()
    from socmap.apps.core import clock
    from socmap.apps.core.selectors import active_user, organisation_get
    from socmap.apps.profile import services
    from socmap.apps.profile.documents import document_html

    user = active_user(username=args.username)
    force = organisation_get(viewer=user, slug=args.force)
    partner = organisation_get(viewer=user, slug=args.partner)
    started = time.perf_counter()
    for audience in (None, partner):
        t1 = time.perf_counter()
        version = services.version_preview(actor=user, force=force, as_of=clock.today(), partner=audience)
        t2 = time.perf_counter()
        html = document_html(version, links=False)
        t3 = time.perf_counter()
        pdf = services.version_pdf(actor=user, version=version, html=html)
        t4 = time.perf_counter()
        docx = services.version_docx(actor=user, version=version)
        t5 = time.perf_counter()
        with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
            fh.write(pdf)
            fh.flush()
            command = [shutil.which("pdfinfo") or "/usr/bin/pdfinfo", fh.name]
            info = subprocess.run(command, capture_output=True, text=True, check=False).stdout  # noqa: S603
        pages = next((int(x.split()[-1]) for x in info.splitlines() if x.startswith("Pages:")), 0)
        print(json.dumps({
            "bench": "profile", "version": audience.name if audience else "full",
            "gather_and_compute_seconds": round(t2 - t1, 2),
            "html_seconds": round(t3 - t2, 2), "pdf_seconds": round(t4 - t3, 2), "pdf_bytes": len(pdf),
            "docx_seconds": round(t5 - t4, 2), "docx_bytes": len(docx),
            "records_in_lineage": sum(len(f.get("records", [])) for f in version.content["figures"].values()),
            "pages": pages, "figures": len(version.content["figures"]), "load": os.getloadavg()[0],
        }))  # fmt: skip
    total = time.perf_counter() - started
    print(json.dumps({"bench": "profile", "total_seconds": round(total, 2), "target_seconds": TARGET_SECONDS,
                      "within_target": total < TARGET_SECONDS, "load": os.getloadavg()[0]}))  # fmt: skip


if __name__ == "__main__":
    main()
