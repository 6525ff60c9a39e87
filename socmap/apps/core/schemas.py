from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class ErrorOut(Schema):
    message: str
    code: str
    fields: dict[str, list[str]] = {}


class HealthOut(Schema):
    status: str
    database: str
    version: str


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    partner_type: str
    code: str


class MeOut(Schema):
    username: str
    name: str
    organisation: OrganisationOut | None
    roles: list[str]


class DocumentOut(Schema):
    id: int
    title: str
    description: str
    owner: str
    handling: str
    compartment: str | None
    conditions: list[str]
    original_name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class DocumentListOut(Schema):
    items: list[DocumentOut]
    page: int
    pages: int
    total: int


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    secret: str


class AuditEventOut(Schema):
    id: UUID
    at: datetime
    action: str
    actor_username: str
    organisation_name: str
    object_type: str
    object_id: str
    object_repr: str
    object: str = Field(description="What the event is about, in words")
    detail: str = Field(description="The event's detail, in words")
    justification: str
    request_id: str

    @staticmethod
    def resolve_object(event: Any) -> str:
        from socmap.apps.core.audit import object_words

        return object_words(event)

    @staticmethod
    def resolve_detail(event: Any) -> str:
        from socmap.apps.core.audit import detail_words

        return detail_words(event.detail)


class AuditListOut(Schema):
    items: list[AuditEventOut]
    page: int
    pages: int
    total: int
