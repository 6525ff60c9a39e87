from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.network.models import OCGStatus, Theme

DATE = forms.DateInput(attrs={"type": "date"})
MAX_HOPS = 4


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class OCGFilterForm(forms.Form):
    force = forms.ChoiceField(required=False, label="Force")
    theme = forms.ChoiceField(choices=[("", "Any"), *Theme.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *OCGStatus.choices], required=False)
    text = forms.CharField(required=False, label="Name or reference", max_length=100)

    def __init__(self, *args: Any, forces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "force").choices = [("", "Any"), *forces]


class AssessForm(forms.Form):
    name = forms.CharField(label="Name of the group", required=False, max_length=200)
    assessment = forms.CharField(
        label="Assessment",
        help_text="Why this is (or is not) an organised crime group, from the evidence",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why this is an organised crime group"},
    )


class AdoptForm(forms.Form):
    lead_force = forms.ChoiceField(label="Lead force", error_messages={"required": "Choose the lead force"})
    lro = forms.ChoiceField(
        label="Lead responsible officer (LRO)", error_messages={"required": "Choose the LRO"}
    )
    compartment = forms.ChoiceField(label="Compartment (optional)", required=False)

    def __init__(
        self,
        *args: Any,
        forces: list[tuple[str, str]],
        lros: list[tuple[str, str]],
        compartments: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "lead_force").choices = [("", "Choose a force"), *forces]
        _choice(self, "lro").choices = [("", "Choose an officer"), *lros]
        _choice(self, "compartment").choices = [("", "None (general)"), *compartments]


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is the group archived?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the group is archived"},
    )


class ExplorerForm(forms.Form):
    hops = forms.IntegerField(
        label="Hops",
        initial=1,
        min_value=1,
        max_value=MAX_HOPS,
        required=False,
        error_messages={
            "max_value": f"This page draws at most {MAX_HOPS} hops: choose fewer",
            "min_value": "Choose at least 1 hop",
            "invalid": "Enter a number of hops, like 2",
        },
    )
    link_types = forms.MultipleChoiceField(
        label="Link types", required=False, widget=forms.CheckboxSelectMultiple
    )
    since = forms.DateField(label="Seen since", required=False, widget=DATE)
    min_grading = forms.CharField(
        label="Minimum grading", required=False, max_length=3, help_text="For example 2B"
    )

    def __init__(self, *args: Any, link_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["link_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(t, t.replace("_", " ")) for t in link_types]
