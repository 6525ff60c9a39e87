"""Pages of the review queue as decisions about people (ADR 17): the list of items, one item with a
bulk decision (the next item is swapped in by HTMX), the undo of the last bulk decision, skip."""

from __future__ import annotations

import json
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from socmap.apps.core.auth import viewer
from socmap.apps.core.purpose import current_purpose, purpose_required
from socmap.apps.core.services import require_role
from socmap.apps.core.web import apply_errors, page_number
from socmap.apps.resolution import services
from socmap.apps.resolution.models import Decision
from socmap.apps.resolution.selectors import review
from socmap.apps.resolution.services import assign
from socmap.apps.resolution.services.review import BatchResult, judgement_batch_decide, judgement_batch_undo
from socmap.engines.resolve.charts import waterfall_spec
from socmap.errors import Conflict, InvalidInput, SocmapError

LAST_BATCH = "resolution_last_batch"
SKIPPED_ITEMS = "resolution_skipped_items"
UNDO_REASON = "Undone by the analyst straight after deciding"


class BatchForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Decision.MATCH, "Same person"),
            (Decision.NO_MATCH, "Not the same"),
            (Decision.UNSURE, "Unsure"),
        ],
        error_messages={"required": "Choose same person, not the same, or unsure"},
    )
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    pair = forms.MultipleChoiceField(
        choices=(),
        error_messages={
            "required": "Choose at least one pair",
            "invalid_choice": "Choose pairs of this item",
        },
    )

    def __init__(self, *args: object, item: review.ReviewItem, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Each choice carries the version shown, so a pair someone decided meanwhile is refused.
        field = cast(forms.MultipleChoiceField, self.fields["pair"])
        field.choices = [(f"{p.id}:{p.version}", str(p.id)) for p in item.pairs]

    def versions(self) -> dict[int, int]:
        return {int(a): int(b) for a, b in (v.split(":") for v in self.cleaned_data["pair"])}


class UndoBatchForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, label="Why undo it?", error_messages={"required": "Say why the decision is undone"}
    )


def _judge_allowed(request: HttpRequest) -> None:
    require_role(viewer(request), *services.JUDGES, action="review possible matches")


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _judge_allowed(request)
    user, mine = viewer(request), request.GET.get("assigned") == "me"
    page = review.review_item_page(viewer=user, page=page_number(request), mine=mine)
    captions = review.item_captions(viewer=user, items=page.items)
    who = review.assignees(viewer=user, items=page.items)
    return render(
        request,
        "resolution/items.html",
        {
            "page": page,
            "mine": mine,
            "rows": [(i, captions.get(i.key, ()), who.get(i.key)) for i in page.items],
        },
    )


@login_required
@require_POST
def item_assign(request: HttpRequest, key: str) -> HttpResponse:
    """Assign an item to oneself, to a colleague of one's organisation, or back to the team."""
    _judge_allowed(request)
    user = viewer(request)
    found = review.item_find(viewer=user, key=key)
    if found is None:
        messages.info(request, "Nothing is waiting for a decision about this person now.")
        return redirect("resolution:queue")
    chosen = request.POST.get("assignee", "")
    people = {str(u.pk): u for u in assign.colleagues(actor=user)}
    try:
        if chosen not in people and chosen != "team":
            raise InvalidInput("Choose who reviews this decision", fields={"assignee": ["Choose a reviewer"]})
        assign.item_assign(actor=user, item=found, assignee=people.get(chosen))
    except SocmapError as exc:
        messages.error(request, str(exc.message))
    else:
        who = people[chosen].get_full_name() or people[chosen].username if chosen in people else "the team"
        messages.success(request, f"This decision is now assigned to {who}.")
    return redirect("resolution:item", key=key)


@login_required
def item_next(request: HttpRequest) -> HttpResponse:
    _judge_allowed(request)
    skipped = request.session.get(SKIPPED_ITEMS, [])
    found = review.item_next(viewer=viewer(request), skipped=skipped)
    if found is None and skipped:
        request.session[SKIPPED_ITEMS] = []
        found = review.item_next(viewer=viewer(request))
    if found is None:
        messages.success(request, "No decisions are waiting for review.")
        return redirect("resolution:queue")
    return redirect("resolution:item", key=found.key)


@login_required
@require_POST
def item_skip(request: HttpRequest, key: str) -> HttpResponse:
    _judge_allowed(request)
    request.session[SKIPPED_ITEMS] = (
        [k for k in request.session.get(SKIPPED_ITEMS, []) if k != key] + [key]
    )[-500:]
    return redirect("resolution:item_next")


def _shown(request: HttpRequest, key: str, form: BatchForm | None, status: int = 200) -> HttpResponseBase:
    view = review.item_get(viewer=viewer(request), key=key, justification=current_purpose(request))
    if view is None:
        messages.info(request, "Nothing is waiting for a decision about this person now.")
        return redirect("resolution:item_next")
    return _render_item(request, view, form, status=status)


