from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class ProfileIn(Schema):
    title: str
    as_of: date
    partners: list[str] = []  # partner organisations' slugs


class ProfileOut(Schema):
    id: int
    title: str
    force: str
    as_of: date
    partners: list[str]
    full: bool  # the caller sees the full version and every section


class SectionOut(Schema):
    key: str
    title: str
    writer: str
    text: str | None
    written_at: datetime | None
    signed_off: bool
    mine: bool


class ProfileDetailOut(ProfileOut):
    sections: list[SectionOut]
    versions: list[int]


class TextIn(Schema):
    text: str
    audience: str = "all"


class CommentIn(Schema):
    text: str


class IssueIn(Schema):
    as_of: date | None = None


class VersionOut(Schema):
    id: int
    profile_id: int
    number: int
    audience: str | None
    status: str
    as_of: date
    issued_at: datetime | None
    content: dict[str, Any]
    diff: list[dict[str, Any]]


class VersionRef(Schema):
    id: int
    number: int
    audience: str | None
    status: str


class WithdrawIn(Schema):
    reason: str
