"""Reads of the partnership board. A board is seen by the users of its member organisations; the
board pack shows each member only the priorities and disruption figures it may see itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from socmap.apps.core import clock
from socmap.apps.core.models import User
from socmap.apps.core.refusal import refuse
from socmap.apps.partnership.models import Attendance, Board, BoardAction, Meeting


def _boards(viewer: User) -> QuerySet[Board]:
    if not viewer.is_authenticated or viewer.organisation_id is None:
        return Board.objects.none()
    return Board.objects.filter(
        members__organisation_id=viewer.organisation_id, members__left_on__isnull=True
    ).distinct()


def board_list(*, viewer: User) -> QuerySet[Board]:
    return _boards(viewer).select_related("chair_organisation").order_by("name")


def board_find(*, viewer: User, board_id: int) -> Board:
    found = _boards(viewer).filter(pk=board_id).first()
    if found is None:
        raise refuse(viewer, "No such board", object_type="partnership.board", object_id=str(board_id))
    return found


def meeting_find(*, viewer: User, meeting_id: int) -> Meeting:
    found = Meeting.objects.filter(pk=meeting_id, board__in=_boards(viewer)).select_related("board").first()
    if found is None:
        raise refuse(viewer, "No such meeting", object_type="partnership.meeting", object_id=str(meeting_id))
    return found


def action_find(*, viewer: User, action_id: int) -> BoardAction:
    found = (
        BoardAction.objects.filter(pk=action_id, meeting__board__in=_boards(viewer))
        .select_related("meeting", "meeting__board", "owner_organisation")
        .first()
    )
    if found is None:
        raise refuse(
            viewer, "No such action", object_type="partnership.boardaction", object_id=str(action_id)
        )
    return found


def actions(*, board: Board, overdue_only: bool = False) -> QuerySet[BoardAction]:
    qs = BoardAction.objects.filter(meeting__board=board).select_related(
        "owner_organisation", "owner_person", "meeting"
    )
    if overdue_only:
        qs = qs.filter(completed_on__isnull=True, due_on__lt=clock.today())
    return qs.order_by("completed_on", "due_on", "id")


def meeting_detail(meeting: Meeting) -> dict[str, Any]:
    return {
        "attendance": list(meeting.attendance.select_related("organisation")),
        "decisions": list(meeting.decisions.all()),
        "actions": list(meeting.actions.select_related("owner_organisation", "owner_person")),
    }


def quarter_start(on: date) -> date:
    return date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class QuarterFigures:
    start: date
    meetings: int
    partner_attendance: int  # attendances by organisations that are not police
    senior_attendance: int
    actions_due: int
    actions_done: int


def quarters(board: Board, *, count: int = 4, on: date | None = None) -> list[QuarterFigures]:
    """Attendance and actions completed per quarter, the latest last: a live improvement measure."""
    on = on or clock.today()
    starts = [quarter_start(on)]
    for _ in range(count - 1):
        starts.insert(0, quarter_start(starts[0] - timedelta(days=1)))
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else quarter_start(on + timedelta(days=93))
        att = Attendance.objects.filter(
            meeting__board=board, meeting__held_on__gte=start, meeting__held_on__lt=end
        )
        acts = BoardAction.objects.filter(meeting__board=board)
        out.append(
            QuarterFigures(
                start=start,
                meetings=Meeting.objects.filter(board=board, held_on__gte=start, held_on__lt=end).count(),
                partner_attendance=att.filter(organisation__kind="partner").count(),
                senior_attendance=att.filter(seniority__in=["chief_officer", "senior"]).count(),
                actions_due=acts.filter(due_on__gte=start, due_on__lt=end).count(),
                actions_done=acts.filter(completed_on__gte=start, completed_on__lt=end).count(),
            )
        )
    return out


def measure_partner_attendance(organisation_id: int, as_of: datetime) -> int:
    """Attendances by partner agencies at the boards the organisation sits on, in the last quarter."""
    day = as_of.date()
    return (
        Attendance.objects.filter(
            Q(meeting__board__members__organisation_id=organisation_id),
            organisation__kind="partner",
            meeting__held_on__gt=day - timedelta(days=91),
            meeting__held_on__lte=day,
        )
        .distinct()
        .count()
    )


def measure_actions_completed(organisation_id: int, as_of: datetime) -> int:
    """Board actions completed in the last quarter, on the boards the organisation sits on."""
    day = as_of.date()
    return (
        BoardAction.objects.filter(
            meeting__board__members__organisation_id=organisation_id,
            completed_on__gt=day - timedelta(days=91),
            completed_on__lte=day,
        )
        .distinct()
        .count()
    )
