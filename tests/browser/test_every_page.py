"""Every demo page at 1280, 640 and 375 px: axe-core finds no violation of any impact, the page never
scrolls sideways (reflow), and no focusable element is hidden behind another when it has focus.

axe-core is the vendored build (socmap/static/vendor/axe/axe.min.js, from the npm lockfile), loaded
from the app's own static files: nothing is fetched from elsewhere. The pages are every page a crawl
reaches as each demo login (tests/browser/demo_pages.py); the first test prints how many.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.codes import codes_in, internal_labels, known_codes, labels_in
from tests.browser.demo_pages import World, open_as

# The mark makes pytest-django create the test database; the world itself is committed once per module.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = (1280, 640, 375)
AXE = "/static/vendor/axe/axe.min.js"

# Focus each focusable element in turn (scrolled into view) and ask what is drawn at its centre: it
# must be the element itself, something inside it, or its own label; anything else covers it.
FOCUS_OBSCURED = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
    '[tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.disabled || el.closest('[hidden], [inert]')) continue;
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;
    el.scrollIntoView({block: 'center', inline: 'center'});
    // A link that wraps has one box per line: check the first line's.
    const r = [...el.getClientRects()].find(b => b.width >= 1 && b.height >= 1);
    if (!r) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const x = Math.min(Math.max(r.left + r.width / 2, 0), window.innerWidth - 1);
    const y = Math.min(Math.max(r.top + r.height / 2, 0), window.innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    if (!hit || hit === el || el.contains(hit) || hit.contains(el)) continue;
    const label = hit.closest('label');
    if (label && (label.control === el || label.contains(el))) continue;
    const what = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (
      e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : ''
    );
    out.push(`${what(el)} "${(el.innerText || el.value || '').trim().slice(0, 40)}" under ${what(hit)}`);
  }
  document.activeElement && document.activeElement.blur();
  window.scrollTo(0, 0);
  return out;
}"""

SIDEWAYS = """() => {
  const doc = document.documentElement;
  const over = doc.scrollWidth - doc.clientWidth;
  if (over <= 0) return null;
  const wide = [...document.querySelectorAll('main *, header *, footer *')]
    .filter(e => e.getBoundingClientRect().right > doc.clientWidth + 1)
    .filter(e => !e.closest('.socmap-scroll'))
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' '
      + Math.round(e.getBoundingClientRect().right) + 'px');
  return `${over}px wider than the window (${wide.join(', ')})`;
}"""


# Each chart is an image named in words (not Vega's "Vega visualization"), its drawing hidden from
# assistive technology, and the page has a table with the same figures.
CHARTS = """() => [...document.querySelectorAll('[data-vega-spec]')].filter(e => {
    const name = e.getAttribute('aria-label') || '';
    return e.getAttribute('role') !== 'img' || name.length < 20 || /vega/i.test(name)
      || [...e.querySelectorAll('svg')].some(s => s.getAttribute('aria-hidden') !== 'true')
      || !document.querySelector('main table');
  }).map(e => '#' + e.id)"""


