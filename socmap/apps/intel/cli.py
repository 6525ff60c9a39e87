"""``socmap sources``: register a source, list them, show one (its mapping may be a file anywhere)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from socmap.console import markup, plain

sources_app = typer.Typer(help="Sources of intelligence and their mappings.", no_args_is_help=True)


def _root() -> Any:
    from socmap import cli_support

    return cli_support


@sources_app.command("add")
def sources_add(
    name: str = typer.Argument(..., help="Short name, e.g. intel-dorset"),
    title: str = typer.Option(..., "--title", help="Title shown on pages"),
    kind: str = typer.Option("other", "--kind", help="intelligence, custody, anpr, financial, … or other"),
    handling: str = typer.Option("P", "--handling", help="Handling code: P or C"),
    conditions: str = typer.Option("", "--conditions", help="Handling conditions (with C)"),
    retention_days: int = typer.Option(6 * 365, "--retention-days", min=1, help="Days records are kept"),
    compartment: str = typer.Option("", "--compartment", help="Slug of the compartment its records go in"),
    mapping: str = typer.Option(
        "", "--mapping", help="A mapping file (anywhere) or the name of a held one; none for FollowTheMoney"
    ),
    user: str = typer.Option(..., "--as", help="Username registering it (recorded in the audit log)"),
) -> None:
    """Register a source. A mapping file is checked first: file, line and reason for each problem."""
    cli = _root()

    def run() -> Any:
        cli._django()
        from django.db import transaction

        from socmap.apps.core.models import Compartment
        from socmap.apps.intel import services, sources
        from socmap.errors import InvalidInput

        actor = cli._acting_as(user)
        held = Compartment.objects.filter(slug=compartment).first() if compartment else None
        if compartment and held is None:
            raise InvalidInput(f"No compartment {compartment!r}", fields={"compartment": ["Unknown"]})
        mapping_name = mapping
        path = Path(mapping)
        with transaction.atomic():
            if mapping and path.is_file():
                text = sources.mapping_text(path.read_bytes(), path.name)
                sources.mapping_check(text, path.name)
                mapping_name = sources.mapping_save(
                    actor=actor, name=f"{name}.yaml", text=text, file_name=path.name
                ).name
            return services.source_register(
                actor=actor,
                owner=actor.organisation,
                name=name,
                title=title,
                kind=kind,
                mapping_name=mapping_name,
                handling=handling,
                conditions=conditions,
                retention_days=retention_days,
                compartment=held,
            )

    source = cli.guarded(run)
    cli.console.print(
        markup(
            "[green]Registered[/] {name} ({title}), mapping {m}",
            name=source.name,
            title=source.title,
            m=source.mapping_name,
        ),
        highlight=False,
    )


@sources_app.command("list")
def sources_list(user: str = typer.Option(..., "--as", help="Username to list as")) -> None:
    """The sources that user may see."""
    cli = _root()

    def run() -> list[Any]:
        cli._django()
        from socmap.apps.intel import selectors

        return list(selectors.source_list(viewer=cli._acting_as(user)))

    table = Table("Name", "Title", "Kind", "Owner", "Handling", "Mapping")
    for s in cli.guarded(run):
        cells = (
            s.name,
            s.title,
            s.get_kind_display(),
            s.owner.name,
            s.get_handling_display(),
            s.mapping_name,
        )
        table.add_row(*(plain(c) for c in cells))
    cli.console.print(table)


@sources_app.command("show")
def sources_show(
    name: str = typer.Argument(..., help="Source name"),
    user: str = typer.Option(..., "--as", help="Username to look as"),
) -> None:
    """One source: owner, handling, compartment, retention and its mapping, checked now."""
    cli = _root()

    def run() -> tuple[Any, Any]:
        cli._django()
        from socmap.apps.intel import selectors, sources

        source = selectors.source_get(viewer=cli._acting_as(user), name=name)
        return source, sources.mapping_load(source.mapping_name)

    source, mapping = cli.guarded(run)
    table = Table(show_header=False)
    rows = [
        ("Name", source.name),
        ("Title", source.title),
        ("Kind", source.get_kind_display()),
        ("Owner", source.owner.name),
        ("Handling", source.get_handling_display()),
        ("Conditions", source.conditions or "none"),
        ("Compartment", source.compartment.name if source.compartment_id else "none"),
        ("Retention", f"{source.retention_days:,} days"),
        ("Mapping", f"{source.mapping_name} ({mapping.format}, valid)"),
    ]
    for label, value in rows:
        table.add_row(plain(label), plain(value))
    cli.console.print(table)
