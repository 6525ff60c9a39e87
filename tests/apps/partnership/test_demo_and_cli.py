"""The demo's partnership and the command line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from socmap.apps.core.demo import build_demo_organisations, demo_logins
from socmap.apps.core.models import AuditEvent, User
from socmap.apps.partnership.demo import build_demo_partnership
from socmap.apps.partnership.models import Board, Referral
from socmap.apps.partnership.selectors.agreements import register
from socmap.cli import app

runner = CliRunner(env={"COLUMNS": "300"})


@pytest.mark.django_db
def test_the_demo_has_agreements_at_every_stage_a_board_and_referrals_in_every_state() -> None:
    build_demo_organisations()
    build_demo_partnership()
    build_demo_partnership()  # twice changes nothing
    council = User.objects.get(username="partner")
    stages = {r.agreement.title: r.stage for r in register(viewer=council) if r.terms is not None}
    assert stages == {
        "CSE safeguarding case sharing": "awaiting",
        "Operation Endeavour licensing checks": "revoked",
        "Operation Endeavour hot-spot patrol data": "in_force",
    }
    board = Board.objects.get()
    assert board.meetings.count() == 2 and board.members.count() == 7
    states = {(r.outcome == "", r.referred_on) for r in Referral.objects.all()}
    assert len(states) == 7 and Referral.objects.filter(outcome="").count() == 2
    assert AuditEvent.objects.filter(justification="renewal reminder").count() == 1
    logins = demo_logins()  # what `socmap demo` prints: the personas first, then what apps added
    assert logins[0].username == "analyst"
    lead = next(login for login in logins if login.username == "council.lead")
    assert (lead.role, lead.organisation) == ("Partner", "Cheltenham Borough Council")


@pytest.mark.django_db
def test_agreements_and_users_from_the_command_line() -> None:
    build_demo_organisations()
    build_demo_partnership()
    listed = runner.invoke(app, ["agreements", "list", "--as", "partner"])
    assert listed.exit_code == 0, listed.output
    assert "CSE safeguarding case sharing" in listed.output and "Awaiting approval" in listed.output
    awaiting = next(
        r.agreement for r in register(viewer=User.objects.get(username="partner")) if r.stage == "awaiting"
    )
    ok = runner.invoke(app, ["agreements", "approve", str(awaiting.pk), "--as", "partner"])
    assert ok.exit_code == 0, ok.output
    assert "in_force" in ok.output
    own = runner.invoke(
        app,
        [
            "agreements",
            "propose",
            "--as",
            "council.lead",
            "--provider",
            "gloucestershire-constabulary",
            "--recipient",
            "cheltenham-borough-council",
            "--title",
            "Bad",
            "--purpose",
            "p",
            "--legal-basis",
            "s115",
            "--valid-from",
            "2026-05-01",
            "--valid-to",
            "2026-04-01",
            "--general",
            "--handling",
            "P",
        ],
    )
    assert own.exit_code == 2 and "valid_to" in own.output + str(own.stderr if hasattr(own, "stderr") else "")
    revoke = runner.invoke(
        app, ["agreements", "revoke", str(awaiting.pk), "--as", "supervisor", "--reason", "Ended"]
    )
    assert revoke.exit_code == 0, revoke.output
    gone = runner.invoke(app, ["users", "deactivate", "intel.officer", "--as", "admin", "--reason", "Left"])
    assert gone.exit_code == 2  # Avon's officer is not administered by Gloucestershire's administrator
    done = runner.invoke(app, ["users", "deactivate", "lro", "--as", "admin", "--reason", "Retired"])
    assert done.exit_code == 0, done.output
    assert not User.objects.get(username="lro").is_active
    refs = runner.invoke(app, ["referrals", "list", "--as", "partner", "--state", "overdue"])
    assert refs.exit_code == 0 and "Child B" in refs.output
