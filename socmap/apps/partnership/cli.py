"""``socmap agreements``, ``socmap users`` and ``socmap referrals``: the partnership's command line.

Each command sets up Django only when it runs, acts as an active user (``--as``, audited), calls a
service or selector, and prints through Rich with data as plain text. ``socmap/cli.py`` mounts them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from socmap.console import escape, markup, plain
from socmap.errors import SocmapError

T = TypeVar("T")
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

agreements_app = typer.Typer(
    help="Sharing agreements: list, propose, approve, revoke, remind.", no_args_is_help=True
)
users_app = typer.Typer(help="Users: deactivate, reactivate, reset two-factor devices.", no_args_is_help=True)
referrals_app = typer.Typer(help="Safeguarding referrals.", no_args_is_help=True)
AS = typer.Option(..., "--as", help="The user who acts (audited)")


def _run(fn: Callable[[], T]) -> T:
    """Set up Django, run, and end with one clear line (and a logged refusal) on a SocmapError."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    import django

    django.setup()
    try:
        return fn()
    except SocmapError as exc:
        from socmap.apps.core.refusal import refusal_settle

        refusal_settle(exc)
        err.print(f"[bold red]socmap:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=2) from exc


def _actor(username: str) -> Any:
    from socmap.apps.core.refusal import set_command_line_actor
    from socmap.apps.core.selectors import active_user

    actor = active_user(username=username)
    set_command_line_actor(actor)
    return actor


def _day(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        from socmap.errors import InvalidInput

        raise InvalidInput(
            f"{text!r} is not a date like 2026-03-27", fields={field: ["Not a date"]}
        ) from None


@agreements_app.command("list")
def agreements_list(
    as_user: str = AS, stage: str = typer.Option("", help="awaiting, in_force, revoked…")
) -> None:
    """The agreements of your organisation, with their stage."""

    def run() -> None:
        from socmap.apps.partnership.selectors.agreements import register

        table = Table(title="Sharing agreements")
        for col in ("Id", "Title", "Provider", "Recipient", "From", "To", "Stage"):
            table.add_column(col)
        for r in register(viewer=_actor(as_user), stage=stage):
            a = r.agreement
            table.add_row(
                str(a.pk),
                plain(a.title),
                plain(a.provider.name),
                plain(a.recipient.name),
                str(a.valid_from),
                str(a.valid_to or ""),
                r.stage_label,
            )
        console.print(table)

    _run(run)


@agreements_app.command("propose")
def agreements_propose(
    as_user: str = AS,
    provider: str = typer.Option(..., help="Provider's name or slug"),
    recipient: str = typer.Option(..., help="Recipient's name or slug"),
    title: str = typer.Option(...),
    purpose: str = typer.Option(""),
    legal_basis: str = typer.Option("", help="e.g. Crime and Disorder Act 1998 s115"),
    valid_from: str = typer.Option("", help="YYYY-MM-DD"),
    valid_to: str = typer.Option("", help="YYYY-MM-DD"),
    review_on: str = typer.Option("", help="YYYY-MM-DD"),
    compartment: list[str] = typer.Option([], "--compartment", help="Compartment slug (repeat)"),
    general: bool = typer.Option(False, "--general", help="Also share items in no compartment"),
    handling: list[str] = typer.Option([], "--handling", help="Handling code (repeat)"),
    conditions: str = typer.Option(""),
) -> None:
    """Propose an agreement; it is in force once a lead of each organisation has approved it."""

    def run() -> None:
        from socmap.apps.core.selectors import organisation_find
        from socmap.apps.partnership import services

        terms = services.agreement_propose(
            actor=_actor(as_user),
            proposal=services.Proposal(
                provider=organisation_find(name_or_slug=provider),
                recipient=organisation_find(name_or_slug=recipient),
                title=title,
                purpose=purpose,
                legal_basis=legal_basis,
                valid_from=_day(valid_from, "valid_from"),
                valid_to=_day(valid_to, "valid_to"),
                review_on=_day(review_on, "review_on"),
                compartments=services.compartments_named(compartment),
                includes_general=general,
                handling_codes=handling,
                conditions=conditions,
            ),
        )
        console.print(
            markup("[green]Proposed[/] agreement {id}: awaiting both approvals", id=terms.agreement_id)
        )

    _run(run)


@agreements_app.command("approve")
def agreements_approve(agreement_id: int = typer.Argument(...), as_user: str = AS) -> None:
    """Approve an agreement for your organisation."""

    def run() -> None:
        from socmap.apps.partnership import services
        from socmap.apps.partnership.selectors.agreements import agreement_find, stage_of

        actor = _actor(as_user)
        agreement = agreement_find(viewer=actor, agreement_id=agreement_id)
        services.agreement_approve(actor=actor, agreement=agreement)
        agreement.refresh_from_db()
        console.print(markup("[green]Approved[/]: {stage}", stage=stage_of(agreement)))

    _run(run)


@agreements_app.command("revoke")
def agreements_revoke(
    agreement_id: int = typer.Argument(...), as_user: str = AS, reason: str = typer.Option(..., help="Why")
) -> None:
    """Revoke an agreement at once, with the reason."""

    def run() -> None:
        from socmap.apps.partnership import services
        from socmap.apps.partnership.selectors.agreements import agreement_find

        actor = _actor(as_user)
        services.agreement_revoke(
            actor=actor, agreement=agreement_find(viewer=actor, agreement_id=agreement_id), reason=reason
        )
        console.print(markup("[green]Revoked[/] agreement {id}", id=agreement_id))

    _run(run)


@agreements_app.command("remind")
def agreements_remind() -> None:
    """Remind once of each agreement in force that ends within the renewal notice (a daily job)."""

    def run() -> None:
        from socmap.apps.partnership import services

        for a in services.renewal_reminders():
            console.print(
                markup(
                    "Renewal due: {t} ({p} to {r}) ends {d}",
                    t=a.title,
                    p=a.provider,
                    r=a.recipient,
                    d=a.valid_to,
                )
            )

    _run(run)


def _user_change(username: str, as_user: str, reason: str, change: str) -> None:
    def run() -> None:
        from socmap.apps.core import administration as admin
        from socmap.apps.core.models import User

        actor = _actor(as_user)
        target = User.objects.filter(username=username).first()
        person = admin.administered_user(viewer=actor, user_id=target.pk if target else 0)
        if change == "totp":
            admin.user_totp_reset(actor=actor, user=person, reason=reason)
        else:
            admin.user_set_active(actor=actor, user=person, active=change == "reactivate", reason=reason)
        console.print(markup("[green]Done[/]: {u} {c}", u=username, c=change))

    _run(run)


@users_app.command("deactivate")
def users_deactivate(username: str, as_user: str = AS, reason: str = typer.Option(...)) -> None:
    """Deactivate a user (never deleted): they can no longer sign in or use a token."""
    _user_change(username, as_user, reason, "deactivate")


@users_app.command("reactivate")
def users_reactivate(username: str, as_user: str = AS, reason: str = typer.Option(...)) -> None:
    _user_change(username, as_user, reason, "reactivate")


@users_app.command("reset-two-factor")
def users_totp_reset(username: str, as_user: str = AS, reason: str = typer.Option(...)) -> None:
    """Remove a user's two-factor device; they enrol a new one at their next sign-in."""
    _user_change(username, as_user, reason, "totp")


@referrals_app.command("list")
def referrals_list(
    as_user: str = AS, state: str = typer.Option("", help="awaiting, overdue or outcome")
) -> None:
    """Referrals your organisation made or received."""

    def run() -> None:
        from socmap.apps.partnership.selectors.referrals import due_date, referral_list

        table = Table(title="Safeguarding referrals")
        for col in ("Id", "Person", "Concern", "To", "Referred", "Outcome"):
            table.add_column(col)
        for r in referral_list(viewer=_actor(as_user), state=state)[:500]:
            outcome = (
                f"{r.get_outcome_display()} ({r.outcome_on})" if r.outcome else f"awaiting, due {due_date(r)}"
            )
            table.add_row(
                str(r.pk),
                plain(r.subject),
                r.get_concern_display(),
                plain(r.to_organisation.name),
                str(r.referred_on),
                outcome,
            )
        console.print(table)

    _run(run)
