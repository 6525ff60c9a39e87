"""What every command module shares: the consoles, Django set-up, the ``--as`` user, and one clear
line for a refused command. Apps' command modules (``socmap/apps/*/cli.py``) import this, never
``socmap.cli``, so they stay inside their app's import layer."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from socmap.console import escape
from socmap.errors import SocmapError

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    import django

    django.setup()


def guarded(fn: Callable[[], T]) -> T:
    """Run a command body; a SocmapError or bad configuration ends it with one clear line."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return fn()
    except (SocmapError, ImproperlyConfigured) as exc:
        _settle_refusal(exc)
        err.print(f"[bold red]socmap:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=2) from exc


def _settle_refusal(exc: BaseException) -> None:
    """A refusal on the command line is logged like one on a page (once, with the ``--as`` user)."""
    if "django" in sys.modules and getattr(exc, "code", "") in ("not_found", "not_allowed"):
        from django.apps import apps as django_apps

        if django_apps.ready:
            from socmap.apps.core.refusal import refusal_settle

            refusal_settle(exc)


def _acting_as(username: str) -> Any:
    """The active user a command runs as (``--as``); refusals in this run are logged against them."""
    from socmap.apps.core.refusal import set_command_line_actor
    from socmap.apps.core.selectors import active_user

    actor = active_user(username=username)
    set_command_line_actor(actor)
    return actor
