"""Analysis runs and the OCG lifecycle against the small synthetic region."""

from __future__ import annotations

from pathlib import Path

import pytest

from socmap.apps.core.models import AuditAction, AuditEvent, Organisation, User
from socmap.apps.intel.models import RecordLink
from socmap.apps.network import services
from socmap.apps.network.models import OCG, AnalysisRun, ChangeKind, OCGChange, OCGMember, OCGStatus
from socmap.errors import InvalidInput, InvalidModel


def _adopt(ocg: OCG) -> OCG:
    analyst = User.objects.get(username="analyst")
    services.ocg_assess(actor=analyst, ocg=ocg, assessment="Continuing group in drug supply")
    return services.ocg_adopt(
        actor=analyst,
        ocg=ocg,
        lead_force=Organisation.objects.get(slug="gloucestershire-constabulary"),
        lro=User.objects.get(username="lro"),
    )


@pytest.mark.django_db
def test_an_analysis_proposes_groups_with_members_roles_and_reasons(analysed: AnalysisRun) -> None:
    assert analysed.groups_new > 0 and OCG.objects.count() == analysed.groups_new
    ocg = OCG.objects.order_by("id").first()
    assert ocg is not None and ocg.status == OCGStatus.PROPOSED and "proposed because" in ocg.explanation
    members = list(ocg.members.all())
    assert len(members) >= 4
    assert sum(m.role == "principal" for m in members) == 1
    assert all(m.reasons and m.evidence for m in members)
    assert AuditEvent.objects.filter(
        action=AuditAction.COMBINATION, object_type="network.analysisrun"
    ).exists()


@pytest.mark.django_db
def test_adopting_gives_a_reference_from_the_lead_force_code(analysed: AnalysisRun) -> None:
    first, second = OCG.objects.order_by("id")[:2]
    assert _adopt(first).reference == "GL-OCG-0001"
    assert _adopt(second).reference == "GL-OCG-0002"
    first.refresh_from_db()
    assert first.status == OCGStatus.ADOPTED and first.lro is not None and first.lro.username == "lro"
    assert first.owner.slug == "gloucestershire-constabulary"
    assert AuditEvent.objects.filter(object_type="network.ocg", object_id=str(first.pk)).count() == 2


@pytest.mark.django_db
def test_rerunning_after_new_data_matches_groups_instead_of_duplicating_them(analysed: AnalysisRun) -> None:
    adopted = _adopt(OCG.objects.order_by("id").first())  # type: ignore[arg-type]
    before = OCG.objects.count()
    member = adopted.members.filter(role="runner").first() or adopted.members.order_by("-id").first()
    assert member is not None
    # New data: one member's links are withdrawn (they drop out), then the analysis runs again.
    from socmap.apps.intel.reads import system_job
    from socmap.apps.network.graph import Canon

    canon = Canon(system_job("test"))
    ids = canon.members(canon(member.entity_id))
    RecordLink.objects.filter(source_entity_id__in=ids).delete()
    RecordLink.objects.filter(target_entity_id__in=ids).delete()
    again = services.analysis_run(actor=None)
    assert again.status == "done", again.message
    assert OCG.objects.count() == before, "a matched group must not be proposed again"
    assert again.groups_new == 0 and again.groups_updated == analysed.groups_new
    change = OCGChange.objects.get(run=again, ocg=adopted)
    assert change.kind == ChangeKind.UPDATE and member.entity_id in change.left
    member.refresh_from_db()
    assert member.left_on is not None and member.left_run == again
    adopted.refresh_from_db()
    assert adopted.status == OCGStatus.ADOPTED and adopted.reference == "GL-OCG-0001"
    assert OCGMember.objects.filter(ocg=adopted, left_on__isnull=True).count() == len(
        set(change.joined)
        | set(OCGMember.objects.filter(ocg=adopted, left_on__isnull=True).values_list("entity_id", flat=True))
    )


@pytest.mark.django_db
def test_adopting_without_an_lro_of_the_lead_force_is_refused(analysed: AnalysisRun) -> None:
    ocg = OCG.objects.order_by("id").first()
    assert ocg is not None
    with pytest.raises(InvalidInput) as caught:
        services.ocg_adopt(
            actor=User.objects.get(username="analyst"),
            ocg=ocg,
            lead_force=Organisation.objects.get(slug="wiltshire-police"),
            lro=User.objects.get(username="lro"),
        )
    assert "lro" in caught.value.fields


@pytest.mark.django_db
def test_archiving_needs_a_reason(analysed: AnalysisRun) -> None:
    ocg = OCG.objects.order_by("id").first()
    assert ocg is not None
    with pytest.raises(InvalidInput):
        services.ocg_archive(actor=User.objects.get(username="analyst"), ocg=ocg, reason=" ")
    services.ocg_archive(actor=User.objects.get(username="analyst"), ocg=ocg, reason="Dismantled by arrests")
    ocg.refresh_from_db()
    assert ocg.status == OCGStatus.ARCHIVED and ocg.archive_reason == "Dismantled by arrests"


@pytest.mark.django_db
def test_an_unknown_link_type_in_the_link_mapping_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "linkmap.yaml"
    bad.write_text("links:\n  AssociateOf: acquaintance\n")
    runs = AnalysisRun.objects.count()
    with pytest.raises(InvalidModel) as caught:
        services.analysis_run(actor=None, linkmap_path=bad)
    assert "acquaintance" in str(caught.value)
    assert AnalysisRun.objects.count() == runs, "nothing is written when the configuration is wrong"


@pytest.mark.django_db
def test_an_unknown_link_type_in_the_network_configuration_is_named(tmp_path: Path) -> None:
    import yaml

    from socmap.engines.network.config import DEFAULT_PATH

    raw = yaml.safe_load(DEFAULT_PATH.read_text())
    raw["link_types"]["co_offending"]["colour"] = "red"
    bad = tmp_path / "network.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(InvalidModel) as caught:
        services.analysis_run(actor=None, config_path=bad)
    assert "colour" in str(caught.value)


@pytest.mark.django_db
def test_records_resolved_into_one_person_after_joining_show_as_one_member(analysed: AnalysisRun) -> None:
    from datetime import date

    from socmap.apps.network import selectors
    from socmap.apps.resolution import selectors as resolution

    analyst = User.objects.get(username="analyst")
    # A member who is several records, only one of them on the group: add another as its own row,
    # as a run made before resolution joined them would have.
    member = next(
        m
        for m in OCGMember.objects.filter(ocg__owner=analyst.organisation, left_on__isnull=True)
        if len(resolution.member_ids(viewer=None, entity_id=m.entity_id)) > 1
    )
    other = next(
        e for e in resolution.member_ids(viewer=None, entity_id=member.entity_id) if e != member.entity_id
    )
    OCGMember.objects.create(ocg=member.ocg, entity_id=other, role="member", joined_on=date(2024, 1, 1))
    view = selectors.ocg_get(viewer=analyst, ocg_id=member.ocg_id, justification="test")
    shown = [v.entity_id for v in view.members]
    assert len(shown) == len(set(shown))
    (row,) = [
        v
        for v in view.members
        if resolution.canonical_get(viewer=None, entity_id=v.entity_id)
        == resolution.canonical_get(viewer=None, entity_id=other)
    ]
    assert row.member.pk == member.pk  # the senior row stands for the person
    (national,) = selectors.return_rows(viewer=analyst, groups=[member.ocg])
    assert national["members_visible"] == len(shown)
