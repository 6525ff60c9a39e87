"""The people search page: one row per person, the record search one click away."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socmap.apps.core.auth import viewer
from socmap.apps.core.purpose import current_purpose, purpose_required
from socmap.apps.core.web import apply_errors
from socmap.apps.intel import selectors as intel_selectors
from socmap.apps.resolution import search
from socmap.apps.resolution.search_terms import parse_birth_date
from socmap.errors import SocmapError


class PeopleSearchForm(forms.Form):
    name = forms.CharField(
        required=False, max_length=200, help_text="Spelling, order and nicknames need not be exact"
    )
    birth_date = forms.CharField(
        required=False,
        max_length=30,
        label="Date of birth",
        help_text="As you would write it: 15/09/1957, 15 Sep 1957, Sept 1957 or 1957",
    )
    postcode = forms.CharField(required=False, max_length=10)
    phone = forms.CharField(required=False, max_length=30, label="Phone number")
    vrm = forms.CharField(required=False, max_length=12, label="Vehicle registration")


def _records_link(query: search.PeopleQuery) -> str:
    """The same search in the record search (which takes a date of birth in ISO form)."""
    params = {k: getattr(query, k).strip() for k in ("name", "postcode", "phone", "vrm")}
    try:
        params["birth_date"] = parse_birth_date(query.birth_date).prefix if query.birth_date.strip() else ""
    except ValueError:
        params["birth_date"] = ""
    return urlencode({k: v for k, v in params.items() if v})


@login_required
@purpose_required
def people(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    form = PeopleSearchForm(request.GET or None)
    hits: list[search.PersonHit] | None = None
    query = search.PeopleQuery()
    if form.is_bound and form.is_valid():
        query = search.PeopleQuery(**form.cleaned_data)
        try:
            hits = search.people_search(viewer=user, query=query)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            intel_selectors.search_audit(
                actor=user,
                query=query,
                justification=current_purpose(request),
                results=len(hits),
                of="people",
            )
    return render(
        request,
        "resolution/search.html",
        {"form": form, "hits": hits, "limit": search.PEOPLE_LIMIT, "records_query": _records_link(query)},
        status=400 if form.is_bound and form.errors else 200,
    )
