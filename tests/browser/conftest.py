"""Browser journeys: Playwright driving Debian's Chromium against a live socmap server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls there are test set-up only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium (make test does this)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.console_messages = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.console_messages.append(f"{m.type}: {m.text}"))  # type: ignore[attr-defined]
    yield pg
    context.close()


# A small demo world built once per module that asks for it, with every page found by a crawl.
from tests.browser.demo_pages import world  # noqa: E402, F401
