"""``socmap workforce ...``: the register's counts and its daily training alerts (added to the main
command line by ``socmap.cli``)."""

from __future__ import annotations

import contextlib
from typing import Any

import typer
from rich.table import Table

from socmap.cli import _day, _django, console, guarded
from socmap.console import plain

workforce_app = typer.Typer(
    help="The workforce register: capability against demand, training and accreditation alerts.",
    no_args_is_help=True,
)


@workforce_app.command("alerts")
def workforce_alerts(
    today: str = typer.Option("", "--today", help="Run as if it were this day (default: today)"),
) -> None:
    """Tell each manager, once, of their people's accreditations and training that lapse soon."""

    def run() -> Any:
        _django()
        from socmap.apps.core import clock
        from socmap.apps.workforce import alerts

        day = _day(today, "--today") if today else None
        with clock.clock_at(day) if day else contextlib.nullcontext():
            return alerts.alerts_run()

    result = guarded(run)
    console.print(
        f"Workforce alerts for {result.today:%-d %B %Y}: {result.due} due, {result.told} told now, "
        f"{result.already} told before, {result.no_manager} with no manager to tell.",
        highlight=False,
    )


@workforce_app.command("capability")
def workforce_capability(
    organisation: str = typer.Argument("", help="A force or unit (slug); default: the region's table"),
) -> None:
    """Counts from the register (never names): the region's table, or one organisation's figures."""

    def run() -> Any:
        _django()
        from socmap.apps.workforce import capability, selectors

        if organisation:
            return [capability.figures(selectors.organisation_find(slug=organisation), _today())]
        return capability.region()

    rows = guarded(run)
    table = Table(title="Workforce capability (counts from the register)")
    for column in ("Organisation", "Investigators", "Accredited FIs", "FI posts", "Analysts", "Apprentices"):
        table.add_column(column, justify="left" if column == "Organisation" else "right")
    for c in rows:
        table.add_row(
            plain(c.organisation.name),
            str(c.investigators),
            str(c.fi_accredited),
            str(c.fi_establishment),
            str(c.analysts),
            str(c.apprentices),
        )
    console.print(table)


def _today() -> Any:
    from socmap.apps.core import clock

    return clock.today()