def _ready(page: Any) -> None:
    page.wait_for_load_state("load")
    # Charts and graphs draw after load: wait until each has drawn (or a short time has passed).
    with contextlib.suppress(PlaywrightTimeout):  # one never drawn is reported by the chart check
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-vega-spec]')]
                .every(e => e.querySelector('svg[aria-hidden]') || e.textContent.includes('could not'))
              && [...document.querySelectorAll('#network-graph')]
                .every(e => e.querySelector('canvas') || e.hasAttribute('data-drawn'))""",
            timeout=5000,
        )


def _axe(page: Any) -> list[str]:
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(url=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    out = []
    for v in result["violations"]:
        targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        out.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']} at {targets}")
    return out


def _check_pages(browser: Any, world: World, width: int) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    by_login: dict[str, list[Any]] = {}
    for p in world.pages:
        by_login.setdefault(p.login, []).append(p)
    for login, pages in by_login.items():
        page = open_as(browser, world, login, width)
        try:
            for demo in pages:
                page.goto(world.base + demo.url)
                _ready(page)
                found = [f"axe {v}" for v in _axe(page)]
                sideways = page.evaluate(SIDEWAYS)
                if sideways:
                    found.append(f"reflow: {sideways}")
                found += [f"focus obscured: {f}" for f in page.evaluate(FOCUS_OBSCURED)]
                found += [f"chart without a name or table: {c}" for c in page.evaluate(CHARTS)]
                if found:
                    problems[f"{demo.url} (as {login or 'signed out'}, route {demo.route})"] = found
        finally:
            page.context.close()
    return problems


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in problems.items())


def test_the_crawl_reaches_every_part_of_the_demo(world: World) -> None:
    routes = {p.route for p in world.pages}
    print(
        f"{len(world.pages)} pages ({len(routes)} routes) as {len({p.login for p in world.pages})} "
        f"logins; world built in {world.build_seconds:.1f}s, crawled in {world.crawl_seconds:.1f}s"
    )
    for page in world.pages:
        print(f"  {page.login or '-':14} {page.url}")
    # Each app's pages: the crawl would miss a whole app only if its navigation stopped working.
    for expected in ("threats/", "groups/", "findings/", "audit/", "review/", "tasking/"):
        assert any(expected in p.route for p in world.pages), f"no page under {expected} was reached"


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_is_accessible_at_this_width(browser: Any, world: World, width: int) -> None:
    problems = _check_pages(browser, world, width)
    assert not problems, f"{len(problems)} of {len(world.pages)} pages at {width}px:\n{_report(problems)}"


TABLES_OVERFLOW = """() => [...document.querySelectorAll('.socmap-scroll')]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => {
    const t = box.querySelector('table');
    return (t && t.id ? '#' + t.id : (box.querySelector('caption') || {}).textContent || 'a table')
      + ` is ${box.scrollWidth - box.clientWidth}px wider than its box`;
  })"""


def test_no_page_shows_a_code_and_every_table_fits_at_1280(browser: Any, world: World) -> None:
    """Words, not codes: no stored code (a status, link type, schema or role) and no record's own
    label for one of its entities ("coaccused1") in any page's visible text; and at 1280 px every
    table fits the page without scrolling (at 375 px a wide table scrolls in its own box and the
    page does not: the reflow check above)."""
    assert {"phone_contact", "co_arrested", "intelligence_officer", "CoArrestedWith"} <= known_codes()
    labels = internal_labels()
    assert "coaccused1" in labels  # the demo's custody records name their co-accused so
    problems: dict[str, list[str]] = {}
    by_login: dict[str, list[Any]] = {}
    for p in world.pages:
        by_login.setdefault(p.login, []).append(p)
    for login, pages in by_login.items():
        page = open_as(browser, world, login, 1280)
        try:
            for demo in pages:
                page.goto(world.base + demo.url)
                _ready(page)
                text = page.inner_text("body")
                found = [f"shows the code {c!r}" for c in codes_in(text)]
                found += [f"shows the record's label {k!r}" for k in labels_in(text, labels)]
                found += page.evaluate(TABLES_OVERFLOW)
                if found:
                    problems[f"{demo.url} (as {login or 'signed out'})"] = found
        finally:
            page.context.close()
    assert not problems, f"{len(problems)} of {len(world.pages)} pages:\n{_report(problems)}"


def _most_recorded_person() -> str:
    """The canonical id of the demo's person with the most records."""
    from django.db.models import Count

    from socmap.apps.resolution.models import Membership

    top = Membership.objects.filter(schema="Person").values("canonical_id").annotate(n=Count("entity_id"))
    best = top.order_by("-n", "canonical_id").first()
    assert best is not None and best["n"] > 2, "the demo resolves people across records"
    return str(best["canonical_id"])


def test_the_most_recorded_persons_page_says_who_they_are_above_the_fold(browser: Any, world: World) -> None:
    """At 1280 x 800 the person page's summary (names, date of birth, where they are known from, last
    reported) is on the first screen, and no record's label stands in for a person's name."""
    person = _most_recorded_person()
    page = open_as(browser, world, "analyst", 1280, 800)
    try:
        page.goto(f"{world.base}/entities/{person}/")
        _ready(page)
        summary = page.locator("#person-summary")
        box = summary.bounding_box()
        assert box is not None and box["y"] >= 0
        assert box["y"] + box["height"] <= 800, f"the summary ends at {box['y'] + box['height']:.0f}px"
        text = summary.inner_text()
        assert "Names" in text and "Date of birth" in text and "Last reported" in text
        assert re.search(r"In \d+ records from \d+ source", text), text
        assert not labels_in(page.inner_text("body"), internal_labels())
    finally:
        page.context.close()
