"""Lifetime management pages: the server time of each new page on a demo region already built.

    SOCMAP_VAR_DIR=var/medium DATABASE_URL=postgres://…/DB .venv/bin/socmap demo --size medium   # once
    SOCMAP_VAR_DIR=var/medium DATABASE_URL=postgres://…/DB .venv/bin/python bench/lifetime.py [--runs 7]

Each page is requested in-process through the whole Django stack (middleware, visibility, audit,
templates) as the user it is for, once to warm up and then ``--runs`` times; one JSON line per page
gives the median and the slowest run in milliseconds. The home page is timed the same way as a
reference, and every line carries the machine's load average (the machine is shared: compare pages
with the reference measured in the same run rather than across runs). The last line says whether
every page's median is under the target (300 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TARGET_MS = 300.0


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session["socmap_purpose"] = "Benchmark of the lifetime pages"
    session.save()
    return client


def _time(client: Any, url: str, runs: int) -> tuple[float, float, int]:
    response = client.get(url)  # warm up: template and catalogue caches
    status = response.status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return statistics.median(times), max(times), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse

    from socmap.apps.core.models import User
    from socmap.apps.intel.models import Record
    from socmap.apps.lifetime.models import CustodyPeriod, Disruption, OrderRecord, Plan, PlanAction, PowerUse

    lro, supervisor, partner = (User.objects.get(username=u) for u in ("lro", "supervisor", "partner"))
    plan = Plan.objects.filter(lro=lro).annotate(n=Count("disruptions")).order_by("-n", "id").first()
    if plan is None:
        sys.exit("No plan of the demo LRO: build the demo first (socmap demo --size medium)")
    ids = {
        "plan": plan.pk,
        "action": PlanAction.objects.filter(plan=plan).values_list("pk", flat=True).first(),
        "order": OrderRecord.objects.filter(plan=plan).values_list("pk", flat=True).first(),
        "power": PowerUse.objects.values_list("pk", flat=True).first(),
        "custody": CustodyPeriod.objects.filter(owner=plan.owner).values_list("pk", flat=True).first(),
        "disruption": Disruption.objects.filter(plan=plan).values_list("pk", flat=True).first(),
    }
    pages: list[tuple[str, Any, str | None, str]] = [
        ("core:home", lro, None, ""),
        ("lifetime:workload", lro, None, ""),
        ("lifetime:force", supervisor, None, ""),
        ("lifetime:plan_list", supervisor, None, ""),
        ("lifetime:plan", lro, "plan", ""),
        ("lifetime:plan_assign", supervisor, "plan", ""),
        ("lifetime:action_new", lro, "plan", ""),
        ("lifetime:considerations", lro, "plan", ""),
        ("lifetime:review", lro, "plan", ""),
        ("lifetime:custody_new", lro, "plan", ""),
        ("lifetime:order_new", lro, "plan", ""),
        ("lifetime:power_new", lro, "plan", ""),
        ("lifetime:disruption_new", lro, "plan", ""),
        ("lifetime:timeline_svg", lro, "plan", ""),
        ("lifetime:action", lro, "action", ""),
        ("lifetime:order", lro, "order", ""),
        ("lifetime:power", supervisor, "power", ""),
        ("lifetime:custody", lro, "custody", ""),
        ("lifetime:disruption", supervisor, "disruption", ""),
        ("lifetime:disruption_list", supervisor, None, ""),
        ("lifetime:return", supervisor, None, "?date_from=01/04/2020&date_to=31/12/2030&period=quarter"),
        ("lifetime:return", partner, None, "?date_from=01/04/2020&date_to=31/12/2030&period=quarter"),
        ("lifetime:return_svg", supervisor, None, ""),
        ("lifetime:release", lro, None, ""),
        ("lifetime:release", supervisor, None, "?everyone=1"),
        ("lifetime:catalogue", lro, None, ""),
        ("lifetime:notifications", lro, None, ""),
        ("lifetime:training", supervisor, None, ""),
    ]
    size = {
        "database": connection.vendor,
        "records": Record.objects.count(),
        "plans": Plan.objects.count(),
        "disruptions": Disruption.objects.count(),
        "custody_periods": CustodyPeriod.objects.count(),
    }
    print(json.dumps({"bench": "lifetime", "data": size, "load": os.getloadavg()}), flush=True)
    clients = {u.pk: _client(u) for u in (lro, supervisor, partner)}
    reference = None
    slowest = 0.0
    for name, user, arg, query in pages:
        if arg is not None and ids[arg] is None:
            skipped = {"bench": "lifetime", "page": name, "skipped": f"no {arg} in the demo"}
            print(json.dumps(skipped), flush=True)
            continue
        url = reverse(name, args=[ids[arg]] if arg else []) + query
        median, worst, status = _time(clients[user.pk], url, args.runs)
        if name == "core:home":
            reference = median
        else:
            slowest = max(slowest, median)
        print(
            json.dumps(
                {
                    "bench": "lifetime",
                    "page": name,
                    "url": url,
                    "as": user.username,
                    "status": status,
                    "median_ms": round(median, 1),
                    "max_ms": round(worst, 1),
                    "runs": args.runs,
                    "vs_home": round(median / reference, 2) if reference else None,
                    "load": [round(x, 2) for x in os.getloadavg()],
                }
            ),
            flush=True,
        )
    print(
        json.dumps(
            {
                "bench": "lifetime",
                "summary": True,
                "slowest_median_ms": round(slowest, 1),
                "target_ms": TARGET_MS,
                "all_under_target": slowest < TARGET_MS,
                "home_median_ms": round(reference or 0, 1),
                "load": [round(x, 2) for x in os.getloadavg()],
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
