"""Analysts' journeys under load: locust users against ``socmap serve``; prints JSON lines.

    DATABASE_URL=postgres://…/large .venv/bin/python bench/load.py [--users 20] [--seconds 120]

Build and resolve the region first (``socmap demo --size large`` with the same ``DATABASE_URL``).
The bench starts ``socmap serve`` on a free port (or uses ``--url`` of one already running), signs
each persona in by making a session in the database, and runs ``--users`` locust users, each
walking the main pages in turn with a think time of 1 to 3 seconds, as a person reading them would:
search, a person (then their links and events, as a reader opens them), a record, a group, the review queue,
the explorer, the threat list, the findings list. Subjects are chosen as ``bench/pages.py`` chooses
them (the person of most records, the largest group…), so runs on the same database compare.

Each page's line gives p50/p95/p99 of the **server time** (the ``Server-Timing`` header socmap sets:
the application's own time, without queueing for a worker) and of the time the client waited, the
target for the page, and the load average at the end. A last line gives the database's size.
Each page is read twice per persona before the timed run (``--cold`` to time the first answers too).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The targets: search, person, record and queue pages 150 ms; group and explorer 500 ms.
# The group page's network, loaded after the page, is held to the explorer's target (the same work).
TARGETS = {"group_largest": 500, "group_largest_network": 500, "explorer_most_records": 500}
PAGES = (
    *("search_name", "person_most_records", "person_most_records_links", "person_most_records_events"),
    *("record_most_recent", "group_largest", "group_largest_network"),
    *("review_queue", "explorer_most_records", "threats_region", "findings_list"),
)
#: Asked as the page's script asks for them (HTMX), as a fragment of the page that loads them.
FRAGMENTS = {"group_largest_network"}
#: Asked as the page's script asks for them too, but when the reader opens them (what the person's
#: records link to, their events: details elements), so after the reader's pause like a page.
OPENED = {"person_most_records_links", "person_most_records_events"}


def prepare(personas: list[str]) -> dict[str, Any]:
    """Run in a process of its own (before locust patches sockets): a session cookie and the pages
    of each persona, and the size of the data."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    import django

    django.setup()
    from django.conf import settings

    from bench.pages import client_for, subjects
    from socmap.apps.core.models import User
    from socmap.apps.core.visibility import visible_filter
    from socmap.apps.intel.models import Record, Statement

    out: dict[str, Any] = {"personas": {}, "cookie": settings.SESSION_COOKIE_NAME}
    for persona in personas:
        urls = subjects(persona)
        user = User.objects.get(username=persona)
        record = (
            Record.objects.filter(visible_filter(user)).order_by("-id").values_list("id", flat=True).first()
        )
        urls["record_most_recent"] = f"/records/{record}/"
        urls["findings_list"] = "/inspections/"
        session = client_for(persona).cookies[settings.SESSION_COOKIE_NAME].value
        out["personas"][persona] = {"session": session, "urls": {k: urls[k] for k in PAGES if k in urls}}
    out["records"] = Record.objects.count()
    out["statements"] = Statement.objects.count()
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "socmap", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("socmap serve did not start within 120 s")


def _warm(url: str, plan: dict[str, Any]) -> None:
    """Each persona's pages twice before timing, as ``bench/pages.py`` does: a fresh server's first
    answers (imports, each process's caches and compiled templates) are not its steady state."""
    import urllib.request

    for me in plan["personas"].values():
        for path in me["urls"].values():
            cookie = {"Cookie": f"{plan['cookie']}={me['session']}"}
            request = urllib.request.Request(url + path, headers=cookie)  # noqa: S310 - our own server
            for _ in range(2):  # one answer from each of the two web workers, most likely
                with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310 - our own server
                    answer.read()


def _quantiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        one = round(values[0], 1) if values else 0.0
        return {"p50": one, "p95": one, "p99": one}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "p99": round(cuts[98], 1)}


def run_load(url: str, plan: dict[str, Any], users: int, seconds: int) -> dict[str, dict[str, list[float]]]:
    """Drive the pages with locust; the client's and the server's times per page, in ms."""
    import gevent
    from locust import HttpUser, between, task
    from locust.env import Environment

    personas = list(plan["personas"].values())
    times: dict[str, dict[str, list[float]]] = {}

    class Analyst(HttpUser):
        host = url
        wait_time = between(1, 3)

        def on_start(self) -> None:
            me = personas[id(self) % len(personas)]
            self.client.cookies.set(plan["cookie"], me["session"])
            self.urls = me["urls"]

        @task
        def walk(self) -> None:
            for name, path in self.urls.items():
                headers = {"HX-Request": "true"} if name in FRAGMENTS | OPENED else None
                self.client.get(path, name=name, headers=headers)
                if name not in FRAGMENTS:  # a fragment follows its page at once, as a browser asks
                    self.wait()  # type: ignore[no-untyped-call]

    def on_request(
        name: str, response_time: float, response: Any = None, exception: Any = None, **_: Any
    ) -> None:
        page = times.setdefault(name, {"client": [], "server": [], "errors": []})
        page["client"].append(response_time)
        header = response.headers.get("Server-Timing", "") if response is not None else ""
        if "dur=" in header:
            page["server"].append(float(header.split("dur=")[1].split(";")[0]))
        if exception is not None or (response is not None and response.status_code >= 400):
            page["errors"].append(getattr(response, "status_code", 0))

    env = Environment(user_classes=[Analyst])
    env.events.request.add_listener(on_request)  # type: ignore[no-untyped-call]
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(1, users // 5))
    gevent.sleep(seconds)
    runner.quit()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=2, help="web workers of the server it starts")
    parser.add_argument("--url", default="", help="a socmap already serving (else one is started)")
    parser.add_argument("--as", dest="personas", action="append", default=[], help="analyst, partner…")
    parser.add_argument(
        "--cold", action="store_true", help="time the server's first answers too (no warm-up)"
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    personas = args.personas or ["analyst"]
    if args.prepare:
        print(json.dumps(prepare(personas)))
        return
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--prepare", *(f"--as={p}" for p in personas)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    plan = json.loads(done.stdout.strip().splitlines()[-1])
    server = None
    url = args.url
    if not url:
        port = _free_port()
        server = _serve(port, args.workers)
        url = f"http://127.0.0.1:{port}"
    try:
        if not args.cold:
            _warm(url, plan)
        times = run_load(url, plan, args.users, args.seconds)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    for name in PAGES:
        page = times.get(name)
        if not page:
            continue
        server_q, client_q = _quantiles(page["server"]), _quantiles(page["client"])
        target = TARGETS.get(name, 150)
        row = {"bench": "load", "page": name, "requests": len(page["client"]), "errors": len(page["errors"])}
        row |= {f"server_{k}_ms": v for k, v in server_q.items()}
        row |= {f"client_{k}_ms": v for k, v in client_q.items()}
        row |= {"target_p95_ms": target, "met": server_q["p95"] < target, "users": args.users, "load": load}
        row["warmed"] = not args.cold
        print(json.dumps(row), flush=True)
    print(json.dumps({"bench": "load", "records": plan["records"], "statements": plan["statements"],
                      "seconds": args.seconds, "users": args.users, "load": load}), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
