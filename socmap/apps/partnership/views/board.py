"""Pages of the partnership board: boards, meetings with attendance, decisions and actions, the pack."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from socmap.apps.core.auth import viewer
from socmap.apps.core.web import apply_errors
from socmap.apps.partnership import services
from socmap.apps.partnership.forms import AttendanceForm, BoardActionForm, DecisionForm, MeetingForm
from socmap.apps.partnership.selectors import board as selectors
from socmap.apps.partnership.selectors.pack import board_pack
from socmap.apps.partnership.services.board import may_manage, member_ids
from socmap.apps.partnership.views.common import organisation_choices, pick_organisation, question
from socmap.errors import SocmapError


@login_required
def boards(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    found = list(selectors.board_list(viewer=user))
    if len(found) == 1:
        return redirect("partnership:board", board_id=found[0].pk)
    return render(request, "partnership/boards.html", {"boards": found})


@login_required
def board(request: HttpRequest, board_id: int) -> HttpResponse:
    user = viewer(request)
    b = selectors.board_find(viewer=user, board_id=board_id)
    return render(
        request,
        "partnership/board.html",
        {
            "board": b,
            "members": b.members.filter(left_on__isnull=True).select_related("organisation", "person"),
            "meetings": b.meetings.all()[:50],
            "actions": selectors.actions(board=b)[:200],
            "figures": selectors.quarters(b),
            "manager": may_manage(user, b),
        },
    )


@login_required
def pack(request: HttpRequest, board_id: int) -> HttpResponse:
    user = viewer(request)
    b = selectors.board_find(viewer=user, board_id=board_id)
    return render(request, "partnership/pack.html", {"pack": board_pack(viewer=user, board=b)})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, board_id: int) -> HttpResponse:
    user = viewer(request)
    b = selectors.board_find(viewer=user, board_id=board_id)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            m = services.meeting_record(actor=user, board=b, **form.cleaned_data)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            return redirect("partnership:meeting", meeting_id=m.pk)
    return question(
        request,
        form,
        title="Record a meeting",
        caption=b.name,
        button="Record the meeting",
        back=reverse("partnership:board", args=[b.pk]),
    )


@login_required
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = viewer(request)
    m = selectors.meeting_find(viewer=user, meeting_id=meeting_id)
    members = organisation_choices(user, member_ids(m.board, m.held_on))
    return render(
        request,
        "partnership/meeting.html",
        {
            "meeting": m,
            **selectors.meeting_detail(m),
            "manager": may_manage(user, m.board),
            "attendance_form": AttendanceForm(organisations=members),
            "decision_form": DecisionForm(),
            "action_form": BoardActionForm(organisations=organisation_choices(user)),
        },
    )


def _meeting_post(request: HttpRequest, meeting_id: int, kind: str) -> HttpResponse:
    user = viewer(request)
    m = selectors.meeting_find(viewer=user, meeting_id=meeting_id)
    orgs = organisation_choices(user)
    form: AttendanceForm | DecisionForm | BoardActionForm
    if kind == "attendance":
        form = AttendanceForm(request.POST, organisations=orgs)
    elif kind == "decision":
        form = DecisionForm(request.POST)
    else:
        form = BoardActionForm(request.POST, organisations=orgs)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if kind == "attendance":
                org = pick_organisation(user, d["organisation"], "organisation")
                assert org is not None
                services.attendance_record(
                    actor=user, meeting=m, organisation=org, name=d["name"], seniority=d["seniority"]
                )
            elif kind == "decision":
                services.decision_record(actor=user, meeting=m, **d)
            else:
                owner = pick_organisation(user, d["owner_organisation"], "owner_organisation")
                services.action_record(
                    actor=user, meeting=m, data=services.ActionInput(d["description"], owner, d["due_on"])
                )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Recorded the {kind}")
            return redirect("partnership:meeting", meeting_id=m.pk)
    titles = {"attendance": "Record who came", "decision": "Record a decision", "action": "Give an action"}
    return question(
        request,
        form,
        title=titles[kind],
        caption=str(m),
        button="Save",
        back=reverse("partnership:meeting", args=[m.pk]),
    )


@login_required
@require_POST
def attendance_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_post(request, meeting_id, "attendance")


@login_required
@require_POST
def decision_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_post(request, meeting_id, "decision")


@login_required
@require_POST
def action_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_post(request, meeting_id, "action")


@login_required
@require_POST
def action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    user = viewer(request)
    action = selectors.action_find(viewer=user, action_id=action_id)
    try:
        services.action_complete(actor=user, action=action, note=request.POST.get("note", ""))
    except SocmapError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Recorded as done")
    return redirect("partnership:board", board_id=action.meeting.board_id)
