"""Tasking meetings: the agenda built from priorities, bids and overdue reviews; decisions feed the
allocation; minutes as HTML and as PDF (read back with poppler)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.tasking import services
from socmap.apps.tasking.models import DecisionKind, MeetingLevel, Override
from socmap.errors import InvalidInput, NotAllowed
from tests.apps.tasking.conftest import Region, make_bid, scored
from tests.conftest import signed_in


def _meeting(region: Region):  # type: ignore[no-untyped-def]
    return services.meeting_create(
        actor=region.tasking,
        level=MeetingLevel.REGIONAL,
        title="Regional TTCG, December",
        held_on=timezone.localdate(),
        period=region.period,
        chair="Det Supt Moore",
        attendees="Five forces",
    )


def test_the_agenda_is_built_from_priorities_bids_and_overdue_reviews(region: Region) -> None:
    threat = scored(region.glos_analyst, "County lines into Gloucester", level=4)
    bid = make_bid(region.glos_analyst, threat, region.period)
    meeting = _meeting(region)
    assert [p["title"] for p in meeting.agenda["priorities"]] == ["County lines into Gloucester"]
    assert [b["reference"] for b in meeting.agenda["bids"]] == [bid.reference]
    assert meeting.agenda["overdue"] == []


def test_a_decision_to_fund_feeds_the_allocation(region: Region) -> None:
    low = make_bid(
        region.glos_analyst,
        scored(region.glos_analyst, level=1),
        region.period,
        capability="undercover",
        weeks=4,
    )
    high = make_bid(
        region.avon_analyst,
        scored(region.avon_analyst, level=4),
        region.period,
        capability="undercover",
        weeks=4,
        first_week=low.first_week,
        last_week=low.first_week + (low.last_week - low.first_week),
    )
    meeting = _meeting(region)
    services.decision_record(
        actor=region.tasking,
        meeting=meeting,
        kind=DecisionKind.FUND,
        bid=low,
        text="Fund: the only route to the principal before his release",
        owner="ROCU DI",
    )
    override = Override.objects.get(bid=low, withdrawn_at__isnull=True)
    assert override.meeting == meeting and override.fund
    run = services.allocation_run(actor=region.tasking, period=region.period, time_limit=3)
    assert run.decisions.get(bid=low).funded and not run.decisions.get(bid=high).funded
    assert "before his release" in run.decisions.get(bid=low).reason


def test_decisions_and_actions_refuse_bad_input_naming_the_field(region: Region) -> None:
    meeting = _meeting(region)
    with pytest.raises(InvalidInput) as caught:
        services.decision_record(
            actor=region.tasking, meeting=meeting, kind=DecisionKind.FUND, text="Fund it"
        )
    assert "bid" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        services.action_record(actor=region.tasking, meeting=meeting, text="", owner="")
    assert {"text", "owner"} <= set(caught.value.fields)
    with pytest.raises(InvalidInput) as caught:
        services.meeting_create(
            actor=region.glos_analyst,
            level=MeetingLevel.REGIONAL,
            title="x",
            held_on=timezone.localdate(),
            period=None,
        )
    assert "level" in caught.value.fields
    force_meeting = services.meeting_create(
        actor=region.glos_analyst,
        level=MeetingLevel.FORCE,
        title="Force TCG",
        held_on=timezone.localdate(),
        period=region.period,
    )
    with pytest.raises(NotAllowed):
        services.action_record(actor=region.tasking, meeting=force_meeting, text="x", owner="y")


def test_minutes_read_the_same_as_html_and_as_pdf(region: Region, tmp_path: Path) -> None:
    bid = make_bid(region.glos_analyst, scored(region.glos_analyst, level=3), region.period)
    meeting = _meeting(region)
    services.decision_record(
        actor=region.tasking,
        meeting=meeting,
        kind=DecisionKind.NOT_FUND,
        bid=bid,
        text="Do not fund: the force holds the capability itself",
    )
    services.action_record(
        actor=region.tasking,
        meeting=meeting,
        text="Review the <script>county lines</script> plan",
        owner="Gloucestershire DCI",
        due_on=timezone.localdate(),
    )
    client = signed_in(region.tasking)
    html = client.get(f"/tasking/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Do not fund: the force holds the capability itself" in html
    assert "&lt;script&gt;county lines&lt;/script&gt;" in html and "<script>county" not in html
    response = client.get(f"/tasking/meetings/{meeting.pk}/minutes.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(response.content)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Minutes: Regional TTCG, December" in text
    assert "Do not fund: the force holds the capability itself" in text
    assert "Gloucestershire DCI" in text
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(png)], check=True)
    assert any(p.name.startswith("page") and p.stat().st_size > 1000 for p in tmp_path.iterdir())
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSURE, object_type="tasking.meeting").exists()


def test_another_organisation_cannot_read_the_minutes(region: Region) -> None:
    meeting = _meeting(region)
    assert signed_in(region.glos_analyst).get(f"/tasking/meetings/{meeting.pk}/").status_code == 404
    assert signed_in(region.partner).get(f"/tasking/meetings/{meeting.pk}/minutes.pdf").status_code == 404
