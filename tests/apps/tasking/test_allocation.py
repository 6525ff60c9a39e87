"""Running the allocation through the services: capacity kept, overrides held, conflicts named."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from typer.testing import CliRunner

from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.tasking import selectors, services
from socmap.apps.tasking.models import RunStatus
from socmap.apps.tasking.register import register_current, week_index
from socmap.errors import NotAllowed
from tests.apps.tasking.conftest import Region, make_bid, scored, week


def _crowded(region: Region) -> list:
    """Five bids for technical surveillance in the same four weeks: two teams a week, so three must wait."""
    bids = []
    for n, (user, level) in enumerate(
        [
            (region.glos_analyst, 4),
            (region.avon_analyst, 3),
            (region.glos_analyst, 2),
            (region.avon_analyst, 2),
            (region.glos_analyst, 1),
        ]
    ):
        threat = scored(user, f"Threat {n}", level=level)
        bids.append(
            make_bid(
                user,
                threat,
                region.period,
                capability="technical_surveillance",
                first_week=week(region.period, 8),
                last_week=week(region.period, 11),
                weeks=4,
            )
        )
    return bids


def test_the_allocation_keeps_capacity_and_records_every_decision_in_words(region: Region) -> None:
    bids = _crowded(region)
    run = services.allocation_run(actor=region.tasking, period=region.period, time_limit=3)
    assert run.status == RunStatus.DONE and run.bids == 5 and run.funded == 2
    assert run.objective >= run.greedy_objective
    capacity = (
        register_current()
        .get("technical_surveillance")
        .capacity(region.period.starts_on, region.period.weeks)
    )  # type: ignore[union-attr]
    used: dict[int, float] = defaultdict(float)
    for d in run.decisions.all():
        assert d.reason
        if d.funded:
            for w in range(
                week_index(region.period.starts_on, d.first_week),
                week_index(region.period.starts_on, d.last_week) + 1,
            ):
                used[w] += float(d.bid.effort)
        else:
            assert d.binding[0]["key"].startswith("capacity:technical_surveillance:")
            assert "Technical surveillance is fully used" in d.reason
    assert all(used[w] <= capacity[w] for w in used)
    assert {d.bid_id for d in run.decisions.filter(funded=False)} == {bids[2].pk, bids[3].pk, bids[4].pk}
    assert AuditEvent.objects.filter(
        action=AuditAction.COMBINATION, object_type="tasking.allocationrun"
    ).exists()


def test_an_override_holds_after_re_solving(region: Region) -> None:
    bids = _crowded(region)
    services.override_set(
        actor=region.tasking, bid=bids[4], fund=True, reason="Threat to life: Osman warning"
    )
    services.override_set(actor=region.tasking, bid=bids[0], fund=False, reason="The NCA has it in hand")
    run = services.allocation_run(actor=region.tasking, period=region.period, time_limit=3)
    lowest = run.decisions.get(bid=bids[4])
    assert lowest.funded and lowest.overridden and "Osman warning" in lowest.reason
    highest = run.decisions.get(bid=bids[0])
    assert not highest.funded and "The NCA has it in hand" in highest.reason
    again = services.allocation_run(actor=region.tasking, period=region.period, time_limit=3)
    assert again.decisions.get(bid=bids[4]).funded and not again.decisions.get(bid=bids[0]).funded


def test_conflicting_overrides_are_reported_naming_the_constraints(region: Region) -> None:
    bids = _crowded(region)
    start = week(region.period, 8)
    for b in bids[:4]:
        b.effort = 1
        services.override_set(
            actor=region.tasking, bid=b, fund=True, reason=f"Must run: {b.reference}", start_week=start
        )
    run = services.allocation_run(actor=region.tasking, period=region.period, time_limit=3)
    assert run.status == RunStatus.INFEASIBLE and run.decisions.count() == 0
    keys = {c["key"] for c in run.conflicts}
    assert "capacity:technical_surveillance" in keys
    # Any three of the four cannot run in two teams: an irreducible set names three and the capacity.
    assert sum(k.startswith("override:") for k in keys) == 3
    assert "Must run" in " ".join(c["words"] for c in run.conflicts)
    with pytest.raises(NotAllowed):
        services.run_publish(actor=region.tasking, run=run)


def test_only_the_rocu_tasking_team_runs_and_publishes(region: Region) -> None:
    _crowded(region)
    with pytest.raises(NotAllowed):
        services.allocation_run(actor=region.glos_analyst, period=region.period)


def test_a_force_sees_its_outcome_only_once_published(region: Region) -> None:
    bids = _crowded(region)
    run = services.allocation_run(actor=region.tasking, period=region.period, time_limit=3)
    assert all(d is None for _, d in selectors.outcome_list(viewer=region.glos_analyst, period=region.period))
    services.run_publish(actor=region.tasking, run=run)
    outcome = selectors.outcome_list(viewer=region.glos_analyst, period=region.period)
    assert [b.pk for b, _ in outcome] == sorted(b.pk for b in bids if b.owner == region.glos)
    assert all(d is not None and d.reason for _, d in outcome)


def test_the_command_line_allocates_and_prints_json(region: Region) -> None:
    from socmap.cli import app

    _crowded(region)
    result = CliRunner().invoke(
        app,
        [
            "tasking",
            "allocate",
            "--period",
            region.period.name,
            "--as",
            region.tasking.username,
            "--json",
            "--time-limit",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["status"] == "done" and len(body["decisions"]) == 5
    assert sum(d["funded"] for d in body["decisions"]) == 2
    bad = CliRunner().invoke(
        app, ["tasking", "allocate", "--period", "1999", "--as", region.tasking.username]
    )
    assert bad.exit_code == 2 and "No tasking period 1999" in bad.output
