"""Journey 1 (end): decide three possible matches by keyboard, open the merged person, undo the merge;
resolve a person's decision in the review queue with one bulk decision and see it on the person page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.resolution.models import Decision, Judgement, Pair, PairState
from socmap.apps.resolution.selectors import canonical_get, member_ids
from socmap.apps.resolution.services import resolution_run
from socmap.engines.synth import SynthConfig, generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAIR_URL = re.compile(r".*/review/pairs/(\d+)/$")


def current_pair(page: object) -> int:
    page.wait_for_url(PAIR_URL)  # type: ignore[attr-defined]
    match = PAIR_URL.match(page.url)  # type: ignore[attr-defined]
    assert match
    return int(match.group(1))


def test_review_three_pairs_by_keyboard_then_undo_a_merge(
    live_server: object, page: object, tmp_path: Path
) -> None:
    region = tmp_path / "sw"
    generate(SynthConfig(seed=11, size="small"), out_dir=region)
    build_demo_organisations()
    build_demo_intel(folder=region, only={"intel-gloucestershire", "legacy-gloucestershire", "custody"})
    run = resolution_run(actor=None, kind="full")
    assert run.status == "done" and run.queued >= 3

    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", "analyst")  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    page.goto(f"{base}/review/pairs/")  # type: ignore[attr-defined]  # the pair-by-pair view
    page.click("#start-review")  # type: ignore[attr-defined]
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", "Weekly duplicate review")  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]

    first = current_pair(page)
    before = Pair.objects.get(pk=first)
    was_apart = canonical_get(viewer=None, entity_id=before.left_id) != canonical_get(
        viewer=None, entity_id=before.right_id
    )
    page.wait_for_selector("#waterfall svg")  # type: ignore[attr-defined]  # the chart drew under the CSP
    page.keyboard.press("m")  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: PAIR_URL.match(url) is not None and not url.endswith(f"/{first}/"))  # type: ignore[attr-defined]
    second = current_pair(page)
    page.keyboard.press("u")  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: PAIR_URL.match(url) is not None and not url.endswith(f"/{second}/"))  # type: ignore[attr-defined]
    third = current_pair(page)
    page.keyboard.press("n")  # type: ignore[attr-defined]
    assert page.evaluate("document.activeElement.id") == "id_reason"  # type: ignore[attr-defined]
    page.keyboard.type("Different dates of birth and no shared address")  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: not url.endswith(f"/{third}/"))  # type: ignore[attr-defined]

    decided = {j.left_id + j.right_id: j.decision for j in Judgement.objects.filter(user__username="analyst")}
    states = {p.pk: p.state for p in Pair.objects.filter(pk__in=[first, second, third])}
    assert states == {first: PairState.MATCH, second: PairState.UNSURE, third: PairState.NO_MATCH}
    assert sorted(decided.values()) == sorted([Decision.MATCH, Decision.UNSURE, Decision.NO_MATCH])

    merged = Pair.objects.get(pk=first)
    page.goto(f"{base}/entities/{merged.left_id}/")  # type: ignore[attr-defined]
    assert merged.right.record.record_key in page.inner_text("#entity-records")  # type: ignore[attr-defined]
    mine = Judgement.objects.get(user__username="analyst", decision=Decision.MATCH)
    undo = f"#merge-history details:has(input[name='judgement'][value='{mine.pk}'])"
    page.click(f"{undo} summary")  # type: ignore[attr-defined]
    page.fill(f"{undo} textarea", "Checked the custody photographs: not the same man")  # type: ignore[attr-defined]
    page.click(f"{undo} button:has-text('Undo')")  # type: ignore[attr-defined]
    page.wait_for_selector(".govuk-notification-banner:has-text('Decision undone')")  # type: ignore[attr-defined]
    if was_apart:  # other matches may join them anyway; if not, the undo parts them again
        assert merged.right.record.record_key not in page.inner_text("#entity-records")  # type: ignore[attr-defined]
    assert "Undo" in page.inner_text("#merge-history")  # type: ignore[attr-defined]
    assert Pair.objects.get(pk=first).state == PairState.PENDING
    errors = [m for m in page.console_messages if m.startswith("error")]  # type: ignore[attr-defined]
    assert not errors, errors


def test_an_analyst_resolves_a_person_with_one_bulk_decision_and_sees_it_on_the_person_page(
    live_server: object, page: object, tmp_path: Path
) -> None:
    """Acceptance 5 of issue 23: search a person by a name with two typos, open the person and see
    the summary, decide every pair of its review item at once, see the next decision swapped in,
    and the person's records joined on the person page."""
    from socmap.apps.resolution.selectors import review

    region = tmp_path / "sw"
    generate(SynthConfig(seed=11, size="small"), out_dir=region)
    build_demo_organisations()
    build_demo_intel(folder=region, only={"intel-gloucestershire", "legacy-gloucestershire", "custody"})
    assert resolution_run(actor=None, kind="full").status == "done"
    from socmap.apps.core.models import User

    analyst = User.objects.get(username="analyst")
    item = next(i for i in review.review_items(viewer=analyst) if len(i.pairs) >= 2)
    records = sorted({r for p in item.pairs for r in (p.left_id, p.right_id)})

    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", "analyst")  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    # Search the person with two letters transposed in each name, as "Jonh Smiht" for John Smith.
    name = Pair.objects.get(pk=item.pairs[0].id).left.caption
    typed = " ".join(w[:-2] + w[-1] + w[-2] if len(w) > 3 else w for w in name.split())
    page.goto(f"{base}/search/?name={quote(typed)}")  # type: ignore[attr-defined]
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", "Weekly duplicate review")  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]
    person = member_ids(viewer=None, entity_id=item.pairs[0].left_id)
    link = page.locator(  # type: ignore[attr-defined]
        ", ".join(f"#people-results a[href='/entities/{m}/']" for m in person)
    ).first
    link.click()
    page.wait_for_selector("#person-summary")  # type: ignore[attr-defined]

    page.goto(f"{base}/review/people/{item.key}/")  # type: ignore[attr-defined]
    page.wait_for_selector("#review-item .socmap-chart svg")  # type: ignore[attr-defined]
    boxes = page.locator("#item-pairs input[type=checkbox]")  # type: ignore[attr-defined]
    assert boxes.count() == len(item.pairs)
    page.click("#decide-match")  # type: ignore[attr-defined]
    # The next decision is swapped in without a page load, with the undo of this one above it.
    page.wait_for_selector("#last-decision:has-text('same person for')")  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: "/review/people/" in url and not url.endswith(f"/{item.key}/"))  # type: ignore[attr-defined]
    # Its chart is drawn after the swap (each chart has an id of its own: htmx would carry the
    # old chart's style attribute over to a new element of the same id, which the CSP refuses).
    page.wait_for_selector("#review-item .socmap-chart svg")  # type: ignore[attr-defined]

    decided = list(Judgement.objects.filter(user__username="analyst", decision=Decision.MATCH))
    assert len(decided) == len(item.pairs)
    assert len({canonical_get(viewer=None, entity_id=r) for r in records}) == 1
    page.goto(f"{base}/entities/{records[0]}/")  # type: ignore[attr-defined]
    shown = page.inner_text("#entity-records")  # type: ignore[attr-defined]
    keys = {Pair.objects.get(pk=p.id).right.record.record_key for p in item.pairs}
    assert all(key in shown for key in keys)
    assert "Same person" in page.inner_text("#merge-history")  # type: ignore[attr-defined]
    # What the records link to, the model's decisions and the events come when their details are
    # opened, without a page load.
    for section, loaded in (
        ("#entity-related-section", "#entity-related li"),
        ("#model-decisions", ".moj-timeline__item"),
        ("#entity-events-section", "tbody tr"),
    ):
        if page.locator(section).count():  # type: ignore[attr-defined]
            page.click(f"{section} summary")  # type: ignore[attr-defined]
            page.wait_for_selector(f"{section} {loaded}")  # type: ignore[attr-defined]
    errors = [m for m in page.console_messages if m.startswith("error")]  # type: ignore[attr-defined]
    assert not errors, errors


