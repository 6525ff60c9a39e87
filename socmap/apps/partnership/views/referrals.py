"""Pages of safeguarding referrals: the list (overdue outcomes first), a referral, its outcome."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.web import apply_errors
from socmap.apps.partnership import services
from socmap.apps.partnership.forms import OutcomeForm, ReferralForm
from socmap.apps.partnership.selectors import referrals as selectors
from socmap.apps.partnership.views.common import organisation_choices, pick_organisation, question
from socmap.errors import InvalidInput, SocmapError

STATES = {
    "": "All",
    "awaiting": "Awaiting an outcome",
    "overdue": "Outcome overdue",
    "outcome": "Outcome received",
}


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    rows = list(selectors.referral_list(viewer=user, state=state)[:200])
    return render(
        request,
        "partnership/referrals.html",
        {
            "rows": [(r, selectors.due_date(r)) for r in rows],
            "states": STATES,
            "state": state,
            "figures": selectors.referral_figures(viewer=user),
            "days": settings.SOCMAP_REFERRAL_OUTCOME_DAYS,
            "may_refer": user.has_role(*services.referrals.REFERRERS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    arrangements = list(selectors.arrangements())
    initial = {k: request.GET.get(k, "") for k in ("entity_id", "threat_id", "ocg_id", "subject")}
    form = ReferralForm(
        request.POST or None,
        initial=initial,
        arrangements=[(str(a.pk), a.name) for a in arrangements],
        organisations=organisation_choices(user, {m.pk for a in arrangements for m in a.members.all()}),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            arrangement = next((a for a in arrangements if str(a.pk) == d["arrangement"]), None)
            if arrangement is None:
                raise InvalidInput("Choose an arrangement", fields={"arrangement": ["Choose from the list"]})
            referral = services.referral_make(
                actor=user,
                data=services.ReferralInput(
                    arrangement=arrangement,
                    to_organisation=pick_organisation(user, d["to_organisation"], "to_organisation"),
                    concern=d["concern"],
                    subject=d["subject"],
                    summary=d["summary"],
                    entity_id=d["entity_id"].strip(),
                    threat_id=d["threat_id"],
                    ocg_id=d["ocg_id"],
                ),
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Referred to {referral.to_organisation}")
            return redirect("partnership:referral", referral_id=referral.pk)
    return question(
        request,
        form,
        title="Make a safeguarding referral",
        caption="Safeguarding referrals",
        button="Make the referral",
        back=reverse("partnership:referrals"),
        intro="The organisation you refer to sees this referral and records its outcome; "
        "it sees nothing else of the intelligence you link.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = viewer(request)
    referral = selectors.referral_get(viewer=user, referral_id=referral_id)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(actor=user, referral=referral, **form.cleaned_data)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Outcome recorded")
            return redirect("partnership:referral", referral_id=referral.pk)
    own = referral.owner_id == user.organisation_id
    return render(
        request,
        "partnership/referral.html",
        {
            "r": referral,
            "due": selectors.due_date(referral),
            "form": form,
            "own": own,
            "may_record": user.organisation_id in (referral.owner_id, referral.to_organisation_id),
        },
        status=400 if form.errors else 200,
    )
