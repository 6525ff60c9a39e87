from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.assessment.models import Level, Status, ThreatKind
from socmap.apps.assessment.services import CONFIDENCE
from socmap.apps.core.models import Handling
from socmap.apps.network.models import Theme
from socmap.engines import assess


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class ThreatFilterForm(forms.Form):
    theme = forms.ChoiceField(choices=[("", "Any"), *Theme.choices], required=False)
    band = forms.ChoiceField(required=False)
    force = forms.ChoiceField(required=False, label="Force or unit")
    status = forms.ChoiceField(choices=[("", "Any"), *Status.choices], required=False)
    kind = forms.ChoiceField(
        choices=[("", "Any"), *ThreatKind.choices], required=False, label="What is assessed"
    )

    def __init__(
        self, *args: Any, forces: list[tuple[str, str]], bands: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "force").choices = [("", "Any"), *forces]
        _choice(self, "band").choices = [("", "Any"), *bands]


class ThreatForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you assessing?",
        choices=ThreatKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are assessing"},
    )
    ocg = forms.ChoiceField(label="Organised crime group", required=False)
    individual = forms.ChoiceField(label="Priority Individual", required=False)
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        help_text="For a group or a person, leave empty to use its name",
    )
    theme = forms.ChoiceField(
        label="Theme", choices=[("", "Choose a theme"), *Theme.choices], required=False,
        help_text="For a group, leave empty to use the theme its events suggest",
    )  # fmt: skip
    level = forms.ChoiceField(
        label="Level", choices=Level.choices, widget=forms.RadioSelect, initial=Level.FORCE
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    handling = forms.ChoiceField(
        label="Handling code", choices=[("", "As the group or person (P for a thematic threat)"),
                                        *Handling.choices],
        widget=forms.RadioSelect, initial="", required=False,
        help_text="A group's or a person's threat is never seen more widely than its subject",
    )  # fmt: skip
    conditions = forms.CharField(
        label="Handling conditions", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    compartment = forms.ChoiceField(label="Compartment", required=False)

    def __init__(
        self,
        *args: Any,
        ocgs: list[tuple[str, str]],
        individuals: list[tuple[str, str]],
        compartments: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "ocg").choices = [("", "Choose a group"), *ocgs]
        _choice(self, "individual").choices = [("", "Choose a person"), *individuals]
        _choice(self, "compartment").choices = [
            ("as-subject", "As the group or person (none for a thematic threat)"),
            ("", "None (general)"),
            *compartments,
        ]
        self.fields["compartment"].initial = "as-subject"


class AssessmentForm(forms.Form):
    """One value and one rationale per dimension of the model, then confidence, summary and sources."""

    confidence = forms.ChoiceField(
        label="How confident are you in this assessment overall?",
        choices=list(CONFIDENCE.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    summary = forms.CharField(
        label="Summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    sources = forms.CharField(
        label="Sources cited",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: record:123, entity:<id>, ocg:4, individual:7 or document:12",
    )

    def __init__(
        self, *args: Any, model: assess.ScoringModel, suggestions: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        self.suggestions = suggestions or {}
        for key, dim in model.dimensions.items():
            # Required-ness is the service's to decide: a draft may be saved half done.
            self.fields[f"value_{key}"] = forms.ChoiceField(
                label=dim.label,
                choices=[(str(p.value), f"{p.value} – {p.label}") for p in dim.scale],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"rationale_{key}"] = forms.CharField(
                label=f"Why {dim.label.lower()} is this value",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
            )

    def clean(self) -> dict[str, Any]:
        # Values outside a scale reach the service as typed, so the refusal names the scale.
        data = super().clean() or {}
        for key in self.model.dimensions:
            name = f"value_{key}"
            if name in self.errors and self.data.get(name):
                del self.errors[name]
                data[name] = self.data.get(name)
        return data

    def factor_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "dimension": dim,
                "value": self[f"value_{key}"],
                "rationale": self[f"rationale_{key}"],
                "suggestion": self.suggestions.get(key),
            }
            for key, dim in self.model.dimensions.items()
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("return", "Return for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or return"},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Required when you return it: say what needs to change",
    )
