"""PostgreSQL's settings as socmap judges them: what is required fails `socmap check`, advice never."""

from __future__ import annotations

import pytest
from django.db import connection
from typer.testing import CliRunner

from socmap.apps.core.dbserver import SETTINGS, settings_check, settings_judge
from socmap.cli import app

GOOD = {
    "server_version_num": "150020", "server_encoding": "UTF8", "fsync": "on", "full_page_writes": "on",
    "synchronous_commit": "on", "max_connections": "100", "shared_buffers": "65536", "max_wal_size": "4096",
    "work_mem": "16384",
}  # fmt: skip
UNITS = {"shared_buffers": "8kB", "max_wal_size": "MB", "work_mem": "kB"}


def test_a_server_set_as_advised_passes_every_setting() -> None:
    verdicts = settings_judge(GOOD, UNITS)
    assert [v.name for v in verdicts] == [s.name for s in SETTINGS]
    assert all(v.ok for v in verdicts)
    assert {v.name: v.value for v in verdicts}["shared_buffers"] == "512 MB"


@pytest.mark.parametrize(
    ("name", "value", "required"),
    [
        ("fsync", "off", True),
        ("synchronous_commit", "off", True),
        ("server_encoding", "SQL_ASCII", True),
        ("server_version_num", "130011", True),
        ("shared_buffers", "16384", False),  # 128 MB, the packaged default
        ("work_mem", "4096", False),
    ],
)
def test_each_setting_below_what_socmap_needs_is_named(name: str, value: str, required: bool) -> None:
    failing = [v for v in settings_judge(GOOD | {name: value}, UNITS) if not v.ok]
    assert [(v.name, v.required) for v in failing] == [(name, required)]
    assert failing[0].why


def test_a_setting_the_server_does_not_report_fails() -> None:
    values = {k: v for k, v in GOOD.items() if k != "fsync"}
    assert [v.name for v in settings_judge(values, UNITS) if not v.ok] == ["fsync"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="server settings are PostgreSQL's")
def test_the_test_server_meets_what_is_required_and_check_prints_each_setting() -> None:
    verdicts = settings_check(connection=connection)
    assert all(v.ok for v in verdicts if v.required), [v for v in verdicts if not v.ok]
    result = CliRunner(env={"COLUMNS": "300"}).invoke(app, ["check"])
    for s in SETTINGS:
        assert s.name in result.output


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_socmap_connections_compile_no_query_just_in_time() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
