"""The assessment workflow: draft, submit, approve or return, re-assess; each refusal is clear."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from socmap.apps.assessment import selectors, services
from socmap.apps.assessment.models import Assessment, AssessmentEvent, Status
from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.errors import Conflict, InvalidInput, NotAllowed
from tests.apps.assessment.conftest import Region, approved, entered, submitted, thematic


def test_submitting_without_a_rationale_is_refused_naming_the_factor(region: Region) -> None:
    threat = thematic(region.analyst)
    draft = services.assessment_start(actor=region.analyst, threat=threat)
    data = entered(2)
    data.rationales["likelihood"] = "   "
    with pytest.raises(InvalidInput) as info:
        services.assessment_submit(actor=region.analyst, assessment=draft, data=data)
    assert info.value.fields == {"rationale_likelihood": ["Say why you chose this value for likelihood"]}
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.score is None


def test_a_value_outside_its_scale_is_refused_naming_the_factor(region: Region) -> None:
    draft = services.assessment_start(actor=region.analyst, threat=thematic(region.analyst))
    with pytest.raises(InvalidInput) as info:
        services.assessment_save(actor=region.analyst, assessment=draft, data=entered(2, physical_harm=9))
    assert info.value.fields == {
        "value_physical_harm": ["Physical harm: 9 is outside its scale; choose one of 0, 1, 2, 3, 4"]
    }
    with pytest.raises(InvalidInput, match="could not be submitted"):
        services.assessment_submit(actor=region.analyst, assessment=draft, data=entered(2, likelihood=0))


def test_a_draft_may_be_saved_half_done(region: Region) -> None:
    draft = services.assessment_start(actor=region.analyst, threat=thematic(region.analyst))
    data = services.AssessmentInput(
        values={"physical_harm": "3"}, rationales={"physical_harm": "Knife crime"}
    )
    saved = services.assessment_save(actor=region.analyst, assessment=draft, data=data)
    assert saved.values == {"physical_harm": 3} and saved.status == Status.DRAFT


def test_approving_ones_own_assessment_is_refused_and_logged(region: Region) -> None:
    threat = thematic(region.other_supervisor)
    done = submitted(region.other_supervisor, threat)
    with pytest.raises(NotAllowed) as info:
        services.assessment_approve(actor=region.other_supervisor, assessment=done)
    assert info.value.message == "You cannot approve your own assessment: another supervisor must"
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED, object_id=str(done.pk), actor=region.other_supervisor
    ).exists()
    done.refresh_from_db()
    assert done.status == Status.SUBMITTED


def test_an_analyst_cannot_approve(region: Region) -> None:
    done = submitted(region.other_supervisor, thematic(region.other_supervisor))
    with pytest.raises(NotAllowed, match="supervisor role"):
        services.assessment_approve(actor=region.analyst, assessment=done)


def test_a_supervisor_of_another_force_cannot_approve(region: Region) -> None:
    done = submitted(region.avon_analyst, thematic(region.avon_analyst))
    with pytest.raises(NotAllowed, match="Only a supervisor of Avon and Somerset"):
        services.assessment_approve(actor=region.supervisor, assessment=done)


def test_editing_an_approved_assessment_is_refused_and_reassessing_makes_a_new_version(
    region: Region,
) -> None:
    threat = thematic(region.analyst)
    first = approved(region.analyst, region.supervisor, threat, 3)
    with pytest.raises(Conflict) as info:
        services.assessment_save(actor=region.analyst, assessment=first, data=entered(4))
    assert info.value.code == "approved_is_final" and "start version 2" in info.value.message
    second = services.assessment_start(actor=region.analyst, threat=threat)
    assert (second.number, second.status, second.values) == (2, Status.DRAFT, first.values)
    second = services.assessment_submit(actor=region.analyst, assessment=second, data=entered(4))
    services.assessment_approve(actor=region.supervisor, assessment=second)
    first.refresh_from_db()
    assert first.status == Status.APPROVED and first.score == 141 and first.superseded_by_id == second.pk
    threat.refresh_from_db()
    assert (threat.score, threat.band, threat.scored_id) == (243, "high", second.pk)


def test_a_submitted_assessment_cannot_be_changed(region: Region) -> None:
    done = submitted(region.analyst, thematic(region.analyst))
    with pytest.raises(Conflict, match="waiting for a supervisor's decision"):
        services.assessment_save(actor=region.analyst, assessment=done, data=entered(1))


def test_only_one_version_is_open_at_a_time(region: Region) -> None:
    threat = thematic(region.analyst)
    services.assessment_start(actor=region.analyst, threat=threat)
    with pytest.raises(Conflict, match="still draft"):
        services.assessment_start(actor=region.analyst, threat=threat)


@pytest.mark.parametrize(("level", "band", "months"), [(4, "high", 3), (3, "medium", 6), (2, "low", 12)])
def test_approval_sets_the_reassessment_date_by_band(
    region: Region, level: int, band: str, months: int
) -> None:
    done = approved(region.analyst, region.supervisor, thematic(region.analyst), level)
    today = timezone.localdate()
    assert done.band == band and done.due_on == services.add_months(today, months)
    assert done.threat.due_on == done.due_on


def test_returning_needs_a_comment_and_the_revision_is_a_new_version(region: Region) -> None:
    threat = thematic(region.analyst)
    done = submitted(region.analyst, threat)
    with pytest.raises(InvalidInput, match="Say what needs to change"):
        services.assessment_return(actor=region.supervisor, assessment=done, comment=" ")
    returned = services.assessment_return(
        actor=region.supervisor, assessment=done, comment="Cite the custody records"
    )
    assert returned.status == Status.RETURNED and returned.score == 66
    with pytest.raises(Conflict, match="revise it as version 2"):
        services.assessment_save(actor=region.analyst, assessment=returned, data=entered(3))
    revision = services.assessment_start(actor=region.analyst, threat=threat)
    assert revision.number == 2 and revision.rationales == returned.rationales
    threat.refresh_from_db()
    assert threat.status == Status.DRAFT and threat.score is None


def test_every_change_is_audited_and_on_the_timeline(region: Region) -> None:
    threat = thematic(region.analyst)
    done = approved(region.analyst, region.supervisor, threat)
    actions = list(
        AuditEvent.objects.filter(object_type="assessment.assessment", object_id=str(done.pk))
        .order_by("at")
        .values_list("action", "justification")
    )
    assert [a for a, _ in actions] == ["alteration"] * 4  # started, saved, submitted, approved
    assert actions[-1][1] == "Agreed"
    assert AuditEvent.objects.filter(object_type="assessment.threat", object_id=str(threat.pk)).exists()
    kinds = list(
        AssessmentEvent.objects.filter(threat=threat).order_by("at", "id").values_list("kind", flat=True)
    )
    assert kinds == ["created", "started", "saved", "submitted", "approved"]


def test_the_history_shows_what_changed_between_versions(region: Region) -> None:
    threat = thematic(region.analyst)
    approved(region.analyst, region.supervisor, threat, 3)
    second = services.assessment_start(actor=region.analyst, threat=threat)
    data = entered(3, likelihood=4)
    data.rationales["likelihood"] = "Deals every day now"
    services.assessment_submit(actor=region.analyst, assessment=second, data=data)
    view = selectors.threat_get(viewer=region.supervisor, threat_id=threat.pk, justification="review")
    changes = {c.field: (c.before, c.after) for c in view.versions[0].changes}
    assert changes["value:likelihood"] == (3, 4)
    assert changes["rationale:likelihood"] == ("Seen in the evidence", "Deals every day now")
    assert changes["score"] == (141, 183)


def test_an_ocg_threat_takes_the_groups_handling_and_compartment(region: Region) -> None:
    from tests import factories

    group = factories.ocg(region.glos, name="Red Lane", compartment=region.cse, handling="C")
    threat = services.threat_create(actor=region.analyst, kind="ocg", ocg=group)
    assert (threat.title, threat.theme, threat.compartment_id, threat.handling) == (
        "Red Lane", "county_lines", region.cse.pk, "C",
    )  # fmt: skip
    with pytest.raises(Conflict, match="already has a threat record"):
        services.threat_create(actor=region.analyst, kind="ocg", ocg=group)


def test_threat_input_is_checked_field_by_field(region: Region) -> None:
    with pytest.raises(InvalidInput) as info:
        services.threat_create(
            actor=region.analyst, kind="thematic", title="", theme="weather", level="galactic"
        )
    assert set(info.value.fields) == {"title", "theme", "level"}


def test_overdue_threats_are_listed(region: Region) -> None:
    late = approved(region.analyst, region.supervisor, thematic(region.analyst, "Old threat"))
    approved(region.analyst, region.supervisor, thematic(region.analyst, "Fresh threat"))
    Assessment.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    services.threat_refresh(late.threat)
    page = selectors.threat_list(viewer=region.analyst, filters=selectors.ThreatFilter(overdue=True))
    assert [t.title for t in page.items] == ["Old threat"]


def test_approved_assessments_count_as_improvement_evidence(region: Region) -> None:
    from socmap.apps.core.measures import measure_get

    approved(region.analyst, region.supervisor, thematic(region.analyst, "One"))
    submitted(region.analyst, thematic(region.analyst, "Two"))
    measure = measure_get("threat-assessments-approved")
    assert measure.compute(region.glos.pk, timezone.now()) == 1
    assert measure.compute(region.avon.pk, timezone.now()) == 0
    assert measure.compute(region.glos.pk, timezone.now() - timedelta(days=1)) == 0


def test_approving_a_groups_threat_assessment_marks_the_proposed_group_assessed(region: Region) -> None:
    from socmap.apps.network.models import OCGEvent, OCGStatus
    from tests import factories

    group = factories.ocg(region.glos, name="Red Lane")
    threat = services.threat_create(actor=region.analyst, kind="ocg", ocg=group)
    submitted(region.analyst, threat)
    group.refresh_from_db()
    assert group.status == OCGStatus.PROPOSED  # submitting is not enough
    approved_version = services.assessment_approve(
        actor=region.supervisor, assessment=Assessment.objects.get(threat=threat), comment="Agreed"
    )
    group.refresh_from_db()
    assert group.status == OCGStatus.ASSESSED and group.assessed_at is not None
    event = OCGEvent.objects.filter(ocg=group).latest("id")
    assert event.actor == region.supervisor and "score " in event.note and ".0000" not in event.note
    assert approved_version.score is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.ALTERATION, object_type="network.ocg", object_id=str(group.pk)
    ).exists()
