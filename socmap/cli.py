"""The socmap command line. Each command parses options, calls a service and shows Rich output.

Django is set up only by the commands that need the database, so pure engines (such as ``synth``)
run without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.table import Table

from socmap.console import escape, plain
from socmap.errors import SocmapError

app = typer.Typer(
    name="socmap",
    help="socmap: serious and organised crime mapping for forces, ROCUs and partners.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Shared with the apps' command modules; named again so modules that import them from here still can.
from socmap.cli_support import _acting_as as _acting_as  # noqa: E402
from socmap.cli_support import _django as _django  # noqa: E402
from socmap.cli_support import _settle_refusal as _settle_refusal  # noqa: E402
from socmap.cli_support import console as console  # noqa: E402
from socmap.cli_support import err as err  # noqa: E402
from socmap.cli_support import guarded as guarded  # noqa: E402

T = TypeVar("T")


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


@app.command()
def migrate() -> None:
    """Create or update the database tables; on PostgreSQL, as the owner role, then grant the
    application role what it needs and no more (SOCMAP_OWNER_DATABASE_URL)."""

    def run() -> None:
        _django()
        from django.db import connection, connections

        if "owner" in connections:
            _manage("migrate", "--no-input", "--database", "owner")
            from socmap.apps.core.dbroles import roles_grant

            app_role = str(connection.settings_dict["USER"])
            roles_grant(connection=connections["owner"], app_role=app_role)
            console.print(
                f"Migrated as the owner role; granted the application role {app_role}", highlight=False
            )
        else:
            _manage("migrate", "--no-input")
        console.print(
            f"[green]Database ready[/] ({connection.vendor}: {escape(str(connection.settings_dict['NAME']))})"
        )
        _report_roles()

    guarded(run)


def _report_roles() -> bool:
    """Whether the application's database role is safe; problems printed, one a line."""
    from django.db import connection

    from socmap.apps.core.dbroles import roles_check

    if connection.vendor != "postgresql":
        console.print(
            "SQLite has no database roles: the hash chains make tampering evident (socmap audit verify)"
        )
        return True
    problems = roles_check(connection=connection)
    for problem in problems:
        err.print(f"[red]Database role:[/] {escape(problem)}", highlight=False)
    if not problems:
        console.print(
            "[green]OK[/] the application's database role cannot bypass the audit log or the judgements"
        )
    return not problems


def _report_server() -> bool:
    """Whether PostgreSQL's settings meet what socmap requires; advice printed beside them."""
    from django.db import connection

    from socmap.apps.core.dbserver import settings_check

    if connection.vendor != "postgresql":
        return True
    verdicts = settings_check(connection=connection)
    for v in verdicts:
        if v.ok:
            console.print(f"[green]OK[/] {v.name} = {escape(v.value)}", highlight=False)
        else:
            kind = "[red]Required[/]" if v.required else "[yellow]Advice[/]"
            (err if v.required else console).print(
                f"{kind} {v.name} = {escape(v.value)}: want {v.wanted}, because {v.why}", highlight=False
            )
    return all(v.ok for v in verdicts if v.required)


@app.command()
def check() -> None:
    """Check the configuration, the database connection, that the application's database role
    cannot truncate the audit log or the judgements or switch their triggers off, and PostgreSQL's
    settings (docs/postgresql.md): exit 1 when something required is not met."""

    def run() -> bool:
        _django()
        _manage("check")
        from django.db import connection

        connection.ensure_connection()
        console.print(f"[green]OK[/] {connection.vendor} database reachable")
        roles_ok = _report_roles()
        return _report_server() and roles_ok

    if not guarded(run):
        raise typer.Exit(code=1)


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
            "--graceful-timeout",
            "10",
        ]
        # Background work (ingest) needs a worker beside the web server. Both stop on SIGTERM,
        # SIGINT or SIGHUP, with everything they started (see socmap/supervise.py).
        from socmap import supervise

        worker_cmd = [sys.executable, "-m", "socmap", "worker"]
        code = supervise.run([cmd, worker_cmd], env)
        if code:
            raise typer.Exit(code=code)

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
        console.print(f"[green]Created[/] {escape(org.name)} ({org.get_kind_display()})")

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
        from socmap.apps.core.selectors import organisation_find
        from socmap.apps.core.services import user_create

        org = organisation_find(name_or_slug=organisation)
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
    size: str = typer.Option("medium", help="Size of the synthetic region: small, medium or large"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000, min=1, max=65535),
) -> None:
    """Build the South West demo region and print the demo logins."""

    def run() -> list[Any]:
        _django()
        _manage("migrate", "--no-input", "--verbosity", "0")
        from django.conf import settings
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from socmap.apps.assessment.demo import build_demo_assessment
        from socmap.apps.core.demo import build_demo_organisations, demo_logins
        from socmap.apps.inspections.demo import build_demo_inspections
        from socmap.apps.intel.demo import build_demo_intel, generate_region
        from socmap.apps.lifetime.demo import build_demo_lifetime
        from socmap.apps.network.demo import build_demo_network
        from socmap.apps.partnership.demo import build_demo_partnership
        from socmap.apps.places.demo import build_demo_places
        from socmap.apps.profile.demo import build_demo_profile
        from socmap.apps.resolution.demo import build_demo_resolution
        from socmap.apps.tasking.demo import build_demo_tasking
        from socmap.apps.workforce.demo import build_demo_workforce
        from socmap.steplog import StepLog

        # One line per step (counts, seconds) in var/log/demo.log, and on the output when it is no
        # terminal (a log, CI), where progress bars would be noise.
        tty = console.is_terminal
        log = StepLog(path=Path(settings.VAR_DIR) / "log" / "demo.log", stream=None if tty else sys.stdout)
        log.line(f"Building the {size} South West demo region")
        with log.step("Organisations, users and inspection findings") as n:
            with console.status("Creating the South West organisations, users and inspection findings…"):
                logins = build_demo_organisations()
                build_demo_inspections()
            n["logins"] = len(logins)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, disable=not tty) as progress:
            task = progress.add_task("Generating the synthetic region", total=None)
            with log.step("Synthetic region generated") as n:
                folder = generate_region(
                    size,
                    progress=lambda stage, done, total: progress.update(
                        task, description=f"Generating: {stage}", completed=done, total=max(total, done, 1)
                    ),
                )
                n["files"] = sum(1 for f in folder.rglob("*") if f.is_file())
            with log.step("Sources ingested") as n:
                batches = build_demo_intel(
                    size=size,
                    on_file=lambda name: progress.update(
                        task, description=f"Ingesting {escape(name)}", completed=0, total=None
                    ),
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )
                n.update(
                    files=len(batches),
                    rows=sum(b.rows_done for b in batches),
                    **{"new records": sum(b.records_new for b in batches)},
                    quarantined=sum(b.quarantined for b in batches),
                )
            progress.update(task, description="Resolving who is who", completed=0, total=None)
            with log.step("People resolved") as n:
                resolved = build_demo_resolution(progress=lambda msg: progress.update(task, description=msg))
                n.update(
                    records=resolved.records,
                    **{"pairs merged": resolved.auto_matched, "pairs for review": resolved.queued},
                )
            progress.update(task, description="Analysing the network", completed=0, total=None)
            with log.step("Network analysed") as n:
                analysed = build_demo_network(progress=lambda msg: progress.update(task, description=msg))
                n.update(people=analysed.nodes, links=analysed.edges)
                n["groups proposed"] = analysed.groups_proposed
            progress.update(task, description="Assessing threats", completed=0, total=None)
            with log.step("Threats assessed") as n:
                n["threats"] = build_demo_assessment()
            progress.update(task, description="Regional tasking", completed=0, total=None)
            with log.step("Regional tasking") as n:
                n["bids"] = build_demo_tasking()
            progress.update(task, description="Lifetime management: plans, orders, disruptions", total=None)
            with log.step("Lifetime management") as n:
                n["plans"] = build_demo_lifetime()
            progress.update(task, description="Partnership: agreements, the board, referrals", total=None)
            with log.step("Partnership: agreements, the board, referrals"):
                build_demo_partnership()
            with log.step("Workforce register and Operation Endeavour") as n:
                n["people in the register"] = build_demo_workforce()
                build_demo_places()
            with log.step("The SOC local profile: issued, partner and draft") as n:
                n["profiles"] = build_demo_profile()
        log.total("Demo region built")
        return demo_logins() or logins

    logins = guarded(run)
    table = Table(title="Demo logins (synthetic data only)")
    table.add_column("Username", no_wrap=True, style="bold")
    table.add_column("Role")
    table.add_column("Organisation")
    for login in logins:
        table.add_row(plain(login.username), plain(login.role), plain(login.organisation))
    console.print(table)
    console.print(f"Every demo user's password is [bold]{logins[0].password}[/]", highlight=False)
    if serve_after:
        serve(host=host, port=port, workers=2, demo=True)


