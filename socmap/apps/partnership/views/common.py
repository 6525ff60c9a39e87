"""What the partnership pages share: choices for the viewer, and one question-page renderer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socmap.apps.core import selectors as core
from socmap.apps.core.models import Organisation
from socmap.errors import InvalidInput


def organisation_choices(viewer: Any, ids: set[int] | None = None) -> list[tuple[str, str]]:
    orgs = core.organisation_list(viewer=viewer).order_by("name")
    return [(str(o.pk), o.name) for o in orgs if ids is None or o.pk in ids]


def pick_organisation(viewer: Any, value: str, field: str) -> Organisation | None:
    if not value:
        return None
    found = core.organisation_list(viewer=viewer).filter(pk=int(value)).first() if value.isdigit() else None
    if found is None:
        raise InvalidInput("Choose an organisation from the list", fields={field: ["Choose from the list"]})
    return found


def question(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    caption: str,
    button: str,
    intro: str = "",
    back: str = "",
    warning: bool = False,
) -> HttpResponse:
    """A GOV.UK question page: error summary, every field of the form, one button."""
    return render(
        request,
        "partnership/question.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "button": button,
            "intro": intro,
            "back": back,
            "warning": warning,
        },
        status=400 if form.errors else 200,
    )
