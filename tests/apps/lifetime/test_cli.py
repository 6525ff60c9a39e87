"""'socmap lifetime': the daily alerts for a given day, the return as a user may see it, the catalogue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socmap import cli
from socmap.apps.core import clock
from socmap.apps.core.models import AuditEvent
from socmap.apps.lifetime import services
from socmap.apps.lifetime.models import Notification
from socmap.cli import app
from socmap.engines.lifetime import DEFAULT_CATALOGUE
from tests.apps.lifetime.conftest import World

runner = CliRunner()


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.console, "width", 200)


def test_alerts_for_a_given_day_tell_each_officer_once_and_print_the_digest(world: World) -> None:
    first = runner.invoke(app, ["lifetime", "alerts", "--today", "2025-09-10"])
    assert first.exit_code == 0, first.output
    assert "For lro (lro)" in first.output and "Jay Smith was released on 20 June 2025" in first.output
    assert "custody from 3 prison records (3 new, 0 changed)" in first.output
    again = runner.invoke(app, ["lifetime", "alerts", "--today", "10/09/2025"])
    assert "0 told now" in again.output
    assert Notification.objects.filter(recipient=world.lro, kind="release").count() == 2
    assert clock.today() == date(2025, 6, 2)  # the clock the command moved is put back


def test_a_date_that_is_not_a_date_is_refused_naming_the_option(world: World) -> None:
    result = runner.invoke(app, ["lifetime", "alerts", "--today", "next tuesday"])
    assert result.exit_code == 2 and "--today: 'next tuesday' is not a date" in result.output


def test_the_return_as_a_user_may_see_it_with_an_audited_csv(world: World, tmp_path: Path) -> None:
    d = services.disruption_record(
        actor=world.lro,
        plan=world.plan,
        data=services.DisruptionInput(
            on=date(2025, 5, 20),
            p="prevent",
            activity="safeguarding",
            impact="minor",
            description="Referral",
            evidence="MASH record",
            rationale="Child moved to safety",
        ),
    )
    services.disruption_validate(actor=world.supervisor, disruption=d, approve=True)
    out = tmp_path / "return.csv"
    result = runner.invoke(
        app,
        [
            "lifetime",
            "return",
            "--from",
            "2025-04-01",
            "--to",
            "2025-06-02",
            "--as",
            "supervisor",
            "--csv",
            str(out),
            "--why",
            "Regional return",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 validated disruption dated 1 April 2025 to 2 June 2025" in result.output
    assert "2025-04-01,2025-06-02,Region (all forces),Prevent,Minor,1" in out.read_text()
    assert AuditEvent.objects.filter(
        action="disclosure", object_id="disruption return", justification="Regional return"
    ).exists()
    avon = runner.invoke(
        app, ["lifetime", "return", "--from", "2025-04-01", "--to", "2025-06-02", "--as", "avon.lro"]
    )
    assert "0 validated disruptions" in avon.output


def test_the_catalogue_check_accepts_the_shipped_file_and_refuses_a_broken_one(tmp_path: Path) -> None:
    assert (
        "catalogue.yaml is a valid catalogue" in runner.invoke(app, ["lifetime", "catalogue", "check"]).output
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(DEFAULT_CATALOGUE.read_text().replace("    owner_type: dwp\n", ""))
    result = runner.invoke(app, ["lifetime", "catalogue", "check", str(broken)])
    assert (
        result.exit_code == 2
        and "broken.yaml, line " in result.output
        and "powers.benefit_check.owner_type" in result.output
    )
