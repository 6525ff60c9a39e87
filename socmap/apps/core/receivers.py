"""Sign-in, sign-out and failed sign-in reach the audit log through Django's auth signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(AuditAction.LOGIN, actor=user, obj=user)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(AuditAction.LOGOUT, actor=user, obj=user)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The password is never logged; django masks it, and we keep only the username tried.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        AuditAction.LOGIN_FAILED,
        username=username,
        object_type="core.user",
        object_id=username,
        object_repr=username,
    )
