"""The viewer's own notifications (alerts told to them by the daily job)."""

from __future__ import annotations

from django.db.models import QuerySet

from socmap.apps.core.models import User
from socmap.apps.lifetime.models import Notification


def notifications_for(*, viewer: User, unread_only: bool = True) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=viewer).select_related("plan")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-due_on", "-id")
