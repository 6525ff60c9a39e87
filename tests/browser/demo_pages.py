"""Every page of a small demo world, found by following links as each demo login, for the page-wide
checks (accessibility at every width, words not codes, tables that fit).

The pages are not listed by hand: a crawl from the home page follows every same-site link of every
page it reaches, as every demo login, and keeps one URL per route (``/groups/<int:pk>/`` once, not
once per group). A page that a new app adds and links from its navigation or from another page is
therefore checked without this file changing. ``EXTRA_PATHS`` names pages no link reaches.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve

from socmap.apps.core.demo import DEMO_PASSWORD
from tests.conftest import committed

# Links never followed: signing out, files and the machine-readable API.
SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/accounts/logout", "/admin/")
# Route names (namespace:name) whose GET answers with a file or changes nothing worth a page check.
SKIP_WORDS = ("export", "download", "csv", "svg", "graphml", "pdf", "ftm", "json")
# Pages that no link reaches (a signed-out page, say), checked as well.
EXTRA_PATHS = ("/accounts/sign-in/",)
# Demo logins crawled: every role's navigation and landing page.
LOGINS = (
    "analyst",
    "intel.officer",
    "lro",
    "supervisor",
    "tasking",
    "partner",
    "improvement",
    "auditor",
    "admin",
)
MAX_PAGES_PER_LOGIN = 150


@dataclass(frozen=True)
class DemoPage:
    login: str  # "" for a signed-out page
    url: str  # path and query
    route: str


@dataclass
class World:
    base: str
    pages: list[DemoPage] = field(default_factory=list)
    build_seconds: float = 0.0
    crawl_seconds: float = 0.0


def build_world(region: Path) -> None:
    """The demo as ``socmap demo`` builds it, on a small region and a few of its sources."""
    from socmap.apps.assessment.demo import build_demo_assessment
    from socmap.apps.core.demo import build_demo_organisations
    from socmap.apps.inspections.demo import build_demo_inspections
    from socmap.apps.intel.demo import build_demo_intel
    from socmap.apps.lifetime.demo import build_demo_lifetime
    from socmap.apps.network.demo import build_demo_network
    from socmap.apps.partnership.demo import build_demo_partnership
    from socmap.apps.resolution.demo import build_demo_resolution
    from socmap.apps.tasking.demo import build_demo_tasking
    from socmap.engines.synth import SynthConfig, generate

    generate(SynthConfig(seed=11, size="small"), out_dir=region)
    build_demo_organisations()
    build_demo_inspections()
    build_demo_intel(folder=region, only={"custody", "intel-gloucestershire", "cdr", "prison"})
    build_demo_resolution()
    build_demo_network()
    build_demo_assessment()
    build_demo_tasking()
    build_demo_lifetime()
    build_demo_partnership()


def route_of(path: str) -> str | None:
    """The URL pattern a path resolves to, or None for a path that is no page."""
    if path.startswith(SKIP_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name or ""
    if any(word in name.lower() or word in path.lower() for word in SKIP_WORDS):
        return None
    return str(match.route)


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    # One purpose for the session, so that pages which consult records show themselves.
    page.goto(f"{base}/purpose/")
    if page.locator("#id_purpose").count():
        page.fill("#id_purpose", "Checking the pages of the demo")
        page.click("button:has-text('Continue')")
        page.wait_for_load_state()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _key(route: str, login: str) -> str:
    # The home page is a work list that differs by role: it is checked as every login.
    return f"{route} as {login}" if route == "" else route


def crawl(page: Any, base: str, login: str, seen: set[str]) -> list[DemoPage]:
    """Pages reachable from the home page as this login, one per route not seen before.

    Pages are fetched over HTTP with the browser's cookies (no rendering), so the crawl is quick.
    """
    host = urlsplit(base).netloc
    queue = ["/"]
    queued = {_key("", login)}
    found: list[DemoPage] = []
    while queue and len(found) < MAX_PAGES_PER_LOGIN:
        path = queue.pop(0)
        response = page.context.request.get(base + path, max_redirects=5)
        if response.status >= 400 or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        here = urlsplit(response.url)
        route = route_of(here.path)
        if route is None or _key(route, login) in seen:
            continue
        seen.add(_key(route, login))
        found.append(DemoPage(login, here.path + (f"?{here.query}" if here.query else ""), route))
        parser = _Links()
        parser.feed(response.text())
        for href in parser.hrefs:
            parts = urlsplit(urljoin(response.url, href))
            target_route = route_of(parts.path)
            if parts.netloc != host or target_route is None:
                continue
            key = _key(target_route, login)
            if key in seen or key in queued:
                continue
            queued.add(key)
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.fixture(scope="module")
def world(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[World]:
    """A small demo world built once for the module, served, and crawled as every demo login."""
    from pytest_django.live_server_helper import LiveServer

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tasks = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with (
        django_db_blocker.unblock(),
        override_settings(
            VAR_DIR=tmp_path_factory.mktemp("var"),
            MEDIA_ROOT=tmp_path_factory.mktemp("uploads"),
            PASSWORD_HASHERS=fast,
            TASKS=tasks,
        ),
        committed(),
    ):
        started = time.monotonic()
        build_world(tmp_path_factory.mktemp("region"))
        built = time.monotonic() - started
        server = LiveServer("localhost")
        browser = request.getfixturevalue("browser")
        try:
            world = World(base=server.url, build_seconds=built)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            seen: set[str] = set()
            started = time.monotonic()
            for path in EXTRA_PATHS:
                route = route_of(path)
                if route is not None:
                    seen.add(route)
                    world.pages.append(DemoPage("", path, route))
            for login in LOGINS:
                sign_in(page, world.base, login)
                if "/accounts/sign-in/" in page.url:
                    continue  # no such demo login
                world.pages.extend(crawl(page, world.base, login, seen))
            world.crawl_seconds = time.monotonic() - started
            context.close()
            yield world
        finally:
            server.stop()


def open_as(browser: Any, world: World, login: str, width: int, height: int = 900) -> Any:
    """A fresh browser page at this width, signed in as the login (with a purpose) when given one."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda m: page.console_messages.append(f"{m.type}: {m.text}"))
    if login:
        sign_in(page, world.base, login)
    return page
