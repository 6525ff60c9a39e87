"""The socmap command line. Each command parses options, calls a service and shows Rich output.

Django is set up only by the commands that need the database, so pure engines (such as ``synth``)
run without it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from socmap.errors import SocmapError

app = typer.Typer(
    name="socmap",
    help="socmap: serious and organised crime mapping for forces, ROCUs and partners.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
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
        err.print(f"[bold red]socmap:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from exc


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


@app.command()
def migrate() -> None:
    """Create or update the database tables."""

    def run() -> None:
        _django()
        _manage("migrate", "--no-input")
        from django.db import connection

        console.print(f"[green]Database ready[/] ({connection.vendor}: {connection.settings_dict['NAME']})")

    guarded(run)


@app.command()
def check() -> None:
    """Check the configuration and the database connection."""

    def run() -> None:
        _django()
        _manage("check")
        from django.db import connection

        connection.ensure_connection()
        console.print(f"[green]OK[/] {connection.vendor} database reachable")

    guarded(run)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, min=1, max=65535, help="Port"),
    workers: int = typer.Option(2, min=1, max=16, help="Web worker processes"),
    demo: bool = typer.Option(False, help="Show the 'Demo data' banner"),
) -> None:
    """Serve the web application (gunicorn, static files by WhiteNoise)."""

    def run() -> None:
        _django()  # fail fast on bad configuration, before starting workers
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="socmap.settings")
        if demo:
            env["SOCMAP_DEMO"] = "true"
        console.print(f"Serving socmap on [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "socmap.wsgi",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--timeout",
            "300",
        ]
        with contextlib.suppress(KeyboardInterrupt):
            subprocess.run(cmd, env=env, check=False)  # noqa: S603 - fixed argument list

    guarded(run)


@app.command("create-org")
def create_org(
    name: str = typer.Argument(..., help="Organisation name"),
    kind: str = typer.Option(..., help="force, rocu, national or partner"),
    partner_type: str = typer.Option(
        "", help="For partners: council, nhs, education, housing, fire, hmrc, dwp, immigration, other"
    ),
    code: str = typer.Option("", help="Short code used in references, e.g. GL"),
) -> None:
    """Create an organisation."""

    def run() -> None:
        _django()
        from socmap.apps.core.services import organisation_create

        org = organisation_create(actor=None, name=name, kind=kind, partner_type=partner_type, code=code)
        console.print(f"[green]Created[/] {org.name} ({org.get_kind_display()})")

    guarded(run)


@app.command("create-user")
def create_user(
    username: str = typer.Argument(...),
    organisation: str = typer.Option(..., help="Organisation name or slug"),
    role: list[str] = typer.Option(..., "--role", help="Role (repeat for several)"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    first_name: str = typer.Option(""),
    last_name: str = typer.Option(""),
    email: str = typer.Option(""),
) -> None:
    """Create a user in an organisation with one or more roles."""

    def run() -> None:
        _django()
        from django.db.models import Q

        from socmap.apps.core.models import Organisation
        from socmap.apps.core.services import user_create
        from socmap.errors import InvalidInput

        org = Organisation.objects.filter(Q(slug=organisation) | Q(name=organisation)).first()
        if org is None:
            raise InvalidInput(
                f"No organisation called {organisation!r}", fields={"organisation": ["Unknown"]}
            )
        user = user_create(
            actor=None,
            username=username,
            password=password,
            organisation=org,
            roles=role,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        console.print(
            f"[green]Created[/] {user.username} in {org.name} ({', '.join(sorted(user.role_set()))})"
        )

    guarded(run)


@app.command()
def demo(
    serve_after: bool = typer.Option(False, "--serve", help="Serve the web app when the demo is built"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000, min=1, max=65535),
) -> None:
    """Build the South West demo region and print the demo logins."""

    def run() -> list[Any]:
        _django()
        _manage("migrate", "--no-input", "--verbosity", "0")
        from socmap.apps.core.demo import build_demo_organisations

        with console.status("Building the South West demo region…"):
            logins = build_demo_organisations()
        return logins

    logins = guarded(run)
    table = Table(title="Demo logins (synthetic data only)")
    table.add_column("Username", no_wrap=True, style="bold")
    table.add_column("Role")
    table.add_column("Organisation")
    for login in logins:
        table.add_row(login.username, login.role, login.organisation)
    console.print(table)
    console.print(f"Every demo user's password is [bold]{logins[0].password}[/]", highlight=False)
    if serve_after:
        serve(host=host, port=port, workers=2, demo=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
