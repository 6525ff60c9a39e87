"""Pages of the core app: sign-in, home, purpose of access, documents, audit log, tokens, errors."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from socmap.apps.core import selectors, services
from socmap.apps.core.auth import viewer
from socmap.apps.core.forms import (
    AuditFilterForm,
    DocumentUploadForm,
    JustificationForm,
    PurposeForm,
    SignInForm,
    TokenForm,
    TwoFactorForm,
)
from socmap.apps.core.purpose import current_purpose, purpose_required, set_purpose
from socmap.apps.core.web import apply_errors, justified_csv_export, page_number, safe_next
from socmap.errors import SocmapError


class SignInView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # A role's own landing page (e.g. the tasking board), when no page was asked for.
        from socmap.apps.core.navigation import landing_for

        return landing_for(self.request.user) or super().get_default_redirect_url()


def lockout_response(request: HttpRequest, credentials: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when an account is locked after repeated failures."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "core/locked.html", {"minutes": minutes}, status=429)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(safe_next(request))
        form.add_error("token", "The code is wrong or has expired: enter the code your app shows now")
    qr = ""
    if enrolling:
        buffer = io.BytesIO()
        segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
        qr = buffer.getvalue().decode()
    return render(
        request,
        "core/two_factor.html",
        {"form": form, "enrolling": enrolling, "qr": qr, "next": safe_next(request)},
        status=400 if form.errors else 200,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from socmap.apps.core.panels import panels_for

    user = viewer(request)
    panels = panels_for("home", viewer=user, obj=None)
    return render(request, "core/home.html", {"roles": sorted(user.role_set()), "panels": panels})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    return render(
        request,
        "core/account.html",
        {
            "roles": list(user.role_grants.all()),
            "tokens": selectors.token_list(viewer=user)[:50],
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def purpose(request: HttpRequest) -> HttpResponse:
    form = PurposeForm(
        request.POST or None, initial={"purpose": current_purpose(request), "next": safe_next(request)}
    )
    if request.method == "POST" and form.is_valid():
        set_purpose(request, form.cleaned_data["purpose"])
        return redirect(safe_next(request))
    return render(request, "core/purpose.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    page = selectors.document_list(
        viewer=viewer(request), query=request.GET.get("q", "")[:200], page=page_number(request)
    )
    return render(request, "core/document_list.html", {"page": page, "q": request.GET.get("q", "")})


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest) -> HttpResponse:
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            doc = services.document_upload(
                actor=viewer(request),
                handle=upload.file,
                filename=upload.name,
                title=data["title"],
                description=data["description"],
                handling=data["handling"],
                conditions=data["conditions"],
                compartment=data["compartment"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Uploaded {doc.title}")
            return redirect("core:document_detail", document_id=doc.pk)
    return render(request, "core/document_upload.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@purpose_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    view = selectors.document_get(
        viewer=viewer(request), document_id=document_id, justification=current_purpose(request)
    )
    return render(request, "core/document_detail.html", {"doc": view.document, "conditions": view.conditions})


@login_required
@purpose_required
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    doc = selectors.document_open(
        viewer=viewer(request), document_id=document_id, justification=current_purpose(request)
    )
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.original_name)


def _audit_filters(form: AuditFilterForm) -> selectors.AuditFilter:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.AuditFilter(**{k: v for k, v in data.items() if v})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = _audit_filters(form)
    page = selectors.audit_list(
        viewer=viewer(request), filters=filters, page=page_number(request), per_page=25
    )
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "query": request.GET.urlencode(), "export_form": JustificationForm()},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_export(request: HttpRequest) -> HttpResponseBase:
    filter_form = AuditFilterForm(request.GET or None)
    return justified_csv_export(
        request,
        what="the audit log",
        filename="socmap-audit.csv",
        lines=lambda why: selectors.audit_export(
            viewer=viewer(request), filters=_audit_filters(filter_form), justification=why
        ),
        filter_form=filter_form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    form = TokenForm(request.POST or None)
    secret = ""  # nosec B105 # no secret yet: filled once a token is made
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = services.token_create(actor=user, name=form.cleaned_data["name"])
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "core/token_list.html",
        {"form": form, "secret": secret, "tokens": selectors.token_list(viewer=user)[:100]},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["POST"])
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.token_revoke(actor=viewer(request), token_id=token_id)
    messages.success(request, f"Revoked token {token.name}")
    return redirect("core:tokens")


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    return render(
        request,
        "core/organisation_list.html",
        {
            "organisations": selectors.organisation_list(viewer=user)[:500],
            "agreements": selectors.agreement_list(viewer=user)[:500],
        },
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "status": 403,
            "title": "Your form expired",
            "detail": "For your security the form timed out or came from elsewhere. Go back, reload the "
            "page and try again.",
        },
        status=403,
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = (
        str(exception) if exception and str(exception) else "You do not have permission to see this page."
    )
    return render(
        request,
        "core/error.html",
        {"status": 403, "title": "You cannot see this page", "detail": detail},
        status=403,
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "status": 404,
            "title": "Page not found",
            "detail": "If you typed the web address, check it is correct. If you followed a link, what it "
            "pointed to may not exist, or may not be shared with your organisation.",
        },
        status=404,
    )


def error_500(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "status": 500,
            "title": "Sorry, there is a problem with socmap",
            "detail": "Try again later. If it keeps happening, tell your administrator the request id below.",
        },
        status=500,
    )
