"""The pages: ranked lists, the form with its GOV.UK errors, the explanation, the decision."""

from __future__ import annotations

from socmap.apps.assessment import services
from socmap.apps.assessment.models import Status
from socmap.engines.assess import load_scoring_model
from tests import factories
from tests.apps.assessment.conftest import Region, approved, submitted, thematic
from tests.conftest import signed_in

MODEL = load_scoring_model()


def form_data(level: int = 2, action: str = "submit", **overrides: str) -> dict[str, str]:
    data = {"action": action, "confidence": "medium", "summary": "", "sources": ""}
    for key, dim in MODEL.dimensions.items():
        data[f"value_{key}"] = str(max(dim.lowest, min(dim.highest, level)))
        data[f"rationale_{key}"] = "From the custody records"
    return data | overrides


def test_the_regional_list_ranks_threats_with_their_scores_and_charts(region: Region) -> None:
    approved(region.analyst, region.supervisor, thematic(region.analyst, "Low one"), 1)
    approved(region.analyst, region.supervisor, thematic(region.analyst, "High one", "firearms"), 4)
    page = signed_in(region.analyst).get("/threats/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("High one") < html.index("Low one")
    assert 'id="chart-theme"' in html and "data-vega-spec" in html and 'id="distribution-table"' in html
    assert ">243<" in html


def test_the_list_filters_by_band_and_theme(region: Region) -> None:
    approved(region.analyst, region.supervisor, thematic(region.analyst, "Low one"), 1)
    approved(region.analyst, region.supervisor, thematic(region.analyst, "High one", "firearms"), 4)
    client = signed_in(region.analyst)
    assert "Low one" not in client.get("/threats/?band=high").content.decode()
    html = client.get("/threats/?theme=county_lines").content.decode()
    assert "Low one" in html and "High one" not in html


def test_the_form_shows_every_descriptor_and_suggestions(region: Region) -> None:
    group = factories.ocg(region.glos, name="Red Lane", themes={"county_lines": 5, "firearms": 2})
    threat = services.threat_create(actor=region.analyst, kind="ocg", ocg=group)
    services.assessment_start(actor=region.analyst, threat=threat, justification="Assessing Red Lane")
    html = signed_in(region.analyst).get(f"/threats/{threat.pk}/assess/").content.decode()
    for dim in MODEL.dimensions.values():
        assert all(p.descriptor.replace("'", "&#x27;") in html for p in dim.scale), dim.key
    assert 'id="suggestion-physical_harm"' in html and "2 events of its members involve firearms" in html
    assert 'value="4" aria-describedby="id_value_physical_harm-4-descriptor" checked' in html


def test_submitting_without_rationales_shows_a_govuk_error_summary(region: Region) -> None:
    threat = thematic(region.analyst)
    services.assessment_start(actor=region.analyst, threat=threat)
    response = signed_in(region.analyst).post(
        f"/threats/{threat.pk}/assess/", form_data(rationale_likelihood="", value_physical_harm="9")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in html and "There is a problem" in html
    assert 'href="#id_value_physical_harm"' in html and "9 is outside its scale" in html
    assert "From the custody records" in html  # the input is kept


def test_a_missing_rationale_is_named_by_the_page(region: Region) -> None:
    threat = thematic(region.analyst)
    services.assessment_start(actor=region.analyst, threat=threat)
    html = (
        signed_in(region.analyst)
        .post(f"/threats/{threat.pk}/assess/", form_data(rationale_likelihood=""))
        .content.decode()
    )
    assert 'href="#id_rationale_likelihood">Say why you chose this value for likelihood' in html


def test_submit_then_approve_through_the_pages(region: Region) -> None:
    threat = thematic(region.analyst)
    services.assessment_start(actor=region.analyst, threat=threat)
    response = signed_in(region.analyst).post(f"/threats/{threat.pk}/assess/", form_data(3))
    assert response.status_code == 302
    supervisor = signed_in(region.supervisor)
    page = supervisor.get(f"/threats/{threat.pk}/").content.decode()
    assert 'id="decide"' in page and 'id="score-explanation"' in page
    assert "42 × 3 = 126" in page and "126 + 15 = 141" in page
    supervisor.post(
        f"/threats/{threat.pk}/", {"action": "decide", "decision": "approve", "comment": "Agreed"}
    )
    threat.refresh_from_db()
    assert threat.status == Status.APPROVED and threat.due_on is not None


def test_approving_ones_own_assessment_is_refused_by_the_page(region: Region) -> None:
    threat = thematic(region.other_supervisor)
    submitted(region.other_supervisor, threat)
    client = signed_in(region.other_supervisor)
    assert 'id="decide"' not in client.get(f"/threats/{threat.pk}/").content.decode()
    response = client.post(f"/threats/{threat.pk}/", {"action": "decide", "decision": "approve"})
    assert response.status_code == 400
    assert "You cannot approve your own assessment" in response.content.decode()


def test_returning_without_a_comment_is_refused_by_the_page(region: Region) -> None:
    threat = thematic(region.analyst)
    submitted(region.analyst, threat)
    response = signed_in(region.supervisor).post(
        f"/threats/{threat.pk}/", {"action": "decide", "decision": "return"}
    )
    assert (
        response.status_code == 400
        and 'href="#id_comment">Say what needs to change' in response.content.decode()
    )


def test_a_version_page_shows_its_explanation_and_changes(region: Region) -> None:
    threat = thematic(region.analyst)
    approved(region.analyst, region.supervisor, threat, 3)
    client = signed_in(region.analyst)
    client.post(f"/threats/{threat.pk}/", {"action": "start"})
    client.post(f"/threats/{threat.pk}/assess/", form_data(3, value_likelihood="4"))
    html = client.get(f"/threats/{threat.pk}/versions/2/").content.decode()
    assert "What changed from version 1" in html and "Likelihood" in html
    assert "168 + 15 = 183" in html


def test_recording_a_threat_with_bad_input_keeps_it_and_names_the_fields(region: Region) -> None:
    response = signed_in(region.analyst).post(
        "/threats/new/",
        {
            "kind": "thematic",
            "title": "Drones over HMP Eastwood",
            "theme": "",
            "level": "force",
            "handling": "P",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'href="#id_theme">Choose the theme' in html
    assert "Drones over HMP Eastwood" in html


def test_recording_a_threat_opens_its_assessment(region: Region) -> None:
    response = signed_in(region.analyst).post(
        "/threats/new/",
        {"kind": "vulnerability", "title": "Bitcoin ATMs in Cheltenham", "theme": "money_laundering",
         "level": "force", "handling": "P"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("/assess/")


def test_the_overdue_and_force_lists_render(region: Region) -> None:
    approved(region.avon_analyst, region.avon_supervisor, thematic(region.avon_analyst, "Avon threat"))
    client = signed_in(region.analyst)
    assert "Avon threat" not in client.get("/threats/force/").content.decode()
    assert "Avon threat" in client.get("/threats/").content.decode()
    assert client.get("/threats/overdue/").status_code == 200


def test_a_group_already_recorded_is_not_offered_again(region: Region) -> None:
    recorded = factories.ocg(region.glos, name="Recorded group")
    factories.ocg(region.glos, name="Fresh group")
    services.threat_create(actor=region.analyst, kind="ocg", ocg=recorded)
    html = signed_in(region.analyst).get("/threats/new/").content.decode()
    assert "Fresh group (proposed)" in html and "Recorded group" not in html


def test_starting_a_version_that_cannot_start_says_why(region: Region) -> None:
    threat = thematic(region.analyst)
    services.assessment_start(actor=region.analyst, threat=threat)
    client = signed_in(region.analyst)
    response = client.post(f"/threats/{threat.pk}/", {"action": "start"}, follow=True)
    assert "Version 1 of this assessment is still draft: finish it first" in response.content.decode()


def test_an_unknown_chart_is_not_found(region: Region) -> None:
    assert signed_in(region.analyst).get("/threats/chart/pie.svg").status_code == 404


def test_equal_scores_share_a_rank_as_in_a_league_table(region: Region) -> None:
    for title, level in (("Top", 4), ("Tied A", 3), ("Tied B", 3), ("Last", 1)):
        approved(region.analyst, region.supervisor, thematic(region.analyst, title), level)
    from socmap.apps.assessment import selectors

    filters = selectors.ThreatFilter()
    page = selectors.threat_list(viewer=region.analyst, filters=filters, per_page=2)
    assert selectors.page_ranks(viewer=region.analyst, filters=filters, page=page) == [1, 2]
    second = selectors.threat_list(viewer=region.analyst, filters=filters, page=2, per_page=2)
    assert selectors.page_ranks(viewer=region.analyst, filters=filters, page=second) == [2, 4]
    csv = "".join(selectors.threat_export(viewer=region.analyst, filters=filters, justification="Tasking"))
    assert [line.split(",")[0] for line in csv.splitlines()[1:]] == ["1", "2", "2", "4"]


def test_the_csv_export_neutralises_formulae(region: Region) -> None:
    approved(region.analyst, region.supervisor, thematic(region.analyst, '=HYPERLINK("http://x","y")'), 2)
    response = signed_in(region.analyst).post("/threats/export/", {"justification": "Tasking"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_the_csv_export_asks_why_first(region: Region) -> None:
    response = signed_in(region.analyst).post("/threats/export/", {"justification": ""})
    assert response.status_code == 400 and "Enter a justification for the export" in response.content.decode()


def test_a_groups_page_links_to_its_threat_only_where_the_viewer_may_see_it(region: Region) -> None:
    from tests import factories

    group = factories.ocg(region.glos, name="Red Lane", compartment=region.cse)
    threat = services.threat_create(actor=region.analyst, kind="ocg", ocg=group)
    html = signed_in(region.analyst).get(f"/groups/{group.pk}/").content.decode()
    assert f'href="/threats/{threat.pk}/"' in html
    bare = factories.ocg(region.glos, name="Blue Lane")
    html = signed_in(region.analyst).get(f"/groups/{bare.pk}/").content.decode()
    assert f"/threats/new/?ocg={bare.pk}" in html
    # The ROCU sees the group and records its own threat on it; Gloucestershire may not see that.
    rocu_threat = services.threat_create(actor=region.rocu_user, kind="ocg", ocg=bare)
    html = signed_in(region.analyst).get(f"/groups/{bare.pk}/").content.decode()
    assert f"/threats/{rocu_threat.pk}/" not in html and "Threat assessment" not in html
    assert f"/threats/new/?ocg={bare.pk}" not in html  # not offered: it would be refused
