"""The senior SOC partnership board: members, meetings, attendance, decisions and actions.

The board is managed by its chair organisation (a supervisor, improvement lead or administrator
there, or the person who represents it). Actions are owned by member organisations only; any user
of the owning organisation records that an action is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Organisation, Role, User
from socmap.apps.core.refusal import refuse
from socmap.apps.partnership.models import (
    Attendance,
    Board,
    BoardAction,
    BoardDecision,
    BoardMember,
    Meeting,
    Seniority,
)
from socmap.errors import Conflict, InvalidInput

MANAGERS = (Role.SUPERVISOR, Role.IMPROVEMENT_LEAD, Role.ADMINISTRATOR)


def member_ids(board: Board, on: date | None = None) -> set[int]:
    """The organisations on the board on the date."""
    on = on or clock.today()
    return set(
        board.members.filter(joined_on__lte=on)
        .exclude(left_on__lt=on)
        .values_list("organisation_id", flat=True)
    )


def may_manage(actor: User, board: Board) -> bool:
    if actor.organisation_id != board.chair_organisation_id or not actor.is_active:
        return False
    return actor.has_role(*MANAGERS) or board.members.filter(person=actor, left_on__isnull=True).exists()


def _require_manager(actor: User, board: Board, action: str) -> None:
    if not may_manage(actor, board):
        raise refuse(
            actor,
            f"Only the board's chair organisation may {action}",
            hidden=False,
            obj=board,
            reason=f"{action} without being the chair's secretariat",
        )


def board_create(
    *, actor: User | None, name: str, chair: Organisation, purpose: str = "", since: date | None = None
) -> Board:
    if not name.strip():
        raise InvalidInput("The board needs a name", fields={"name": ["Enter a name"]})
    if actor is not None and (actor.organisation_id != chair.pk or not actor.has_role(*MANAGERS)):
        raise refuse(
            actor,
            "Only the chair organisation sets up its board",
            hidden=False,
            object_type="action",
            object_id="board create",
        )
    with transaction.atomic():
        if Board.objects.filter(name=name.strip()).exists():
            raise Conflict(f"A board called {name!r} already exists", fields={"name": ["Already exists"]})
        board = Board.objects.create(
            name=name.strip(), chair_organisation=chair, purpose=purpose.strip(), created_at=clock.now()
        )
        BoardMember.objects.create(board=board, organisation=chair, joined_on=since or clock.today())
        audit_record(AuditAction.COLLECTION, actor=actor, obj=board, username="" if actor else "system")
    return board


def member_add(
    *,
    actor: User | None,
    board: Board,
    organisation: Organisation,
    person: User | None = None,
    since: date | None = None,
) -> BoardMember:
    if person is not None and person.organisation_id != organisation.pk:
        raise InvalidInput(
            "The representative must belong to the member organisation",
            fields={"person": [f"{person.username} is not of {organisation.name}"]},
        )
    if actor is not None:
        _require_manager(actor, board, "change the board's membership")
    with transaction.atomic():
        if organisation.pk in member_ids(board):
            raise Conflict(
                f"{organisation.name} is already a member", fields={"organisation": ["Already a member"]}
            )
        member = BoardMember.objects.create(
            board=board, organisation=organisation, person=person, joined_on=since or clock.today()
        )
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=board,
            username="" if actor else "system",
            justification=f"{organisation.name} joined the board",
            detail={"step": "member added", "organisation": organisation.name},
        )
    return member


def meeting_record(
    *, actor: User | None, board: Board, held_on: date | None, title: str, agenda: str = ""
) -> Meeting:
    problems: dict[str, list[str]] = {}
    if held_on is None:
        problems["held_on"] = ["Enter the date of the meeting"]
    if not title.strip():
        problems["title"] = ["Enter a title"]
    if problems:
        raise InvalidInput("The meeting could not be recorded", fields=problems)
    assert held_on is not None
    if actor is not None:
        _require_manager(actor, board, "record meetings")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            board=board,
            held_on=held_on,
            title=title.strip(),
            agenda=agenda.strip(),
            created_by=actor,
            created_at=clock.now(),
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=meeting, username="" if actor else "system")
    return meeting


def attendance_record(
    *,
    actor: User | None,
    meeting: Meeting,
    organisation: Organisation,
    name: str,
    seniority: str,
    person: User | None = None,
) -> Attendance:
    problems: dict[str, list[str]] = {}
    if organisation.pk not in member_ids(meeting.board, meeting.held_on):
        problems["organisation"] = [f"{organisation.name} is not a member of the board"]
    if not name.strip():
        problems["name"] = ["Enter the name of the person who came"]
    if seniority not in Seniority.values:
        problems["seniority"] = [f"Choose a level: {', '.join(Seniority.labels)}"]
    if problems:
        raise InvalidInput("The attendance could not be recorded", fields=problems)
    if actor is not None:
        _require_manager(actor, meeting.board, "record attendance")
    with transaction.atomic():
        row = Attendance.objects.create(
            meeting=meeting, organisation=organisation, name=name.strip(), seniority=seniority, person=person
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=row, username="" if actor else "system")
    return row


def decision_record(
    *, actor: User | None, meeting: Meeting, text: str, information_sharing: bool = False
) -> BoardDecision:
    if not text.strip():
        raise InvalidInput("Enter the decision", fields={"text": ["Enter the decision"]})
    if actor is not None:
        _require_manager(actor, meeting.board, "record decisions")
    with transaction.atomic():
        row = BoardDecision.objects.create(
            meeting=meeting, text=text.strip(), information_sharing=information_sharing, recorded_by=actor
        )
        audit_record(
            AuditAction.COLLECTION,
            actor=actor,
            obj=row,
            username="" if actor else "system",
            detail={"information_sharing": information_sharing},
        )
    return row


@dataclass
class ActionInput:
    description: str
    owner_organisation: Organisation | None
    due_on: date | None
    owner_person: User | None = None


def action_record(*, actor: User | None, meeting: Meeting, data: ActionInput) -> BoardAction:
    """An action for a member organisation. An owner outside the board is refused, named."""
    problems: dict[str, list[str]] = {}
    if not data.description.strip():
        problems["description"] = ["Describe the action"]
    if data.owner_organisation is None:
        problems["owner_organisation"] = ["Choose the member organisation that owns the action"]
    elif data.owner_organisation.pk not in member_ids(meeting.board, meeting.held_on):
        problems["owner_organisation"] = [
            f"{data.owner_organisation.name} is not a member of the board: only members own its actions"
        ]
    if data.owner_person is not None and (
        data.owner_organisation is None or data.owner_person.organisation_id != data.owner_organisation.pk
    ):
        problems["owner_person"] = ["The owner must belong to the owning organisation"]
    if data.due_on is None:
        problems["due_on"] = ["Enter the due date"]
    elif data.due_on < meeting.held_on:
        problems["due_on"] = ["The due date must be on or after the meeting"]
    if problems:
        raise InvalidInput("The action could not be recorded", fields=problems)
    assert data.owner_organisation is not None and data.due_on is not None
    if actor is not None:
        _require_manager(actor, meeting.board, "give actions")
    with transaction.atomic():
        action = BoardAction.objects.create(
            meeting=meeting,
            description=data.description.strip(),
            owner_organisation=data.owner_organisation,
            owner_person=data.owner_person,
            due_on=data.due_on,
        )
        audit_record(
            AuditAction.COLLECTION,
            actor=actor,
            obj=action,
            username="" if actor else "system",
            object_owner=data.owner_organisation.pk,
            detail={"owner": data.owner_organisation.name, "due": str(data.due_on)},
        )
    return action


def action_complete(
    *, actor: User | None, action: BoardAction, completed_on: date | None = None, note: str = ""
) -> BoardAction:
    on = completed_on or clock.today()
    if on > clock.today():
        raise InvalidInput(
            "The date done cannot be in the future", fields={"completed_on": ["Not in the future"]}
        )
    if on < action.meeting.held_on:
        raise InvalidInput("The action was done before it was given?", fields={"completed_on": ["Too early"]})
    if (
        actor is not None
        and actor.organisation_id != action.owner_organisation_id
        and not may_manage(actor, action.meeting.board)
    ):
        raise refuse(actor, "Only the owning organisation records its action done", hidden=False, obj=action)
    with transaction.atomic():
        if action.completed_on is not None:
            raise Conflict("The action is already done")
        action.completed_on, action.completion_note = on, note.strip()
        action.save(update_fields=["completed_on", "completion_note"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=action,
            username="" if actor else "system",
            object_owner=action.owner_organisation_id,
            justification=note.strip() or "done",
            detail={"step": "done", "on": str(on)},
        )
    return action
