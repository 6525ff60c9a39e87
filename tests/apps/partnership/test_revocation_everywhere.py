"""Acceptance: an agreement is in force only after both approvals, and revoking it hides the provider's
items from the recipient at once in every page, API route, search, export and report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socmap.apps.assessment.models import Threat
from socmap.apps.core import services as core
from socmap.apps.partnership import services
from tests import factories
from tests.apps.partnership.conftest import Sides, proposal
from tests.conftest import signed_in

SURNAME = "Quelchwright"


def _intel(s: Sides, tmp_path: Path) -> str:
    from socmap.apps.intel import services as intel
    from socmap.apps.intel.models import Source

    source = Source.objects.create(
        owner=s.police,
        name="glos-safeguarding",
        title="Safeguarding",
        kind="safeguarding",
        mapping_name="safeguarding.yaml",
    )
    csv = tmp_path / "s.csv"
    csv.write_text(
        "Referral ID,Council,Date Received,Referrer,Subject Type,Subject Forename,Subject Surname,"
        "Subject DOB,Address,Postcode,Contact Number,Concern,Associated Person,Associated Person Details,"
        "Outcome,Notes\n"
        f'SR-1,Council,03/01/2024,GP,Adult,Nora,{SURNAME},01/08/1976,"5 Lane, Cheltenham",GL50 1AA,'
        "07700900123,Neglect,Marko Second,friend,None,none\n"
    )
    start = intel.batch_create(actor=s.analyst, source=source, path=csv, file_name="s.csv")
    intel.batch_run(batch_id=start.batch.pk)
    from socmap.apps.intel.models import RecordEntity

    return str(RecordEntity.objects.filter(record__batch=start.batch, schema="Person").order_by("id")[0].pk)


def _status(response: Any) -> int:
    return int(response.status_code)


def _seen(s: Sides, ids: dict[str, Any]) -> dict[str, bool]:
    """Whether the council user sees each of the police's items, asked every way there is."""
    page = signed_in(s.council_user)
    _, secret = core.token_create(actor=s.council_user, name=f"t{len(ids)}")
    api = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    why = {"justification": "Partnership test"}
    return {
        "document search page": "Endeavour briefing" in page.get("/documents/?q=Endeavour").content.decode(),
        "document page": page.get(f"/documents/{ids['doc']}/").status_code == 200,
        "document API list": "Endeavour briefing"
        in page.get("/api/v1/documents?q=Endeavour", **api).content.decode(),
        "document API": page.get(f"/api/v1/documents/{ids['doc']}", **api).status_code == 200,
        "intel search page": "Nora" in page.get(f"/search/?name={SURNAME}").content.decode(),
        "intel search API": SURNAME
        in page.get(f"/api/v1/intel/people?name={SURNAME}", **api).content.decode(),
        "group list page": "Endeavour crew" in page.get("/groups/").content.decode(),
        "group API": "Endeavour crew" in page.get("/api/v1/network/groups", **api).content.decode(),
        "network export": _status(page.post(f"/network/entities/{ids['entity']}/export/graphml/", why))
        == 200,
        "threat export": "Endeavour supply"
        in b"".join(page.post("/threats/export/", why).streaming_content).decode()
        if page.post("/threats/export/", why).status_code == 200
        else False,
        "board pack report": "Endeavour supply"
        in page.get(f"/partnership/boards/{ids['board']}/pack/").content.decode(),
    }


def test_revoking_hides_the_providers_items_everywhere_at_once(sides: Sides, tmp_path: Path) -> None:
    doc = factories.document(sides.analyst, title="Endeavour briefing")
    ocg = factories.ocg(sides.police, name="Endeavour crew")
    Threat.objects.create(
        owner=sides.police,
        kind="thematic",
        title="Endeavour supply",
        theme="county_lines",
        created_by=sides.analyst,
    )
    entity = _intel(sides, tmp_path)
    board = services.board_create(actor=None, name="Board", chair=sides.police)
    services.member_add(actor=None, board=board, organisation=sides.council)
    ids = {"doc": doc.pk, "ocg": ocg.pk, "board": board.pk, "entity": entity}

    before = _seen(sides, ids)
    assert not any(before.values()), before
    terms = services.agreement_propose(
        actor=sides.council_lead,
        proposal=proposal(sides, handling_codes=["P", "C"], conditions="Safeguarding leads only"),
    )
    services.agreement_approve(actor=sides.police_lead, agreement=terms.agreement)
    assert not any(_seen(sides, ids).values())  # one approval is not enough
    services.agreement_approve(actor=sides.council_second, agreement=terms.agreement)
    during = _seen(sides, ids)
    assert all(during.values()), during
    services.agreement_revoke(actor=sides.police_lead, agreement=terms.agreement, reason="Ended")
    after = _seen(sides, ids)
    assert not any(after.values()), after
