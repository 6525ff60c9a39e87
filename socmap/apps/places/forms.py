"""Forms of place-based operations: an operation with its area and phases, an activity, a measure."""

from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.places.models import ActivityKind, PhaseKind

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]
DATE_INVALID = "Enter a date like 2 March 2026 or 02/03/2026"


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS,
        error_messages={"invalid": DATE_INVALID, "required": f"Enter the {label.lower()}"},
    )  # fmt: skip


class OperationForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the operation's name"})
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    area = forms.CharField(
        label="Area", required=False,
        help_text="Postcode sectors (GL50 4) or districts (GL51), separated by commas",
    )  # fmt: skip
    clear_start = _date("Clear phase: first day", required=False)
    clear_end = _date("Clear phase: last day", required=False)
    hold_start = _date("Hold phase: first day", required=False)
    hold_end = _date("Hold phase: last day", required=False)
    build_start = _date("Build phase: first day", required=False)
    build_end = _date("Build phase: last day", required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label="Activity", choices=[("", "Choose an activity"), *ActivityKind.choices],
        error_messages={"required": "Choose an activity",
                        "invalid_choice": "Choose an activity from the list"},
    )  # fmt: skip
    phase = forms.ChoiceField(
        label="Phase", choices=[("", "The phase of its date"), *PhaseKind.choices], required=False,
        error_messages={"invalid_choice": "Choose a phase from the list"},
    )  # fmt: skip
    organisation = forms.ChoiceField(
        label="Owner organisation", error_messages={"required": "Choose the owner organisation"}
    )
    on = _date("Date")
    place = forms.CharField(max_length=200, error_messages={"required": "Enter where it took place"})
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = organisations


class MeasureForm(forms.Form):
    name = forms.CharField(
        label="What the measure counts", max_length=120,
        error_messages={"required": "Enter what the measure counts"},
    )  # fmt: skip
    month = _date("Month (any day of it)")
    value = forms.DecimalField(
        label="Figure", max_digits=12, decimal_places=2,
        error_messages={"required": "Enter the figure", "invalid": "Enter the figure as a number"},
    )  # fmt: skip