@app.command()
def synth(
    out: Path = typer.Option(..., "--out", help="Folder to write the synthetic region into"),
    seed: int = typer.Option(1, help="Random seed: the same seed gives byte-identical files"),
    size: str = typer.Option(
        "small", help="small (~5,000 records), medium (~100,000), large (1,000,000) or a number"
    ),
    rate: list[str] = typer.Option(
        [], "--rate", help="Noise rate NAME=VALUE, e.g. --rate typo=0.1 (repeatable)"
    ),
    force: bool = typer.Option(False, "--force", help="Write into a folder that is not empty"),
    groups: str = typer.Option(
        "standard",
        "--groups",
        help="Planted group sizes: standard (5-40), wide (3-150, heavy-tailed) or families "
        "(wide, with large groups run as families of crews)",
    ),
) -> None:
    """Generate the synthetic South West region: noisy multi-source intelligence with its ground truth."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from socmap.engines.synth import SynthConfig, generate
    from socmap.errors import InvalidInput

    def run() -> object:
        rates: dict[str, str] = {}
        for item in rate:
            name, sep, value = item.partition("=")
            if not sep:
                raise InvalidInput(
                    f"--rate {item!r}: write NAME=VALUE, e.g. typo=0.05", fields={"rate": [item]}
                )
            rates[name.strip()] = value.strip()
        config = SynthConfig.from_cli(seed, size, rates, group_sizes=groups)
        config.validate(out, force=force)  # before the progress bar, so bad input prints only its message
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("world", total=1)

            def report(stage: str, done: int, total: int) -> None:
                progress.update(task, description=stage, completed=done, total=max(total, done, 1))

            return generate(config, out_dir=out, force=force, progress=report)

    result = guarded(run)
    table = Table(title=plain(f"Synthetic South West region in {out}"))
    table.add_column("File")
    table.add_column("Rows", justify="right")
    for path, _sha, rows in result.files:  # type: ignore[attr-defined]
        table.add_row(plain(path), f"{rows:,}")
    console.print(table)
    console.print(plain(f"Ground truth and manifest: {result.manifest_path}"), highlight=False)  # type: ignore[attr-defined]


inspections_app = typer.Typer(help="Inspection findings and improvement plans.", no_args_is_help=True)
app.add_typer(inspections_app, name="inspections")


@inspections_app.command("import")
def inspections_import(
    files: list[Path] = typer.Argument(
        ..., help="Text files of inspectorate recommendation pages, or folders of them (*.txt)"
    ),
    subject: str = typer.Option(
        "",
        help="Organisation slug the findings are about (default: from each page; none for a page "
        "made to every force)",
    ),
    user: str = typer.Option(..., "--as", help="Username to import as (recorded in the audit log)"),
) -> None:
    """Import inspectorate pages; each file is imported, or refused, on its own, then summarised.

    Exits 0 when every file was imported or already held, 1 when any file was refused.
    """
    from socmap.console import markup

    def run() -> list[Any]:
        _django()
        from socmap.apps.core.selectors import active_user, organisation_find
        from socmap.apps.inspections.services import OUTCOME_WORDS, finding_import_files, outcome_summary
        from socmap.errors import InvalidInput

        actor = active_user(username=user)
        org = organisation_find(name_or_slug=subject) if subject else None
        pages: list[Path] = []
        for path in files:
            if path.is_dir():
                found = sorted(p for p in path.glob("*.txt") if p.is_file())
                if not found:
                    message = f"{path}: the folder holds no .txt pages"
                    raise InvalidInput(message, fields={"file": [str(path)]})
                pages += found
            else:
                pages.append(path)

        def reader(path: Path) -> Callable[[], bytes]:
            def read() -> bytes:
                if not path.is_file():
                    raise InvalidInput(f"{path}: no such file", fields={"file": [str(path)]})
                return path.read_bytes()

            return read

        outcomes = finding_import_files(actor=actor, files=[(p.name, reader(p)) for p in pages], subject=org)
        table = Table(title=plain(f"{len(outcomes)} files imported as {user}"))
        for column in ("File", "Result", "Details"):
            table.add_column(column)
        for outcome in outcomes:
            # File names, page text quoted in diagnostics and names from the database are data, never
            # Rich markup: a page quoting "[/comment]" must print as written.
            if outcome.result is None:
                err.print(markup("[red]{name}: refused[/] – {why}", name=outcome.name, why=outcome.reason))
            else:
                template = (
                    "[green]{name}[/]: {what}" if outcome.outcome == "imported" else "[cyan]{name}[/]: {what}"
                )
                console.print(
                    markup(template, name=outcome.name, what=outcome_summary(outcome)), highlight=False
                )
                for d in outcome.result.parsed.diagnostics:
                    said = "  [yellow]{severity}[/] {code}: {message}"
                    console.print(
                        markup(said, severity=d.severity, code=d.code, message=d.message), highlight=False
                    )
            table.add_row(
                plain(outcome.name), plain(OUTCOME_WORDS[outcome.outcome]), plain(outcome_summary(outcome))
            )
        console.print(table)
        return outcomes

    outcomes = guarded(run)
    counts = {
        word: sum(o.outcome == word for o in outcomes)
        for word in ("imported", "updated", "unchanged", "refused")
    }
    console.print(", ".join(f"{n} {word}" for word, n in counts.items()), highlight=False)
    if counts["refused"]:
        raise typer.Exit(code=1)


@inspections_app.command("withdraw")
def inspections_withdraw(
    reference: str = typer.Argument(..., help="The finding's reference, e.g. 8786 (or a national one's)"),
    reason: str = typer.Option(
        ..., "--reason", help="Why it is withdrawn (kept with it and in the audit log)"
    ),
    subject: str = typer.Option(
        "",
        help="Organisation slug the finding is about (default: your own); 'national' for a finding "
        "made to every force",
    ),
    user: str = typer.Option(..., "--as", help="Username to withdraw as (recorded in the audit log)"),
) -> None:
    """Withdraw a finding imported by mistake: it is kept, marked withdrawn with the reason."""
    from socmap.console import markup

    def run() -> str:
        _django()
        from socmap.apps.core.selectors import active_user
        from socmap.apps.inspections import selectors, services

        actor = active_user(username=user)
        if subject == "national":
            national = selectors.national_find(viewer=actor, reference=reference)
            services.national_withdraw(actor=actor, national=national, reason=reason)
            return f"national {national.get_kind_display().lower()} {national.reference}"
        finding = selectors.finding_find(viewer=actor, reference=reference, subject=subject)
        services.finding_withdraw(actor=actor, finding=finding, reason=reason)
        return f"{finding.get_kind_display().lower()} {finding.reference} ({finding.subject.name})"

    what = guarded(run)
    console.print(markup("[green]Withdrawn[/] {what}", what=what), highlight=False)


@app.command()
def ingest(
    files: list[Path] = typer.Argument(..., help="Extract files from the source system"),
    source: str = typer.Option(..., "--source", help="Source name, e.g. intel-gloucestershire"),
    user: str = typer.Option(..., "--as", help="Username to ingest as (recorded in the audit log)"),
) -> None:
    """Ingest extracts into a source, in the foreground with a progress bar. Each file stands alone."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    def run() -> int:
        _django()
        from socmap.apps.intel import selectors, services
        from socmap.errors import InvalidInput

        actor = _acting_as(user)
        src = selectors.source_get(viewer=actor, name=source)
        failures = 0
        for path in files:
            try:
                if not path.is_file():
                    raise InvalidInput(f"{path}: no such file", fields={"file": [str(path)]})
                start = services.batch_create(
                    actor=actor, source=src, path=path.resolve(), file_name=path.name
                )
                if start.duplicate:
                    console.print(
                        f"[yellow]{escape(path.name)}[/]: already ingested (same content); nothing added"
                    )
                    continue
                columns = (TextColumn(path.name), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
                with Progress(*columns, console=console) as progress:
                    task = progress.add_task(path.name, total=None)

                    def report(
                        done: int, total: int | None, task: object = task, progress: Progress = progress
                    ) -> None:
                        progress.update(task, completed=done, total=total)  # type: ignore[arg-type]

                    batch = services.batch_run(batch_id=start.batch.pk, progress=report)
            except SocmapError as exc:
                failures += 1
                err.print(f"[red]{escape(path.name)}: refused[/] – {escape(str(exc))}", highlight=False)
                continue
            console.print(
                f"[green]{path.name}[/]: {batch.rows_done:,} rows, {batch.records_new:,} new records, "
                f"{batch.records_seen:,} seen again, {batch.statements_new:,} new statements, "
                f"{batch.quarantined:,} quarantined",
                highlight=False,
            )
        return failures

    if guarded(run):
        raise typer.Exit(code=1)


resolve_app = typer.Typer(help="Entity resolution: who is who across sources.", no_args_is_help=True)
app.add_typer(resolve_app, name="resolve")


@resolve_app.command("run")
def resolve_run(
    full: bool = typer.Option(
        False, "--full", help="Score every pair, not only records new since the last run"
    ),
    retrain: bool = typer.Option(False, "--retrain", help="Train a new model on the current records first"),
) -> None:
    """Match person records: the model merges the surest pairs and queues the uncertain ones."""

    def run() -> Any:
        _django()
        from socmap.apps.resolution.models import RunKind
        from socmap.apps.resolution.services import resolution_run

        with console.status("Resolving…") as status:
            return resolution_run(
                actor=None,
                kind=RunKind.FULL if full else RunKind.INCREMENTAL,
                retrain=retrain,
                progress=lambda msg: status.update(msg),
            )

    result = guarded(run)
    if result.status != "done":
        err.print(f"[red]Resolution failed[/] – {escape(result.message)}", highlight=False)
        raise typer.Exit(code=1)
    console.print(
        f"[green]{result.get_kind_display()}[/]: {result.records:,} person records "
        f"({result.new_records:,} scored), "
        f"{result.candidate_pairs:,} candidate pairs, {result.auto_matched:,} merged by the model, "
        f"{result.queued:,} queued for review, {result.objects_merged:,} objects joined by identifier, "
        f"{result.seconds:.1f} s",
        highlight=False,
    )


@resolve_app.command("evaluate")
def resolve_evaluate(
    truth: Path = typer.Option(
        ..., "--truth", help="CSV of entity_id,true_id, or a synthetic region's truth/records.csv"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON line instead of a table"),
) -> None:
    """Score the stored canonical people against ground truth: pairwise and B-cubed."""
    import json

    def run() -> Any:
        _django()
        from socmap.apps.intel.reads import system_job
        from socmap.apps.resolution.services import quality_measure
        from socmap.apps.resolution.truth import truth_load

        job = system_job("evaluation of resolution against ground truth")
        return quality_measure(truth=truth_load(path=truth, job=job))

    quality = guarded(run)
    e = quality.evaluation
    figures = {
        "records": e.records,
        "true_pairs": e.true_pairs,
        "predicted_pairs": e.predicted_pairs,
        "pairwise_precision": round(e.pairwise_precision, 4),
        "pairwise_recall": round(e.pairwise_recall, 4),
        "pairwise_f1": round(e.pairwise_f1, 4),
        "bcubed_precision": round(e.bcubed_precision, 4),
        "bcubed_recall": round(e.bcubed_recall, 4),
        "bcubed_f1": round(e.bcubed_f1, 4),
        "blocking_recall": None if e.blocking_recall is None else round(e.blocking_recall, 4),
        "model_merges": quality.auto_matched,
        "model_merge_precision": round(quality.auto_precision, 4),
        "chosen_threshold": quality.chosen_threshold,
    }
    curve = [
        {
            "threshold": q.threshold,
            "pairs": q.pairs,
            "estimated_precision": round(q.estimated_precision, 4),
            "precision": round(q.precision or 0.0, 4),
            "recall": round(q.recall or 0.0, 4),
            "f1": round(q.f1 or 0.0, 4),
        }
        for q in quality.curve
    ]
    if as_json:
        console.print(json.dumps({**figures, "thresholds": curve}), highlight=False, soft_wrap=True)
        return
    table = Table(title="Resolution against ground truth")
    table.add_column("Measure")
    table.add_column("Value", justify="right")
    for name, value in figures.items():
        table.add_row(
            name.replace("_", " "),
            "–" if value is None else f"{value:,}" if isinstance(value, int) else f"{value:.4f}",
        )
    console.print(table)
    _print_threshold_table(curve, quality.chosen_threshold)


def _print_threshold_table(curve: list[dict[str, Any]], chosen: float | None) -> None:
    """Stored pairs at each threshold: estimated and measured precision, recall, F1."""
    if not curve:
        return
    table = Table(title="Pairs at or above each threshold; the model merges from the chosen one")
    for name in ("Threshold", "Pairs", "Estimated precision", "Precision", "Recall", "F1"):
        table.add_column(name, justify="right")
    for row in curve:
        mark = " (chosen)" if chosen is not None and row["threshold"] == chosen else ""
        table.add_row(
            f"{row['threshold']:g}{mark}",
            f"{row['pairs']:,}",
            f"{row['estimated_precision']:.4f}",
            f"{row['precision']:.4f}",
            f"{row['recall']:.4f}",
            f"{row['f1']:.4f}",
        )
    console.print(table)


@resolve_app.command("rebuild")
def resolve_rebuild() -> None:
    """Drop and rebuild canonical entities and pair states from the judgements."""

    def run() -> dict[str, int]:
        _django()
        from socmap.apps.resolution.services import cache_rebuild

        return cache_rebuild()

    counts = guarded(run)
    console.print(
        f"Rebuilt {counts['pairs']:,} pair states, {counts['people']:,} person and "
        f"{counts['objects']:,} object memberships",
        highlight=False,
    )


network_app = typer.Typer(
    help="Association networks, OCG proposals and their evaluation.", no_args_is_help=True
)
app.add_typer(network_app, name="network")


@network_app.command("run")
def network_run(
    config: Path | None = typer.Option(
        None, "--config", help="A network configuration YAML instead of socmap/model/network.yaml"
    ),
    linkmap: Path | None = typer.Option(
        None, "--linkmap", help="A link mapping YAML instead of socmap/model/linkmap.yaml"
    ),
) -> None:
    """Analyse the whole network: communities, centrality, proposed OCGs and Priority Individuals."""

    def run() -> Any:
        _django()
        from socmap.apps.network.services import analysis_run

        with console.status("Analysing the network…") as status:
            return analysis_run(
                actor=None, config_path=config, linkmap_path=linkmap, progress=lambda msg: status.update(msg)
            )

    result = guarded(run)
    if result.status != "done":
        err.print(f"[red]Network analysis failed[/] – {escape(result.message)}", highlight=False)
        raise typer.Exit(code=1)
    console.print(
        f"[green]Analysis {result.pk}[/]: {result.links_read:,} links, {result.nodes:,} people, "
        f"{result.groups_proposed} groups proposed ({result.groups_new} new, {result.groups_updated} matched "
        f"to existing groups), {result.individuals_proposed} Priority Individuals, {result.seconds:.1f} s",
        highlight=False,
    )
    for schema, count in result.unmapped.items():
        err.print(
            f"[yellow]Not used:[/] {count:,} {escape(schema)} links (not in the link mapping)",
            highlight=False,
        )


@network_app.command("evaluate")
def network_evaluate(
    truth: Path = typer.Option(..., "--truth", help="The synthetic region's folder (with truth/ in it)"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON line instead of a table"),
) -> None:
    """Score proposed groups against the planted OCGs (NMI, ARI, groups), beside Louvain and Leiden."""
    import json

    def run() -> Any:
        _django()
        from socmap.apps.network.evaluation import evaluate_region

        return evaluate_region(truth)

    result = guarded(run)
    figures = result.as_dict()
    if as_json:
        console.print(json.dumps(figures), highlight=False, soft_wrap=True)
        return
    methods = Table(title="Groups against the planted OCGs (1 is perfect)")
    methods.add_column("Method", no_wrap=True)
    for column in ("Groups", "NMI", "ARI"):
        methods.add_column(column, justify="right", no_wrap=True)
    for name, groups, ev in result.rows():
        methods.add_row(name, f"{groups:,}", f"{ev.nmi:.4f}", f"{ev.ari:.4f}")
    console.print(methods)
    table = Table(title="Other figures")
    table.add_column("Measure")
    table.add_column("Value", justify="right")
    for name, value in figures.items():
        if not name.endswith(("_nmi", "_ari", "groups")) and name not in ("nmi", "ari", "groups_proposed"):
            table.add_row(name.replace("_", " "), f"{value:,}" if isinstance(value, int) else f"{value:.4f}")
    console.print(table)


assess_app = typer.Typer(
    help="Threat assessment: check a scoring model, list priorities, compare scores under another model.",
    no_args_is_help=True,
)
app.add_typer(assess_app, name="assess")
assess_model_app = typer.Typer(help="Scoring model files.", no_args_is_help=True)
assess_app.add_typer(assess_model_app, name="model")


@assess_model_app.command("check")
def assess_model_check(
    file: Path | None = typer.Argument(None, help="A scoring model YAML (default: the one socmap ships)"),
) -> None:
    """Check a scoring model file; a problem is reported with the file, line and reason."""
    from socmap.engines import assess

    model = guarded(lambda: assess.load_scoring_model(file or assess.DEFAULT_MODEL))
    table = Table(title=plain(f"{model.title} ({model.label}, sha256 {model.sha256[:12]}…)"))
    for column in ("Dimension", "Group", "Weight", "Scale"):
        table.add_column(column)
    for dim in model.dimensions.values():
        role = " (multiplier)" if dim.key == model.combine.multiplier else ""
        table.add_row(
            plain(dim.label),
            plain(model.groups.get(dim.group, dim.group) + role),
            str(dim.weight),
            f"{dim.lowest}–{dim.highest}",
        )
    console.print(table)
    bands = "; ".join(f"{b.label} (tier {b.tier}) from {b.lower}" for b in reversed(model.bands))
    console.print(plain(f"Scores {model.min_score}–{model.max_score}. Bands: {bands}"), highlight=False)
    console.print(f"[green]{escape(str(model.file))} is a valid scoring model[/]", highlight=False)


@assess_app.command("list")
def assess_list(
    as_user: str = typer.Option(..., "--as", help="Whose view: the list shows what this user may see"),
    force: str = typer.Option("", help="Owning force or unit (slug)"),
    theme: str = typer.Option("", help="Theme, e.g. county_lines"),
    band: str = typer.Option("", help="Band key, e.g. high"),
    overdue: bool = typer.Option(False, "--overdue", help="Only threats overdue for re-assessment"),
    limit: int = typer.Option(50, min=1, max=200),
) -> None:
    """The ranked threat list, as a user may see it."""

    def run() -> Any:
        _django()
        from socmap.apps.assessment import selectors

        user = _acting_as(as_user)
        filters = selectors.ThreatFilter(force=force, theme=theme, band=band, overdue=overdue)
        return selectors.threat_list(viewer=user, filters=filters, per_page=limit)

    page = guarded(run)
    table = Table(title=f"{page.total} threat{'s' if page.total != 1 else ''}")
    for column in ("Rank", "Threat", "Theme", "Owner", "Score", "Band", "Status", "Due"):
        table.add_column(column)
    for rank, t in enumerate(page.items, start=1):
        table.add_row(
            str(rank) if t.score is not None else "",
            plain(t.title),
            t.get_theme_display(),
            plain(t.owner.name),
            f"{t.score.normalize():f}" if t.score is not None else "",
            t.band_label,
            t.get_status_display(),
            str(t.due_on or ""),
        )
    console.print(table)


@assess_app.command("rescore")
def assess_rescore(
    model_file: Path = typer.Option(..., "--model", help="The scoring model YAML to compare with"),
    as_user: str = typer.Option(..., "--as", help="Whose view: only threats this user may see"),
) -> None:
    """Each standing score beside what another model would give the same values. Nothing is changed."""

    def run() -> Any:
        _django()
        from socmap.apps.assessment import selectors
        from socmap.engines import assess

        model = assess.load_scoring_model(model_file)
        return model, selectors.rescore_compare(viewer=_acting_as(as_user), model=model)

    model, rows = guarded(run)
    table = Table(title=plain(f"Standing scores against {model.label} (stored scores are not changed)"))
    for column in (
        "Threat",
        "Version",
        "Scored with",
        "Score",
        "Band",
        f"{model.label} score",
        "Band",
        "Note",
    ):
        table.add_column(escape(column))
    for r in rows:
        table.add_row(
            plain(r.threat.title),
            str(r.version),
            plain(r.old_model),
            f"{r.old_score.normalize():f}" if r.old_score else "",
            plain(r.old_band),
            f"{r.new_score.normalize():f}" if r.new_score is not None else "",
            plain(r.new_band),
            plain(r.note),
        )
    console.print(table)
    moved = sum(1 for r in rows if r.note.startswith("moves"))
    console.print(f"{len(rows)} compared, {moved} would change band", highlight=False)


tasking_app = typer.Typer(
    help="Regional tasking: capabilities, bids and their fair allocation.", no_args_is_help=True
)
app.add_typer(tasking_app, name="tasking")


@tasking_app.command("allocate")
def tasking_allocate(
    period: str = typer.Option("", "--period", help="The tasking period's name (default: the current one)"),
    as_user: str = typer.Option(..., "--as", help="The ROCU tasking user who runs it (audited)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON"),
    time_limit: float = typer.Option(8.0, "--time-limit", min=1.0, max=600.0, help="Seconds for the solver"),
) -> None:
    """Allocate a period's bids: the optimiser beside the greedy baseline, every decision in words."""

    def run() -> Any:
        _django()
        from socmap.apps.core.selectors import active_user
        from socmap.apps.tasking import selectors, services

        user = active_user(username=as_user)
        found = selectors.period_find(name=period)
        with console.status(f"Allocating {found.name}…"):
            done = services.allocation_run(actor=user, period=found, time_limit=time_limit)
        return done, list(done.decisions.select_related("bid", "bid__owner").order_by("-funded", "-value"))

    result, decisions = guarded(run)
    if as_json:
        body = {
            "run": result.pk,
            "period": result.period.name,
            "status": result.status,
            "solver_status": result.solver_status,
            "objective": round(result.objective, 2),
            "greedy_objective": round(result.greedy_objective, 2),
            "plain_greedy_objective": round(result.plain_objective, 2),
            "gap": result.gap,
            "seconds": round(result.seconds, 2),
            "shares": result.shares,
            "conflicts": result.conflicts,
            "decisions": [
                {
                    "bid": d.bid.reference,
                    "force": d.bid.owner.name,
                    "funded": d.funded,
                    "first_week": str(d.first_week or ""),
                    "last_week": str(d.last_week or ""),
                    "reason": d.reason,
                    "change": d.change,
                }
                for d in decisions
            ],
        }
        console.print_json(json.dumps(body))
        raise typer.Exit(code=0 if result.status == "done" else 3)
    if result.status != "done":
        err.print(f"[bold red]Constraints in conflict:[/] {escape(result.explanation)}", highlight=False)
        for c in result.conflicts:
            err.print(plain(f"  - {c['words']}"), highlight=False)
        raise typer.Exit(code=3)
    console.print(
        plain(
            f"{result.period.name}: {result.funded} of {result.bids} bids funded; threat reduction "
            f"{result.objective:,.1f} (greedy highest score first: {result.greedy_objective:,.1f}); "
            f"{result.explanation}"
        ),
        highlight=False,
    )
    shares = Table(title="Each force's share")
    for column in ("Force", "Hours funded", "Share of capacity", "Share of threat", "Within bounds", "Note"):
        shares.add_column(column)
    for s in result.shares:
        shares.add_row(
            plain(s["label"]), f"{s['hours']:,.0f}", f"{s['share']:.0%}", f"{s['share_of_threat']:.0%}",
            "yes" if s["within_bounds"] else "no", plain(s["note"]),
        )  # fmt: skip
    console.print(shares)
    table = Table(title="Decisions")
    for column in ("Bid", "Force", "Decision", "Weeks", "Why"):
        table.add_column(column)
    for d in decisions:
        weeks = f"{d.first_week:%-d %b} to {d.last_week:%-d %b %Y}" if d.funded and d.first_week else ""
        decided = "Funded" if d.funded else "Not funded"
        table.add_row(plain(d.bid.reference), plain(d.bid.owner.name), decided, weeks, plain(d.reason))
    console.print(table)


@tasking_app.command("capabilities")
def tasking_capabilities(
    path: Path | None = typer.Argument(None, help="A capability register file (default: the one in use)"),
) -> None:
    """Check a capability register file (file, line and reason for each problem) and list it."""

    def run() -> Any:
        from socmap.engines.allocate import load_capabilities

        if path is None:
            _django()
            from socmap.apps.tasking.register import register_path

            return load_capabilities(register_path())
        return load_capabilities(path)

    register = guarded(run)
    table = Table(title=plain(f"{register.file}: {len(register.capabilities)} capabilities"))
    for column in ("Key", "Capability", "Owner", "Unit", "A week", "Minimum weeks"):
        table.add_column(column)
    for c in register.capabilities:
        table.add_row(
            plain(c.key), plain(c.label), plain(c.owner), plain(c.unit), f"{c.per_week:g}", str(c.min_weeks)
        )
    console.print(table)


audit_app = typer.Typer(help="The audit log and the judgements: tamper evidence.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the hash chains of the audit log and the judgements; report the first broken link."""

    def run() -> list[Any]:
        _django()
        from socmap.apps.core.chain import CHAINS, chain_verify

        return [chain_verify(spec) for spec in CHAINS]

    reports = guarded(run)
    broken = False
    for report in reports:
        if report.intact:
            console.print(
                f"[green]{report.name}: intact[/], {report.rows:,} links, last hash {report.head_hash}",
                highlight=False,
            )
            continue
        broken = True
        where = f"link {report.broken_seq}" if report.broken_seq is not None else "the chain"
        row = f" (row {report.broken_id})" if report.broken_id else ""
        err.print(
            f"[bold red]{report.name}: broken[/] at {where}{row}: {report.problem}; "
            f"{report.rows:,} links read",
            highlight=False,
            markup=True,
        )
    if broken:
        raise typer.Exit(code=1)


lifetime_app = typer.Typer(
    help="Lifetime management: daily alerts, the disruption return, custody from prison records.",
    no_args_is_help=True,
)
app.add_typer(lifetime_app, name="lifetime")
lifetime_catalogue_app = typer.Typer(help="The catalogue of orders and partner powers.", no_args_is_help=True)
lifetime_app.add_typer(lifetime_catalogue_app, name="catalogue")


def _day(text: str, option: str) -> Any:
    """A date as people type it (2025-06-02, 02/06/2025, 2 Jun 2025), or a clear refusal naming the option."""
    from datetime import datetime

    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise SocmapError(f"{option}: {text!r} is not a date (e.g. 2025-06-02 or 02/06/2025)", code="invalid")


@lifetime_app.command("alerts")
def lifetime_alerts(
    today: str = typer.Option("", "--today", help="Run as if it were this day (default: today)"),
) -> None:
    """The daily digest: open plans for newly adopted subjects, bring custody in step with the prison
    records, and tell each LRO and deputy what is due, once."""

    def run() -> Any:
        _django()
        from socmap.apps.core import clock
        from socmap.apps.lifetime import services

        day = _day(today, "--today") if today else None
        with clock.clock_at(day) if day else contextlib.nullcontext():
            opened = services.plans_open_missing()
            synced = services.custody_sync()
            result = services.alerts_run()
        return opened, synced, result

    opened, synced, result = guarded(run)
    console.print(
        f"Alerts for {result.today:%-d %B %Y}: {result.due} due, {result.told} told now, "
        f"{result.already} told before, {result.withheld} withheld (the officer may not see what it is "
        f"about). {len(opened)} plan{'s' if len(opened) != 1 else ''} opened; custody from "
        f"{synced.read} prison records ({synced.created} new, {synced.updated} changed).",
        highlight=False,
    )
    # Names and titles come from data: plain text, so that "[bold]" in one is shown, not obeyed.
    for notes in result.by_recipient.values():
        who = notes[0].recipient
        table = Table(title=plain(f"For {who.get_full_name() or who.username} ({who.username})"))
        table.add_column("Alert")
        table.add_column("Date")
        for note in notes:
            table.add_row(plain(note.title), f"{note.due_on:%-d %b %Y}")
        console.print(table)


@lifetime_app.command("return")
def lifetime_return(
    date_from: str = typer.Option(..., "--from", help="First day of the return"),
    date_to: str = typer.Option(..., "--to", help="Last day of the return"),
    force: str = typer.Option("", "--force", help="One force or unit (slug); default every one"),
    period: str = typer.Option("whole", "--period", help="whole, quarter or month"),
    as_user: str = typer.Option(
        "", "--as", help="Whose view (default: the first active supervisor of the force)"
    ),
    csv_file: Path | None = typer.Option(None, "--csv", help="Also write the return as CSV to this file"),
    justification: str = typer.Option(
        "", "--why", help="Why the CSV is exported (audited; needed with --csv)"
    ),
) -> None:
    """Validated disruptions by force, P and impact for a period (the same figures as the page and API)."""

    def run() -> Any:
        _django()
        from socmap.apps.core.selectors import active_user
        from socmap.apps.lifetime import selectors

        if not as_user:
            raise SocmapError("Say whose view the return is: --as USERNAME", code="invalid")
        user = active_user(username=as_user)
        lo, hi = _day(date_from, "--from"), _day(date_to, "--to")
        result = selectors.return_get(viewer=user, date_from=lo, date_to=hi, period=period, force=force)
        if csv_file is not None:
            lines = selectors.return_export(
                viewer=user, date_from=lo, date_to=hi, period=period, force=force, justification=justification
            )
            csv_file.write_text("".join(lines), encoding="utf-8")
        return result

    result = guarded(run)
    from rich.markup import escape

    from socmap.engines.lifetime import IMPACTS, PS

    for organisation in [*sorted({c.organisation for c in result.cells if c.organisation}), ""]:
        table = Table(title=escape(organisation) or "Region (every force and unit)")
        table.add_column("4P")
        for _, label in IMPACTS:
            table.add_column(label, justify="right")
        table.add_column("Total", justify="right")
        for p, p_label in PS:
            counts = [
                sum(
                    c.count
                    for c in result.cells
                    if c.organisation == organisation and c.p == p and c.impact == i
                )
                for i, _ in IMPACTS
            ]
            table.add_row(p_label, *map(str, counts), str(sum(counts)))
        console.print(table)
    console.print(result.explanation, highlight=False)
    if csv_file is not None:
        console.print(f"Written to {csv_file}", highlight=False)


@lifetime_app.command("custody-sync")
def lifetime_custody_sync() -> None:
    """Bring custody periods and expected releases in step with the ingested prison records."""

    def run() -> Any:
        _django()
        from socmap.apps.lifetime import services

        return services.custody_sync()

    result = guarded(run)
    console.print(
        f"{result.read} prison records read: {result.created} custody periods new, {result.updated} changed",
        highlight=False,
    )


@lifetime_catalogue_app.command("check")
def lifetime_catalogue_check(
    file: Path | None = typer.Argument(None, help="A catalogue YAML (default: the one socmap ships)"),
) -> None:
    """Check a catalogue of orders and powers; a problem is reported with the file, line and reason."""
    from socmap.engines import lifetime

    catalogue = guarded(lambda: lifetime.load_catalogue(file or lifetime.DEFAULT_CATALOGUE))
    table = Table(title=f"Orders ({len(catalogue.orders)})")
    for column in ("Order", "Act", "Rule"):
        table.add_column(column)
    for rule in catalogue.orders.values():
        table.add_row(plain(rule.title), plain(rule.law), plain(rule.summary))
    console.print(table)
    powers = Table(title=f"Partner powers ({len(catalogue.powers)})")
    for column in ("Power", "Held by", "Law"):
        powers.add_column(column)
    for power in catalogue.powers.values():
        powers.add_row(plain(power.name), plain(power.owner_label), plain(power.law))
    console.print(powers)
    console.print(f"[green]{escape(catalogue.file)} is a valid catalogue[/]", highlight=False)


def _mount_partnership() -> None:
    from socmap.apps.partnership.cli import agreements_app, referrals_app, users_app

    app.add_typer(agreements_app, name="agreements")
    app.add_typer(users_app, name="users")
    app.add_typer(referrals_app, name="referrals")


_mount_partnership()


@app.command()
def backup(
    file: Path = typer.Argument(..., help="The backup file to write (a .tar.gz)"),
) -> None:
    """Back up the database, the uploaded files and the audit chain to one file, with a manifest of
    every table's count and digest (pg_dump on PostgreSQL, the online backup API on SQLite)."""

    def run() -> dict[str, Any]:
        _django()
        from socmap.apps.core.backup import backup_create

        return backup_create(file)

    manifest = guarded(run)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    console.print(
        f"[green]Backed up[/] {len(manifest['tables'])} tables ({rows:,} rows) and "
        f"{len(manifest['members']) - 1} uploaded files to {escape(str(file))}",
        highlight=False,
    )


@app.command()
def restore(
    file: Path = typer.Argument(..., help="A backup file written by socmap backup"),
    replace: bool = typer.Option(False, "--replace", help="Replace a database that already holds data"),
) -> None:
    """Restore a backup, then prove it: every table's count and digest and every hash chain are
    compared with the backup's manifest (exit 1 when anything differs)."""

    def run() -> Any:
        _django()
        from socmap.apps.core.backup import backup_restore

        return backup_restore(file, replace=replace)

    report = guarded(run)
    for difference in report.differences:
        err.print(f"[red]Differs:[/] {escape(difference)}", highlight=False)
    if not report.equal:
        raise typer.Exit(code=1)
    console.print(
        f"[green]Restored[/] {report.tables} tables ({report.rows:,} rows) and {report.files} uploaded "
        "files; every count, digest and hash chain equals the backup's",
        highlight=False,
    )


profile_app = typer.Typer(
    help="The SOC local profile: build it from the data, check its template.", no_args_is_help=True
)
app.add_typer(profile_app, name="profile")
profile_template_app = typer.Typer(help="The profile's template (sections as data).", no_args_is_help=True)
profile_app.add_typer(profile_template_app, name="template")


@profile_app.command("build")
def profile_build(
    force: str = typer.Option(..., "--force", help="The force's organisation slug"),
    as_of: str = typer.Option(
        ..., "--as-of", help="The date the figures are as of (2026-03-01 or 01/03/2026)"
    ),
    as_user: str = typer.Option(..., "--as", help="An analyst of the force (audited)"),
    partner: str = typer.Option("", "--partner", help="A partner's slug: build the version it would receive"),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the PDF here"),
    html: Path | None = typer.Option(None, "--html", help="Write the HTML document here"),
) -> None:
    """Build the profile (full, or a partner's version) from the data as of a date: HTML and PDF."""

    def run() -> Any:
        _django()
        from socmap.apps.core.selectors import organisation_get
        from socmap.apps.profile import services
        from socmap.apps.profile.documents import document_html
        from socmap.apps.tasking.forms import PeopleDateField
        from socmap.errors import InvalidInput

        try:
            day = PeopleDateField().clean(as_of)
        except Exception as exc:
            raise InvalidInput(f"--as-of: {as_of!r} is not a date like 2026-03-01 or 01/03/2026") from exc
        user = _acting_as(as_user)
        org = organisation_get(viewer=user, slug=force)
        audience = organisation_get(viewer=user, slug=partner) if partner else None
        with console.status("Building the profile…"):
            version = services.version_preview(actor=user, force=org, as_of=day, partner=audience)
            text = document_html(version, links=False)
            written = []
            if html is not None:
                html.write_text(text, encoding="utf-8")
                services.version_disclosed(actor=user, version=version, form="html", size=len(text))
                written.append(str(html))
            if pdf is not None:
                data = services.version_pdf(actor=user, version=version, html=text)
                pdf.write_bytes(data)
                written.append(str(pdf))
        return version, written

    version, written = guarded(run)
    content = version.content
    who = content["audience"] or "full version"
    console.print(
        plain(
            f"{content['title']} of {content['force']} as of {content['as_of']} ({who}): "
            f"{len(content['sections'])} sections, {len(content['figures'])} figures"
        ),
        highlight=False,
    )
    for path in written:
        console.print(plain(f"written {path}"), highlight=False)


@profile_template_app.command("check")
def profile_template_check(
    path: Path | None = typer.Argument(None, help="A template file (default: the one in use)"),
) -> None:
    """Check a profile template (file, line and reason for each problem) and list its sections."""
    from socmap.engines.render.profile_template import template_read

    def run() -> Any:
        if path is None:
            _django()
            from socmap.apps.profile.services import template_current

            return template_current()
        return template_read(path)

    template = guarded(run)
    table = Table(title=plain(f"{template.title} ({template.name} v{template.version})"))
    for column in ("Section", "Written by", "Measures", "Charts and maps"):
        table.add_column(column)
    for s in template.sections:
        table.add_row(
            plain(s.title), plain(s.owner), plain(", ".join(s.measures)), plain(", ".join(s.charts + s.maps))
        )
    console.print(table)


@app.command()
def worker() -> None:
    """Run background tasks (ingest, resolution) from the database queue until stopped. Jobs left
    running by a worker that died (killed, or its machine lost) are queued again and finished."""

    def run() -> None:
        import threading

        _django()
        from socmap.apps.core.workers import (
            Presence,
            recover_in_background,
            uploads_sweep,
            worker_identity,
            workers_recover,
        )

        worker_id = worker_identity()
        presence = Presence(worker_id)
        stop = threading.Event()
        try:
            for job in workers_recover():
                console.print(f"Job {job} was left running by a worker that is gone: queued again")
            for name in uploads_sweep():
                console.print(f"Partial upload {name} was cut off when its server stopped: removed")
            recover_in_background(stop)
            _manage("db_worker", "--worker-id", worker_id)
        finally:
            stop.set()
            presence.close()

    guarded(run)


from socmap.apps.intel.cli import sources_app  # noqa: E402 - after the helpers it uses
from socmap.cli_workforce import workforce_app  # noqa: E402  (it uses the helpers above)

app.add_typer(workforce_app, name="workforce")
app.add_typer(sources_app, name="sources")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
