"""Pages of sharing agreements: the register, a proposal, approval, revocation and renewal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Compartment
from socmap.apps.core.web import apply_errors
from socmap.apps.partnership import services
from socmap.apps.partnership.forms import ProposalForm, ReasonForm, RenewForm
from socmap.apps.partnership.selectors import agreements as selectors
from socmap.apps.partnership.views.common import organisation_choices, pick_organisation, question
from socmap.errors import InvalidInput, SocmapError


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    stage = request.GET.get("stage", "")
    rows = selectors.register(viewer=user, stage=stage if stage in selectors.STAGES else "")
    return render(
        request,
        "partnership/register.html",
        {
            "rows": rows,
            "stages": selectors.STAGES,
            "stage": stage,
            "is_lead": services.is_sharing_lead(user, user.organisation_id),
            "awaiting": selectors.awaiting_me(viewer=user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    comps = [(c.slug, c.name) for c in Compartment.objects.order_by("name")]
    form = ProposalForm(request.POST or None, organisations=organisation_choices(user), compartments=comps)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            provider = pick_organisation(user, d["provider"], "provider")
            recipient = pick_organisation(user, d["recipient"], "recipient")
            assert provider is not None and recipient is not None
            terms = services.agreement_propose(
                actor=user,
                proposal=services.Proposal(
                    provider=provider,
                    recipient=recipient,
                    title=d["title"],
                    purpose=d["purpose"],
                    legal_basis=d["legal_basis"],
                    valid_from=d["valid_from"],
                    valid_to=d["valid_to"],
                    review_on=d["review_on"],
                    compartments=services.compartments_named(d["compartments"]),
                    includes_general=d["includes_general"],
                    handling_codes=d["handling_codes"],
                    conditions=d["conditions"],
                ),
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Proposed: it is in force once each organisation has approved it")
            return redirect("partnership:agreement", agreement_id=terms.agreement_id)
    return question(
        request,
        form,
        title="Propose a sharing agreement",
        caption="Sharing agreements",
        button="Propose the agreement",
        intro="A lead of each organisation other than you approves it before anything is shared.",
        back=reverse("partnership:home"),
    )


@login_required
def detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    user = viewer(request)
    view = selectors.agreement_get(viewer=user, agreement_id=agreement_id)
    return render(
        request, "partnership/agreement.html", {"v": view, "a": view.row.agreement, "t": view.row.terms}
    )


@login_required
@require_POST
def approve(request: HttpRequest, agreement_id: int) -> HttpResponse:
    user = viewer(request)
    agreement = selectors.agreement_find(viewer=user, agreement_id=agreement_id)
    try:
        services.agreement_approve(actor=user, agreement=agreement)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        agreement.refresh_from_db()
        done = "It is now in force" if agreement.approved_at else "It waits for the other organisation"
        messages.success(request, f"Approved for {user.organisation}. {done}.")
    return redirect("partnership:agreement", agreement_id=agreement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, agreement_id: int) -> HttpResponse:
    user = viewer(request)
    agreement = selectors.agreement_find(viewer=user, agreement_id=agreement_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_revoke(actor=user, agreement=agreement, reason=form.cleaned_data["reason"])
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Revoked: nothing more is shared under it, from now")
            return redirect("partnership:agreement", agreement_id=agreement.pk)
    return question(
        request,
        form,
        title=f"Revoke {agreement.title}",
        caption=f"{agreement.provider} to {agreement.recipient}",
        button="Revoke the agreement",
        intro="Revoking takes effect at once: the recipient stops seeing the shared items everywhere.",
        back=reverse("partnership:agreement", args=[agreement.pk]),
        warning=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def renew(request: HttpRequest, agreement_id: int) -> HttpResponse:
    user = viewer(request)
    agreement = selectors.agreement_find(viewer=user, agreement_id=agreement_id)
    form = RenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            terms = services.agreement_renew(
                actor=user,
                agreement=agreement,
                valid_to=form.cleaned_data["valid_to"],
                review_on=form.cleaned_data["review_on"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Renewal proposed: each organisation approves it again")
            return redirect("partnership:agreement", agreement_id=terms.agreement_id)
    return question(
        request,
        form,
        title=f"Renew {agreement.title}",
        caption=f"{agreement.provider} to {agreement.recipient}",
        button="Propose the renewal",
        intro="The same terms, from the day after the current end date.",
        back=reverse("partnership:agreement", args=[agreement.pk]),
    )
