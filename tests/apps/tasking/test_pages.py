"""The tasking pages: the bid form with its duplication warning, the board, the allocation, fairness."""

from __future__ import annotations

from ninja.testing import TestClient

from socmap.apps.tasking.models import AllocationRun, Bid
from tests.apps.tasking.conftest import Region, make_bid, scored, week
from tests.conftest import signed_in


def _form(threat_id: int, region: Region, **kw: str) -> dict[str, str]:
    return {
        "period": region.period.name,
        "threat": str(threat_id),
        "capability": "technical_surveillance",
        "first_week": week(region.period, 8).strftime("%d/%m/%Y"),
        "last_week": week(region.period, 12).strftime("%-d %B %Y"),
        "weeks": "3",
        "effort": "1",
        "outcome": "Locate the stash house",
        "impact": "moderate",
        "four_p": "pursue",
        "action": "submit",
    } | kw


def test_the_bid_form_shows_the_duplication_warning_before_submitting(region: Region) -> None:
    threat = scored(region.glos_analyst, "Shared county line", level=3)
    make_bid(region.glos_analyst, threat, region.period)
    avon = signed_in(region.avon_analyst)
    page = avon.get("/tasking/bids/new/")
    assert (
        page.status_code == 200 and "Shared county line" not in page.content.decode()
    )  # not Avon's own threat
    own = scored(region.avon_analyst, "Avon line", level=2)
    response = avon.post("/tasking/bids/new/", _form(own.pk, region))
    assert response.status_code == 302 and Bid.objects.filter(owner=region.avon).count() == 1
    glos = signed_in(region.glos_analyst)
    second = scored(region.glos_analyst, "Second threat", level=2)
    make_bid(region.avon_analyst, second, region.period)  # Avon bids first against a shared threat
    warned = glos.post("/tasking/bids/new/", _form(second.pk, region))
    body = warned.content.decode()
    assert (
        warned.status_code == 200
        and "may duplicate work" in body
        and "Avon and Somerset Constabulary" in body
    )
    assert 'value="Locate the stash house"' in body or "Locate the stash house" in body  # input kept
    done = glos.post("/tasking/bids/new/", _form(second.pk, region, action="confirm"))
    assert done.status_code == 302 and Bid.objects.get(threat=second, owner=region.glos).warnings


def test_bad_input_on_the_form_is_shown_by_each_field(region: Region) -> None:
    threat = scored(region.glos_analyst, level=2)
    response = signed_in(region.glos_analyst).post(
        "/tasking/bids/new/", _form(threat.pk, region, effort="9", first_week="3 Mar 2020")
    )
    body = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in body and "Error:" in body
    assert "is in the past" in body


def test_the_board_runs_the_allocation_and_the_run_page_compares_with_greedy(region: Region) -> None:
    for user in (region.glos_analyst, region.avon_analyst):
        make_bid(user, scored(user, level=3), region.period, capability="technical_surveillance")
    client = signed_in(region.tasking)
    board = client.get("/tasking/board/")
    assert board.status_code == 200 and "Run the allocation" in board.content.decode()
    response = client.post("/tasking/allocate/", {"period": region.period.name})
    run = AllocationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasking/runs/{run.pk}/"
    page = client.get(f"/tasking/runs/{run.pk}/").content.decode()
    assert "Beside highest score first" in page and "Each force" in page
    client.post(f"/tasking/runs/{run.pk}/", {"action": "publish"})
    run.refresh_from_db()
    assert run.published_at is not None
    board = client.get("/tasking/board/").content.decode()
    assert "Published" in board and 'id="board"' in board


def test_the_fairness_page_saves_the_rule_and_refuses_one_that_cannot_be_met(region: Region) -> None:
    client = signed_in(region.tasking)
    bad = client.post(
        f"/tasking/fairness/?period={region.period.name}",
        {
            "mode": "min_share",
            "tolerance": "0.05",
            "share_GL": "70",
            "share_AS": "50",
            "period": region.period.name,
        },
    )
    assert bad.status_code == 400 and "cannot all be met" in bad.content.decode()
    good = client.post(
        f"/tasking/fairness/?period={region.period.name}",
        {
            "mode": "min_share",
            "tolerance": "0.05",
            "share_GL": "20",
            "share_AS": "20",
            "period": region.period.name,
        },
    )
    assert good.status_code == 302
    region.period.refresh_from_db()
    assert region.period.min_shares == {"GL": 0.2, "AS": 0.2}


def test_the_tasking_login_lands_on_the_board(region: Region) -> None:
    from django.test import Client

    from tests.factories import PASSWORD

    client = Client()
    response = client.post("/accounts/sign-in/", {"username": region.tasking.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/tasking/"
    assert client.get("/tasking/")["Location"] == "/tasking/board/"
    other = Client().post(
        "/accounts/sign-in/", {"username": region.glos_analyst.username, "password": PASSWORD}
    )
    assert other["Location"] == "/"


def test_the_api_warns_of_duplication_then_accepts_the_confirmed_bid(region: Region) -> None:
    from socmap.api import api

    threat = scored(region.glos_analyst, level=3)
    make_bid(region.glos_analyst, threat, region.period)
    body = {
        "period": region.period.name,
        "threat_id": threat.pk,
        "capability": "technical_surveillance",
        "first_week": str(week(region.period, 8)),
        "last_week": str(week(region.period, 12)),
        "weeks": 3,
        "effort": 1,
        "outcome": "Identify the supplier",
        "impact": "major",
    }
    client = TestClient(api)
    warned = client.post("/tasking/bids", json=body, user=region.avon_analyst)
    assert warned.status_code == 409 and warned.json()["code"] == "duplication"
    assert "Gloucestershire Constabulary's bid" in warned.json()["fields"]["duplication"][0]
    done = client.post("/tasking/bids", json=body | {"confirm_duplication": True}, user=region.avon_analyst)
    assert done.status_code == 201 and done.json()["warnings"]
    bad = client.post("/tasking/bids", json=body | {"capability": "nope"}, user=region.avon_analyst)
    assert bad.status_code == 400 and "capability" in bad.json()["fields"]
    caps = client.get("/tasking/capabilities", user=region.partner).json()
    assert {c["key"] for c in caps} >= {"covert_surveillance", "undercover"}


def test_the_fairness_figures_over_the_api(region: Region) -> None:
    from socmap.api import api

    for user in (region.glos_analyst, region.avon_analyst):
        make_bid(user, scored(user, level=3), region.period, capability="technical_surveillance")
    client = TestClient(api)
    empty = client.get(f"/tasking/fairness?period={region.period.name}", user=region.tasking).json()
    assert empty["run_id"] is None and empty["shares"] == []
    run = client.post(
        "/tasking/allocate", json={"period": region.period.name, "time_limit": 2}, user=region.tasking
    )
    assert run.status_code == 201
    shares = client.get(f"/tasking/fairness?period={region.period.name}", user=region.tasking).json()[
        "shares"
    ]
    assert {s["label"] for s in shares} >= {"Gloucestershire Constabulary", "Avon and Somerset Constabulary"}
    # Not published yet: a force sees no figures.
    assert (
        client.get(f"/tasking/fairness?period={region.period.name}", user=region.glos_analyst).json()[
            "shares"
        ]
        == []
    )
