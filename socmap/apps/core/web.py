"""What every app's views share: service errors shown on a form, the page number of a list, a safe
``next`` address, the one way to export a CSV (ask why, then stream, audited by the reader), and
addresses of pages linked a thousand times on one page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from urllib.parse import quote

from django import forms as djforms
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS, url_has_allowed_host_and_scheme

from socmap.apps.core.forms import JustificationForm
from socmap.apps.core.refusal import refusal_settle
from socmap.errors import SocmapError


def apply_errors(form: djforms.Form, exc: SocmapError) -> None:
    """Show a service's field errors beside the form's own fields, the rest in the summary.

    A refusal shown this way is still a refusal: it is logged like one that reaches the error page.
    """
    refusal_settle(exc)
    placed = False
    for name, msgs in exc.fields.items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The ``next`` a form or link asks for, when it stays on this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def justified_csv_export(
    request: HttpRequest,
    *,
    what: str,
    filename: str,
    lines: Callable[[str], Iterator[str]],
    filter_form: djforms.Form | None = None,
) -> HttpResponseBase:
    """Every CSV export: ask why, then stream the file; ``lines`` audits the export with that reason."""
    form = JustificationForm(request.POST or None)
    filters_ok = filter_form is None or not filter_form.is_bound or filter_form.is_valid()
    if request.method == "POST" and form.is_valid() and filters_ok:
        try:
            body = lines(form.cleaned_data["justification"])
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    return render(
        request,
        "core/export.html",
        {"form": form, "filter_form": filter_form, "what": what, "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )


def page_number(request: HttpRequest, param: str = "page") -> int:
    """The ?page= (or ``param``) of a paginated list; anything that is not a positive number is page 1."""
    try:
        return max(1, int(request.GET.get(param) or 1))
    except ValueError:
        return 1


_MARKER = "918273645"  # digits: fits a view's int and str arguments alike


@lru_cache(maxsize=64)
def _url_parts(name: str, prefix: str) -> tuple[str, str]:
    """The address of view ``name`` around its one argument, reversed once per script prefix."""
    del prefix  # part of the cache key: ``reverse`` reads it itself
    before, after = reverse(name, args=[_MARKER]).split(_MARKER)
    return before, after


def url_for(name: str, arg: object) -> str:
    """``reverse(name, args=[arg])`` for a view of one argument, without resolving the pattern each
    time: the group and explorer pages link every node and link (a thousand reversals, 60 ms)."""
    before, after = _url_parts(name, get_script_prefix())
    return f"{before}{quote(str(arg), safe=RFC3986_SUBDELIMS + '/~:@')}{after}"