def test_an_analyst_assigns_a_decision_to_themselves_then_to_a_colleague(
    live_server: object, page: object, tmp_path: Path
) -> None:
    """Issue 23: queue items are assigned to reviewers. The analyst takes an item, finds it under
    "assigned to me", then hands it to a colleague of the same force, after which it leaves their
    own list and the queue names the colleague."""
    from socmap.apps.core.models import User
    from socmap.apps.resolution.selectors import review

    region = tmp_path / "sw"
    generate(SynthConfig(seed=11, size="small"), out_dir=region)
    build_demo_organisations()
    build_demo_intel(folder=region, only={"intel-gloucestershire", "legacy-gloucestershire", "custody"})
    assert resolution_run(actor=None, kind="full").status == "done"
    analyst, supervisor = User.objects.get(username="analyst"), User.objects.get(username="supervisor")
    item = review.review_items(viewer=analyst)[0]
    colleague = supervisor.get_full_name() or supervisor.username

    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", "analyst")  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    page.goto(f"{base}/review/?assigned=me")  # type: ignore[attr-defined]
    assert "Showing the decisions assigned to you" in page.inner_text("#assigned-filter")  # type: ignore[attr-defined]
    assert f"/review/people/{item.key}/" not in page.content()  # type: ignore[attr-defined]

    page.goto(f"{base}/review/people/{item.key}/")  # type: ignore[attr-defined]
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", "Weekly duplicate review")  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]
    page.wait_for_selector("#assign-form")  # type: ignore[attr-defined]
    page.select_option("#id_assignee", str(analyst.pk))  # type: ignore[attr-defined]
    page.click("#assign-button")  # type: ignore[attr-defined]
    page.wait_for_selector(".govuk-notification-banner:has-text('now assigned to')")  # type: ignore[attr-defined]

    page.goto(f"{base}/review/")  # type: ignore[attr-defined]
    page.click("#assigned-filter a:has-text('assigned to me')")  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: url.endswith("/review/?assigned=me"))  # type: ignore[attr-defined]
    mine = page.locator(f"#review-items a[href='/review/people/{item.key}/']")  # type: ignore[attr-defined]
    assert mine.count() == 1
    assert page.locator("#review-items tbody tr").count() == 1  # type: ignore[attr-defined]

    mine.click()
    page.wait_for_selector("#assign-form")  # type: ignore[attr-defined]
    page.select_option("#id_assignee", str(supervisor.pk))  # type: ignore[attr-defined]
    page.click("#assign-button")  # type: ignore[attr-defined]
    page.wait_for_selector(f".govuk-notification-banner:has-text('now assigned to {colleague}')")  # type: ignore[attr-defined]
    assert f"(now {colleague})" in page.inner_text("#assign-form")  # type: ignore[attr-defined]

    page.goto(f"{base}/review/?assigned=me")  # type: ignore[attr-defined]
    assert f"/review/people/{item.key}/" not in page.content()  # type: ignore[attr-defined]
    page.goto(f"{base}/review/")  # type: ignore[attr-defined]
    row = page.locator("#review-items tr", has=page.locator(f"a[href='/review/people/{item.key}/']"))  # type: ignore[attr-defined]
    assert colleague in row.inner_text()
    assert [i.key for i in review.assigned_to(viewer=supervisor)] == [item.key]
    errors = [m for m in page.console_messages if m.startswith("error")]  # type: ignore[attr-defined]
    assert not errors, errors
