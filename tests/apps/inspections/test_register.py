"""Importing the real register's shapes: listing copies, recommendations made to every force,
cut-off pages and commentary; and withdrawing a finding imported by mistake."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from socmap.apps.core.models import AuditAction, AuditEvent, Organisation, User
from socmap.apps.inspections import selectors, services
from socmap.apps.inspections.models import Finding, FindingEvent, NationalFinding
from socmap.errors import Conflict, InvalidInput, NotAllowed
from tests import factories

FIXTURES = Path(__file__).resolve().parents[2] / "engines/inspections/fixtures"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def dorset(db: None) -> Organisation:
    return factories.organisation("force", name="Dorset Police")


@pytest.fixture
def wiltshire(db: None) -> Organisation:
    return factories.organisation("force", name="Wiltshire Police")


@pytest.fixture
def dorset_lead(dorset: Organisation) -> User:
    return factories.user(dorset, "improvement_lead", username="dorset-lead")


@pytest.fixture
def wiltshire_lead(wiltshire: Organisation) -> User:
    return factories.user(wiltshire, "improvement_lead", username="wilts-lead")


def timeline(finding: Finding | NationalFinding) -> list[tuple[date | None, str, str]]:
    return [(e.on, e.kind, e.status or e.comment) for e in finding.events.all()]


# --- listing pages ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "order",
    [("listing_page.txt", "listing_single_page.txt"), ("listing_single_page.txt", "listing_page.txt")],
)
def test_a_listing_copy_and_the_single_page_import_as_one_finding(
    dorset: Organisation, dorset_lead: User, order: tuple[str, str]
) -> None:
    first = services.finding_import(actor=dorset_lead, data=page(order[0]), source=order[0], subject=dorset)
    again = services.finding_import(actor=dorset_lead, data=page(order[1]), source=order[1], subject=dorset)
    assert again.finding == first.finding and not again.created
    assert (again.events_added, again.events_known) == (0, 4)
    finding = Finding.objects.get()
    assert finding.reference == "5150"
    assert finding.text.startswith("By March 2019, the force should ensure") and "PEEL" not in finding.text
    assert finding.inspection is not None
    assert finding.inspection.title == "PEEL: Police effectiveness 2017 – An inspection of Dorset Police"
    assert finding.url == "https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/dorset/5150/"
    assert finding.status == "complete" and finding.events.count() == 4


@pytest.mark.django_db
def test_a_listing_copy_names_its_report_once_however_many_pages_cite_it(
    dorset_lead: User, dorset: Organisation
) -> None:
    services.finding_import(actor=dorset_lead, data=page("listing_page.txt"), source="a.txt", subject=dorset)
    other = page("listing_page.txt").replace("(5150)", "(5151)").replace("lead responsible", "lead")
    services.finding_import(actor=dorset_lead, data=other, source="b.txt", subject=dorset)
    assert Finding.objects.values("inspection").distinct().count() == 1


# --- national recommendations -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_national_recommendation_imports_without_a_force(dorset_lead: User) -> None:
    result = services.finding_import(actor=dorset_lead, data=page("national_listing.txt"), source="n.txt")
    national = result.national
    assert result.finding is None and national is not None and result.outcome == "imported"
    assert (national.reference, national.kind, national.status) == (
        "4822",
        "recommendation",
        "awaiting-review",
    )
    assert "\n• the force's crime prevention work" in national.text
    assert national.inspection is not None and national.inspection.title.startswith("Core Business")
    assert timeline(national) == [(date(2014, 9, 30), "status", "awaiting-review")]
    assert not Finding.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.COLLECTION, object_id=str(national.pk)).exists()


@pytest.mark.django_db
def test_two_forces_pages_for_a_national_recommendation_become_two_timelines_under_it(
    dorset_lead: User, wiltshire_lead: User, dorset: Organisation, wiltshire: Organisation
) -> None:
    services.finding_import(actor=dorset_lead, data=page("national_listing.txt"), source="listing.txt")
    wilts = services.finding_import(actor=wiltshire_lead, data=page("national_wiltshire.txt"), source="w.txt")
    dors = services.finding_import(actor=dorset_lead, data=page("national_dorset.txt"), source="d.txt")
    national = NationalFinding.objects.get()
    assert wilts.national == dors.national == national
    assert {t.subject for t in national.tracks.all()} == {wiltshire, dorset}
    assert wilts.finding is not None and dors.finding is not None
    assert (wilts.finding.status, dors.finding.status) == ("complete", "being-progressed")
    assert timeline(wilts.finding)[-2:] == [
        (date(2016, 2, 1), "comment", "Wiltshire Police has appointed a crime prevention lead for each "
         "community policing team."),
        (date(2016, 2, 1), "status", "complete"),
    ]  # fmt: skip
    assert [s for _, kind, s in timeline(dors.finding) if kind == "status"] == [
        "awaiting-review",
        "being-progressed",
    ]
    assert timeline(national) == [(date(2014, 9, 30), "status", "awaiting-review")]  # the listing's own
    # Each force sees its own track under the national finding, not the other's.
    _, seen_by_dorset = selectors.national_get(viewer=dorset_lead, national_id=national.pk)
    assert [t.subject for t in seen_by_dorset] == [dorset]


@pytest.mark.django_db
def test_a_national_page_with_a_different_number_joins_by_its_words(
    dorset_lead: User, wiltshire_lead: User
) -> None:
    services.finding_import(actor=wiltshire_lead, data=page("national_wiltshire.txt"), source="w.txt")
    renumbered = page("national_dorset.txt").replace("/dorset/4822/", "/dorset/9911/")
    dors = services.finding_import(actor=dorset_lead, data=renumbered, source="d.txt")
    assert NationalFinding.objects.count() == 1
    assert dors.finding is not None and dors.finding.reference == "9911"
    assert dors.finding.national == NationalFinding.objects.get()


@pytest.mark.django_db
def test_the_same_national_page_twice_changes_nothing(dorset_lead: User) -> None:
    services.finding_import(actor=dorset_lead, data=page("national_dorset.txt"), source="d.txt")
    again = services.finding_import(actor=dorset_lead, data=page("national_dorset.txt"), source="d.txt")
    assert again.outcome == "unchanged" and again.events_known == 3
    assert (NationalFinding.objects.count(), Finding.objects.count(), FindingEvent.objects.count()) == (
        1,
        1,
        3,
    )


@pytest.mark.django_db
def test_a_national_page_of_another_force_is_refused_and_the_refusal_logged(
    dorset_lead: User, wiltshire: Organisation
) -> None:
    with pytest.raises(NotAllowed):
        services.finding_import(actor=dorset_lead, data=page("national_wiltshire.txt"), source="w.txt")
    assert not NationalFinding.objects.exists() and not Finding.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED, object_id=str(wiltshire.pk)
    ).exists()


@pytest.mark.django_db
def test_a_force_can_start_tracking_a_national_finding_it_has_no_page_for(
    dorset_lead: User, dorset: Organisation
) -> None:
    national = services.finding_import(
        actor=dorset_lead, data=page("national_every_force.txt"), source="n"
    ).national
    assert national is not None and national.reference.startswith("national-")
    track = services.national_track_start(actor=dorset_lead, national=national)
    assert (track.subject, track.national, track.status) == (dorset, national, "")
    assert services.national_track_start(actor=dorset_lead, national=national) == track
    services.finding_event_add(
        actor=dorset_lead, finding=track, on=date(2016, 5, 1), status="being-progressed"
    )
    track.refresh_from_db()
    assert track.status == "being-progressed" and national.status == "being-progressed"


# --- cut-off pages and commentary --------------------------------------------------------------


@pytest.mark.django_db
def test_a_cut_off_tag_stores_the_status_without_its_fragment(force: Organisation) -> None:
    lead = factories.user(force, "improvement_lead")
    finding = services.finding_import(
        actor=lead, data=page("truncated_tag.txt"), source="t", subject=force
    ).finding
    assert finding is not None and finding.status == "being-progressed"
    assert [(d["code"], d["text"]) for d in finding.diagnostics] == [("truncated", "[/stat")]


@pytest.mark.django_db
def test_undated_commentary_is_kept_first_on_the_timeline_on_every_database(force: Organisation) -> None:
    lead = factories.user(force, "improvement_lead")
    data = page("undated_commentary.txt")
    finding = services.finding_import(actor=lead, data=data, source="u.txt", subject=force).finding
    assert finding is not None
    assert timeline(finding) == [
        (None, "comment", "Agreed this action is complete and the recommendation can be closed."),
        (date(2018, 3, 2), "status", "awaiting-review"),
        (date(2019, 4, 9), "status", "complete"),
    ]
    assert finding.status == "complete" and "Agreed" not in finding.text


# --- withdrawing a finding ---------------------------------------------------------------------


@pytest.fixture
def seeded(force: Organisation) -> tuple[User, Finding]:
    lead = factories.user(force, "improvement_lead", username="lead")
    finding = services.finding_import(
        actor=lead, data=page("seed_gloucestershire_8786.txt"), source="seed.txt", subject=force
    ).finding
    assert finding is not None
    return lead, finding


@pytest.mark.django_db
def test_a_withdrawn_finding_is_kept_with_its_reason_and_leaves_the_lists(
    seeded: tuple[User, Finding],
) -> None:
    lead, finding = seeded
    services.finding_withdraw(actor=lead, finding=finding, reason="Imported the wrong force's page")
    finding.refresh_from_db()
    assert finding.withdrawn_at is not None and finding.withdrawn_by == lead
    assert finding.withdrawn_reason == "Imported the wrong force's page"
    assert Finding.objects.filter(parent=finding, withdrawn_at__isnull=False).count() == 6
    last = finding.events.last()
    assert last is not None and (last.kind, last.comment, last.recorded_by) == (
        "withdrawn",
        finding.withdrawn_reason,
        lead,
    )
    assert finding.events.count() == 6  # the page's five entries kept, and the withdrawal
    listed = selectors.finding_list(viewer=lead, filters=selectors.FindingFilter())
    assert listed.total == 0
    withdrawn = selectors.finding_list(viewer=lead, filters=selectors.FindingFilter(status="withdrawn"))
    assert withdrawn.total == 7
    assert selectors.finding_get(viewer=lead, finding_id=finding.pk) == finding
    event = AuditEvent.objects.filter(object_id=str(finding.pk), action=AuditAction.ALTERATION).last()
    assert event is not None and event.justification == "Imported the wrong force's page"
    assert event.detail["withdrawn"] is True


@pytest.mark.django_db
def test_a_withdrawn_finding_is_not_counted_as_open(
    seeded: tuple[User, Finding], force: Organisation
) -> None:
    from django.utils import timezone

    lead, _ = seeded
    page_again = page("seed_gloucestershire_8786.txt").replace(
        "[on]3rd May 2018 [status]complete[/status][/on]", ""
    )
    services.finding_import(actor=lead, data=page_again.replace("8786", "8787"), source="x", subject=force)
    before = selectors.measure_open_findings(force.pk, timezone.now())
    services.finding_withdraw(actor=lead, finding=Finding.objects.get(reference="8787"), reason="Duplicate")
    assert selectors.measure_open_findings(force.pk, timezone.now()) == before - 7


@pytest.mark.django_db
def test_importing_a_withdrawn_findings_page_again_is_refused(
    seeded: tuple[User, Finding], force: Organisation
) -> None:
    lead, finding = seeded
    services.finding_withdraw(actor=lead, finding=finding, reason="Not ours")
    with pytest.raises(Conflict, match=r"was withdrawn on .*: Not ours"):
        services.finding_import(
            actor=lead, data=page("seed_gloucestershire_8786.txt"), source="s", subject=force
        )
    assert FindingEvent.objects.count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_a_withdrawal_needs_a_reason(seeded: tuple[User, Finding], reason: str) -> None:
    lead, finding = seeded
    with pytest.raises(InvalidInput) as caught:
        services.finding_withdraw(actor=lead, finding=finding, reason=reason)
    assert caught.value.fields["reason"]
    finding.refresh_from_db()
    assert finding.withdrawn_at is None


@pytest.mark.django_db
def test_withdrawing_twice_is_refused(seeded: tuple[User, Finding]) -> None:
    lead, finding = seeded
    services.finding_withdraw(actor=lead, finding=finding, reason="Wrong page")
    with pytest.raises(Conflict):
        services.finding_withdraw(actor=lead, finding=finding, reason="Again")


@pytest.mark.django_db
def test_only_a_manager_of_the_findings_own_organisation_may_withdraw_it(
    seeded: tuple[User, Finding], force: Organisation
) -> None:
    _, finding = seeded
    other_org = factories.organisation("force")
    factories.agreement(force, other_org)
    outsider = factories.user(other_org, "improvement_lead")
    analyst = factories.user(force, "analyst")
    for actor in (outsider, analyst):
        with pytest.raises(NotAllowed):
            services.finding_withdraw(actor=actor, finding=finding, reason="Mine now")
    finding.refresh_from_db()
    assert finding.withdrawn_at is None
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, object_id=str(finding.pk)).exists()


@pytest.mark.django_db
def test_a_national_finding_is_withdrawn_only_when_no_other_force_tracks_it(
    dorset_lead: User, wiltshire_lead: User
) -> None:
    national = services.finding_import(
        actor=dorset_lead, data=page("national_listing.txt"), source="n"
    ).national
    assert national is not None
    wilts = services.finding_import(
        actor=wiltshire_lead, data=page("national_wiltshire.txt"), source="w"
    ).finding
    with pytest.raises(Conflict, match="Wiltshire Police tracks it"):
        services.national_withdraw(actor=dorset_lead, national=national, reason="Mistake")
    with pytest.raises(NotAllowed):
        services.national_withdraw(actor=wiltshire_lead, national=national, reason="Mistake")
    assert wilts is not None
    services.finding_withdraw(actor=wiltshire_lead, finding=wilts, reason="Mistake")
    services.national_withdraw(actor=dorset_lead, national=national, reason="Mistake")
    national.refresh_from_db()
    assert national.withdrawn_reason == "Mistake"
    assert selectors.national_list(viewer=dorset_lead).total == 0


# --- many files --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_many_files_each_imported_or_refused_alone(seeded: tuple[User, Finding], force: Organisation) -> None:
    lead, _ = seeded

    def unreadable() -> bytes:
        raise InvalidInput("gone.txt: no such file")

    files = [
        ("seed.txt", lambda: page("seed_gloucestershire_8786.txt").encode()),
        ("garbage.txt", lambda: b"lorem ipsum [on]foo[/on]"),
        ("gone.txt", unreadable),
        ("undated.txt", lambda: page("undated_commentary.txt").encode()),
    ]
    outcomes = services.finding_import_files(actor=lead, files=files, subject=force)
    assert [(o.name, o.outcome) for o in outcomes] == [
        ("seed.txt", "unchanged"),
        ("garbage.txt", "refused"),
        ("gone.txt", "refused"),
        ("undated.txt", "imported"),
    ]
    assert outcomes[1].reason.startswith("No inspection finding was recognised")
    assert outcomes[2].reason == "No such file"
    assert Finding.objects.filter(reference="8790").exists()


@pytest.mark.django_db
def test_a_withdrawn_finding_cannot_be_answered_by_an_action(seeded: tuple[User, Finding]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    lead, finding = seeded
    plan = services.plan_create(actor=lead, title="Plan")
    action = services.action_create(
        actor=lead, plan=plan, title="Act", owner=lead, due_on=timezone.localdate() + timedelta(days=9)
    )
    services.finding_withdraw(actor=lead, finding=finding, reason="Mistake")
    with pytest.raises(InvalidInput, match="withdrawn finding"):
        services.action_link_finding(actor=lead, action=action, finding=finding)
    with pytest.raises(InvalidInput) as caught:
        services.action_create(
            actor=lead, plan=plan, title="Other", owner=lead, due_on=timezone.localdate(), findings=[finding]
        )
    assert caught.value.fields["findings"] == ["A withdrawn finding cannot be answered by an action"]
