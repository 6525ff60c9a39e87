"""API tokens expire: 90 days by default (SOCMAP_TOKEN_DAYS), old tokens without a date included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from socmap.apps.core import services
from socmap.apps.core.models import ApiToken, User


@pytest.mark.django_db
def test_a_new_token_expires_after_the_configured_days(analyst: User, settings: object) -> None:
    token, _ = services.token_create(actor=analyst, name="nightly")
    assert token.expires_at is not None
    assert abs((token.expires_at - timezone.now()) - timedelta(days=90)) < timedelta(minutes=1)
    settings.SOCMAP_TOKEN_DAYS = 7  # type: ignore[attr-defined]
    short, _ = services.token_create(actor=analyst, name="weekly")
    assert short.expires_at is not None and short.expires_at - timezone.now() < timedelta(days=7, minutes=1)


@pytest.mark.django_db
def test_an_expired_token_is_refused(client: Client, analyst: User) -> None:
    token, secret = services.token_create(actor=analyst, name="script")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


@pytest.mark.django_db
def test_a_token_made_before_tokens_expired_lapses_after_the_configured_days(
    client: Client, analyst: User
) -> None:
    token, secret = services.token_create(actor=analyst, name="old script")
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=None, created_at=timezone.now() - timedelta(days=91)
    )
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