def _render_item(
    request: HttpRequest, view: review.ItemView, form: BatchForm | None, status: int = 200
) -> HttpResponse:
    why = view.explanation
    # HTMX swaps the item alone: the page around it stays as it is.
    partial = bool(request.headers.get("HX-Request"))
    return render(
        request,
        "resolution/_item.html" if partial else "resolution/item.html",
        {
            "view": view,
            "form": form or BatchForm(item=view.item),
            "spec": json.dumps(waterfall_spec(why)) if why else "",
            "last": request.session.get(LAST_BATCH),
            "assignee": review.assignees(viewer=viewer(request), items=[view.item]).get(view.item.key),
            "colleagues": assign.colleagues(actor=viewer(request)),
            "undo_form": UndoBatchForm(initial={"reason": UNDO_REASON}),
        },
        status=status,
    )


@login_required
@purpose_required
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, key: str) -> HttpResponseBase:
    """One item; a POST decides the chosen pairs together, then shows the next item."""
    _judge_allowed(request)
    user = viewer(request)
    # A decision checks its pairs against the item's ids; its records are read (and the reading
    # logged) only when the item is shown again.
    items = review.review_items(viewer=user)
    found = review.item_find(viewer=user, key=key, items=items)
    if found is None:
        messages.info(request, "Nothing is waiting for a decision about this person now.")
        return redirect("resolution:item_next")
    if request.method != "POST":
        return _shown(request, key, None)
    form = BatchForm(request.POST, item=found)
    if not form.is_valid():
        return _shown(request, key, form, status=400)
    try:
        result = judgement_batch_decide(
            actor=user,
            versions=form.versions(),
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            left_out={p.id for p in found.pairs} - set(form.versions()),
            around=review.group_pairs(viewer=user, item=found, items=items),
        )
    except Conflict as exc:
        form.add_error(None, exc.message)
        fresh = review.item_get(viewer=user, key=key, justification=current_purpose(request))
        if fresh is None:
            messages.info(request, str(exc.message))
            return redirect("resolution:item_next")
        return _render_item(request, fresh, BatchForm(item=fresh.item), status=409)
    except SocmapError as exc:
        apply_errors(form, exc)
        return _shown(request, key, form, status=400)
    label = Decision(form.cleaned_data["decision"]).label.lower()
    chosen = len(result.ids) - result.pattern - result.rescored
    request.session[LAST_BATCH] = {
        "ids": list(result.ids),
        "label": f"{label} for {chosen} pair{'' if chosen == 1 else 's'}{_settled(result)}",
    }
    return _after_decision(request)


def _settled(result: BatchResult) -> str:
    """What the decision settled beyond the pairs chosen, in words (empty when nothing)."""
    more = result.pattern + result.rescored
    if not more:
        return ""
    why = [
        f"{n} {what}"
        for n, what in (
            (result.pattern, "repeating it"),
            (result.rescored, "re-scored as people with what it taught"),
        )
        if n
    ]
    return f"; {more} more pair{'' if more == 1 else 's'} settled by this decision ({', '.join(why)})"


def _after_decision(request: HttpRequest) -> HttpResponseBase:
    """HTMX swaps the next item into the page at once; without it, the browser is sent there."""
    if not request.headers.get("HX-Request"):
        return redirect("resolution:item_next")
    user = viewer(request)
    # One read of the queue for both: each read checks it is current.
    items = review.review_items(viewer=user)
    found = review.item_next(viewer=user, skipped=request.session.get(SKIPPED_ITEMS, []), items=items)
    view = (
        review.item_get(viewer=user, key=found.key, justification=current_purpose(request), items=items)
        if found
        else None
    )
    if view is None:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("resolution:queue")
        return response
    response = _render_item(request, view, None)
    response["HX-Push-Url"] = reverse("resolution:item", args=[view.item.key])
    return response


@login_required
@purpose_required
@require_POST
def batch_undo(request: HttpRequest) -> HttpResponseBase:
    """Undo the session's last bulk decision: every pair returns to the decision that stood before."""
    _judge_allowed(request)
    last = request.session.get(LAST_BATCH)
    form = UndoBatchForm(request.POST)
    if not last:
        messages.info(request, "There is no decision of yours to undo here.")
        return redirect("resolution:queue")
    if form.is_valid():
        try:
            result = judgement_batch_undo(
                actor=viewer(request), judgement_ids=list(last["ids"]), reason=form.cleaned_data["reason"]
            )
        except SocmapError as exc:
            apply_errors(form, exc)
            messages.error(request, str(exc.message))
        else:
            del request.session[LAST_BATCH]
            messages.success(request, f"Undone: {last['label']}. The records are as they were before it.")
            first = result.judgements[0]
            return redirect("resolution:item", key=first.left_id)
    else:
        messages.error(request, "Say why the decision is undone.")
    return redirect("resolution:item_next")
