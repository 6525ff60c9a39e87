"""GOV.UK Design System markup for Django forms, badges and pagination."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms, template
from django.http import QueryDict
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html

from socmap.apps.core.web import url_for
from socmap.model.ids import short_entity_id
from socmap.model.loader import schema_words

register = template.Library()


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    # Django's CheckboxSelectMultiple is a RadioSelect subclass: ask for it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    return "input"


@register.inclusion_tag("core/_field.html")
def govuk_field(field: forms.BoundField, label_size: str = "s", width: str = "") -> dict[str, Any]:
    kind = _kind(field)
    input_type = getattr(field.field.widget, "input_type", "text")
    return {
        "field": field,
        "kind": kind,
        "input_type": input_type,
        "label_size": label_size,
        "width": width,
        "value": _value(field) if kind not in ("password", "file") else "",
        "choices": list(field.field.widget.choices) if hasattr(field.field.widget, "choices") else [],
        "selected": _selected(field),
        "autocomplete": field.field.widget.attrs.get("autocomplete", ""),
        "describedby": " ".join(
            p
            for p in (
                f"{field.auto_id}-hint" if field.help_text else "",
                f"{field.auto_id}-error" if field.errors else "",
            )
            if p
        ),
    }


def _value(field: forms.BoundField) -> Any:
    value = field.value()
    # HTML date inputs need ISO dates, whatever the display format.
    return value.isoformat() if isinstance(value, date) else value


def _selected(field: forms.BoundField) -> set[str]:
    value = field.value()
    if value is None:
        return set()
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return {str(value)}


@register.inclusion_tag("core/_error_summary.html")
def govuk_error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            errors.append({"href": "", "message": str(message)})
        for name, messages in form.errors.items():
            if name == "__all__":
                continue
            auto_id = form[name].auto_id if name in form.fields else ""
            errors.extend({"href": f"#{auto_id}", "message": str(m)} for m in messages)
    return {"errors": errors}


@register.simple_tag
def grading_badge(grading: str = "", handling: str = "", conditions: str = "") -> str:
    """A value's grading and handling code as a tag; code C with its handling conditions beside it.
    Written here, not by a template: a person page shows hundreds (a template each took 40 ms)."""
    badge = format_html(
        '<strong class="govuk-tag govuk-tag--grey socmap-badge-grading" title="Grading {}, handling code {}">'
        "{}{}</strong>",
        grading,
        handling,
        f"{grading} " if grading else "",
        handling,
    )
    details = ""
    if handling == "C" and conditions:
        details = format_html(
            '\n<details class="govuk-details govuk-!-margin-bottom-0 govuk-!-margin-top-1"><summary '
            'class="govuk-details__summary"><span class="govuk-details__summary-text">Handling conditions'
            '</span></summary><div class="govuk-details__text">{}</div></details>',
            linebreaksbr(conditions, autoescape=True),
        )
    return format_html("{}{}\n", badge, details)


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int, param: str = "page", anchor: str = "") -> str:
    """This address with page ``number`` of the list paged by ``param`` (other lists keep their page)."""
    request = context["request"]
    query: QueryDict = request.GET.copy()
    query[param] = str(number)
    return "?" + urlencode(sorted(query.lists()), doseq=True) + (f"#{anchor}" if anchor else "")


@register.inclusion_tag("core/_pagination.html", takes_context=True)
def govuk_pagination(
    context: dict[str, Any], page: Any, param: str = "page", anchor: str = ""
) -> dict[str, Any]:
    """Pagination links for ``page``; a page showing two lists names each list's query ``param``."""
    numbers = [n for n in range(1, page.pages + 1) if n in (1, page.pages) or abs(n - page.number) <= 2]
    items: list[int | None] = []
    for n in numbers:
        if items and isinstance(items[-1], int) and n - items[-1] > 1:
            items.append(None)
        items.append(n)
    return {"page": page, "items": items, "request": context["request"], "param": param, "anchor": anchor}


@register.filter
def filesize(value: int) -> str:
    size = float(value)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(value)


@register.filter
def field_label(name: str) -> str:
    """A property name as a person reads it: "birth_date" -> "Birth date"."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def schema_label(name: str) -> str:
    """A schema's name as a person reads it: "IntelligenceReport" -> "Intelligence report"."""
    return field_label(schema_words(str(name)))


@register.filter
def link_label(name: str) -> str:
    """A link type of the network model as a person reads it: "co_arrested" -> "Co-arrest",
    "uses_phone" -> "Shared phone" (the words the group proposals use), else its words."""
    from socmap.engines.network.proposals import LABELS

    words = LABELS.get(str(name))
    if words is None:
        return field_label(name)
    text = words if words.startswith("co-") else words.replace("-", " ")
    return text[:1].upper() + text[1:]


@register.filter
def entity_url(entity_id: object) -> str:
    """The page of an entity (a person and their records): ``{% url 'resolution:entity' id %}``."""
    return url_for("resolution:entity", entity_id)


@register.filter
def record_url(record_id: object) -> str:
    """The page of a record: ``{% url 'intel:record_detail' id %}``."""
    return url_for("intel:record_detail", record_id)


@register.filter
def uk_date(value: object) -> str:
    """A date stored as ISO text, as the house style writes dates: "2007-03-16" -> "16 Mar 2007",
    "2007-03" -> "Mar 2007"; a year, or anything else, as it is."""
    text = str(value or "").strip()
    parts = text.split("-")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            day = date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{day.day} {day:%b %Y}"
        if len(parts) == 2 and len(parts[0]) == 4:
            return f"{date(int(parts[0]), int(parts[1]), 1):%b %Y}"
    except ValueError:
        return text
    return text


@register.filter
def short_id(value: object) -> str:
    """An entity id as people read it (see ``socmap.model.ids``)."""
    return short_entity_id(value)


@register.filter
def audit_object(event: Any) -> str:
    """What an audit event is about, in words."""
    from socmap.apps.core.audit import object_words

    return object_words(event)


@register.filter
def audit_detail(event: Any) -> str:
    """An audit event's detail as words, not a dictionary."""
    from socmap.apps.core.audit import detail_words

    return detail_words(event.detail)


@register.simple_tag(takes_context=True)
def panels(context: Any, page: str, obj: Any) -> str:
    """The panels other apps add to this page (see ``socmap.apps.core.panels``), rendered in order."""
    from django.template.loader import render_to_string
    from django.utils.html import format_html_join

    from socmap.apps.core.panels import panels_for

    request = context.get("request")
    viewer = getattr(request, "user", None)
    parts = [
        render_to_string(template, panel_context, request=request)
        for template, panel_context in panels_for(page, viewer=viewer, obj=obj)
    ]
    return format_html_join("", "{}", ((part,) for part in parts))  # each rendered by its template
