"""Time the main pages on a built demo region; prints JSON lines, each with the load average.

    DATABASE_URL=sqlite:///var/bench/medium.sqlite3 .venv/bin/python bench/pages.py [--runs 5] [--only NAME]

Build the region first (``socmap demo --size medium`` with the same ``DATABASE_URL``). Each page is
requested through Django's test client in this process, signed in as a demo persona with a purpose
of access, so the time is the server's (views, selectors, queries, templates), without a network or
browser. One request warms caches, then ``--runs`` are timed; the line gives the median and the
fastest, in milliseconds. Subjects are chosen the same way on every run (the largest group, the
person of most records, the first pending pair...), so two runs on the same database compare.

The machine is shared: every line carries the load average, and a ``reference`` line times a fixed
piece of pure Python in the same run, so figures from two runs compare best as ratios to it
(``ratio``: the page's median over the reference's).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pathlib
import statistics
import sys
import time
from collections.abc import Callable

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
os.environ.setdefault("SOCMAP_WEB", "true")  # the database settings of a web process, as served

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
# Refusals (a page a persona may not open) are counted in the output, not logged line by line.
logging.getLogger("django.request").setLevel(logging.ERROR)


def uptime() -> str:
    try:
        return " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def reference_seconds() -> float:
    """A fixed piece of pure Python (string and dict work, like a page's), best of five."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        out: dict[str, int] = {}
        for i in range(200_000):
            key = f"k{i % 5000}"
            out[key] = out.get(key, 0) + len(key)
        best = min(best, time.perf_counter() - started)
    return best


def client_for(username: str) -> Client:
    from socmap.apps.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    session = client.session
    session["socmap_purpose"] = "Benchmark of page times"
    session.save()
    return client


def subjects(username: str) -> dict[str, str]:
    """URLs of the pages timed for one persona, chosen the same way on every run of the same
    database among what the persona may see: the person of most records, the largest group..."""
    from socmap.apps.assessment.models import Assessment, Threat
    from socmap.apps.core.models import User
    from socmap.apps.core.visibility import visible_filter
    from socmap.apps.intel.models import RecordEntity
    from socmap.apps.network.models import OCG, OCGMember
    from socmap.apps.resolution.models import Membership, Pair

    user = User.objects.get(username=username)
    urls = {
        "home": "/",
        "search_name": "/search/?name=smith",
        # People search (ADR 16): two typos, and a date of birth as UK users type it.
        "search_typos": "/search/?name=Jonh+Smiht",
        "search_birth_date": "/search/?birth_date=15%2F09%2F1957",
        "search_records": "/search/records/?name=smith",
        "review_queue": "/review/",
        "group_list": "/groups/",
        "national_return": "/groups/return/",
        "individuals": "/network/individuals/",
        "threats_region": "/threats/",
        "improvement_board": "/improvement/",
        "ingest_batches": "/ingest/",
    }
    visible = RecordEntity.objects.filter(visible_filter(user))
    biggest = (
        Membership.objects.filter(schema="Person", entity__in=visible)
        .values("canonical_id")
        .annotate(n=Count("entity_id"))
        .order_by("-n", "canonical_id")
        .first()
    )
    if biggest:
        shown = (
            Membership.objects.filter(canonical_id=biggest["canonical_id"], entity__in=visible)
            .order_by("entity_id")
            .values_list("entity_id", flat=True)
            .first()
        )
        urls["person_most_records"] = f"/entities/{shown}/"
        # Its links and events, which the page reads when the reader opens them (pages of their
        # own here).
        urls["person_most_records_links"] = f"/entities/{shown}/links/"
        urls["person_most_records_events"] = f"/entities/{shown}/events/"
        urls["explorer_most_records"] = f"/network/entities/{shown}/"
    group = (
        OCG.objects.filter(visible_filter(user))
        .annotate(n=Count("members"))
        .order_by("-n", "id")
        .values_list("id", flat=True)
        .first()
    )
    if group:
        urls["group_largest"] = f"/groups/{group}/"
        # The group page's network, which the page loads after itself (the browser asks with HTMX).
        urls["group_largest_network"] = f"/groups/{group}/network/"
        member = (
            OCGMember.objects.filter(ocg_id=group, left_on__isnull=True, entity_id__in=visible.values("id"))
            .order_by("role", "entity_id")
            .values_list("entity_id", flat=True)
            .first()
        )
        if member:
            urls["explorer_group_member_2_hops"] = f"/network/entities/{member}/?hops=2&max_nodes=150"
    pair = (
        Pair.objects.filter(state="pending")
        .filter(visible_filter(user, prefix="left__") & visible_filter(user, prefix="right__"))
        .order_by("uncertainty", "id")
        .values_list("id", flat=True)
        .first()
    )
    if pair:
        urls["pair_review"] = f"/review/pairs/{pair}/"
    threats = Threat.objects.filter(visible_filter(user)).order_by("id")
    threat = threats.values_list("id", flat=True).first()
    if threat:
        urls["threat_detail"] = f"/threats/{threat}/"
    draft = (
        Assessment.objects.filter(status="draft", threat__in=threats)
        .order_by("threat_id")
        .values_list("threat_id", flat=True)
        .first()
    )
    if draft:
        urls["threat_assess"] = f"/threats/{draft}/assess/"
    return urls


def time_page(client: Client, url: str, runs: int) -> tuple[int, list[float]]:
    status = client.get(url).status_code  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        status = client.get(url).status_code
        times.append(time.perf_counter() - started)
    return status, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], help="time only these pages (by name)")
    parser.add_argument("--as", dest="personas", action="append", default=[], help="analyst, partner…")
    args = parser.parse_args()
    emit: Callable[[dict[str, object]], None] = lambda row: print(json.dumps(row), flush=True)  # noqa: E731
    reference = reference_seconds()
    emit({"bench": "pages", "page": "reference", "ms": round(reference * 1000, 1), "load": uptime()})
    for persona in args.personas or ["analyst", "partner"]:
        client = client_for(persona)
        urls = subjects(persona)
        for name, url in urls.items():
            if args.only and name not in args.only:
                continue
            status, times = time_page(client, url, args.runs)
            median = statistics.median(times)
            emit(
                {
                    "bench": "pages",
                    "as": persona,
                    "page": name,
                    "url": url,
                    "status": status,
                    "median_ms": round(median * 1000, 1),
                    "min_ms": round(min(times) * 1000, 1),
                    "ratio": round(median / reference, 2),
                    "runs": len(times),
                    "load": uptime(),
                }
            )


if __name__ == "__main__":
    main()
