from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# Property tests: a bounded number of cases, and no deadline or speed check, since the machines
# that run them are shared and their speed varies.
hypothesis_settings.register_profile(
    "socmap", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("socmap")

_CASES = "hypothesis cases"  # (passing, failing) test cases of one property test, on its report


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Count the cases each property test ran (schemathesis's too: it runs on hypothesis).

    Inside hypothesis's own plugin, which collects the run's statistics for
    ``--hypothesis-show-statistics``: its collector is called as before, and the counts go on the
    test's report (so they cross from pytest-xdist's workers) for the summary below.
    """
    from hypothesis import is_hypothesis_test
    from hypothesis.statistics import collector

    if not is_hypothesis_test(getattr(item, "obj", None)):
        return (yield)
    outer = collector.value
    counts = [0, 0]  # passing, failing

    def note(stats: Any) -> None:
        if outer is not None:
            outer(stats)
        for phase in ("explicit", "reuse", "generate", "target"):
            for case in stats.get(f"{phase}-phase", {}).get("test-cases", []):
                counts[0] += case["status"] == "valid"
                counts[1] += case["status"] == "interesting"

    try:
        with collector.with_value(note):
            return (yield)
    except BaseException:
        counts[1] = max(counts[1], 1)  # a failing explicit example is not in the statistics
        raise
    finally:
        item.user_properties.append((_CASES, tuple(counts)))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per file of property tests: how many cases ran and how many failed."""
    by_file: dict[str, Counter[str]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", "") != "call":
                continue
            for key, value in getattr(report, "user_properties", ()):
                if key == _CASES:
                    counts = by_file.setdefault(report.nodeid.split("::")[0], Counter())
                    counts["tests"] += 1
                    counts["passing"] += value[0]
                    counts["failing"] += value[1]
    if not by_file:
        return
    total = sum((c for c in by_file.values()), Counter())
    terminalreporter.write_sep("-", "property tests and fuzzing (hypothesis)")
    for file, c in sorted(by_file.items()):
        terminalreporter.write_line(
            f"{file}: {c['passing'] + c['failing']} cases in {c['tests']} tests, {c['failing']} failures"
        )
    terminalreporter.write_line(
        f"all: {total['passing'] + total['failing']} cases in {total['tests']} tests, "
        f"{total['failing']} failures"
    )


#: Fixtures through which a test reaches a database (pytest-django's, and what depends on them).
_DB_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "live_server"})


def uses_database(item: pytest.Item) -> bool:
    """Whether a test reaches a database: marked for it, asking for a fixture that opens one, or for
    one of ours that unblocks it itself (a module's data built once); pytest-django's own autouse
    fixtures ask for the blocker in every test, so they do not count."""
    if item.get_closest_marker("django_db") is not None:
        return True
    if _DB_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    return any(
        "django_db_blocker" in d.argnames and not d.func.__module__.startswith("pytest_django")
        for fixture in defs.values()
        for d in fixture
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``make test`` runs the suite on SQLite and on PostgreSQL side by side. A test that reaches no
    database gives the same answer in both, so with ``SOCMAP_TESTS_WITHOUT_DB=elsewhere`` (set by
    ``make test`` on the SQLite run only when the PostgreSQL run goes alongside) it runs in the
    other run alone: each run is then about as long as the other, and neither repeats the engines."""
    if os.environ.get("SOCMAP_TESTS_WITHOUT_DB") != "elsewhere":
        return
    keep = [item for item in items if uses_database(item)]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
        items[:] = keep


@pytest.fixture(autouse=True)
def _test_settings(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"  # type: ignore[attr-defined]
    settings.VAR_DIR = tmp_path / "var"  # type: ignore[attr-defined]  # model files and the like
    # Password hashing is deliberately slow; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    # Background tasks run in the test's own process, through the real task framework.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


@pytest.fixture
def force(db: None) -> object:
    return factories.organisation("force", name="Gloucestershire Constabulary")


@pytest.fixture
def council(db: None) -> object:
    return factories.organisation("partner", "council", name="Cheltenham Borough Council")


@pytest.fixture
def analyst(force: object) -> object:
    return factories.user(force, "analyst", username="analyst")  # type: ignore[arg-type]


@pytest.fixture
def partner_user(council: object) -> object:
    return factories.user(council, "partner", username="partner")  # type: ignore[arg-type]


@pytest.fixture
def auditor(force: object) -> object:
    return factories.user(force, "auditor", username="auditor")  # type: ignore[arg-type]


@contextmanager
def committed() -> Iterator[None]:
    """For a module that builds its data once and commits it (inside ``django_db_blocker.unblock()``):
    at the end the data is flushed and the rows the migrations made (the audit log's compartment,
    say) are put back, so the modules that run after it find the database as migrated."""
    saved = connection.creation.serialize_db_to_string()
    try:
        yield
    finally:
        # As Django's serialized rollback does: no post-migrate signal (it would make the content
        # types the saved rows bring back), then the saved rows. Sequences are left where they are:
        # the saved rows keep their ids, and a sequence restarted at 1 would hand them out again.
        call_command(
            "flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
        )
        connection.creation.deserialize_db_from_string(saved)


def signed_in(user: object, purpose: str = "Test enquiry") -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    if purpose:
        session = client.session
        session["socmap_purpose"] = purpose
        session.save()
    return client
