from __future__ import annotations

from django import forms

from socmap.apps.resolution.models import Decision, RunKind


class JudgeForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Decision.MATCH, "Same person"),
            (Decision.NO_MATCH, "Not the same"),
            (Decision.UNSURE, "Unsure"),
        ],
        error_messages={"required": "Choose same person, not the same, or unsure"},
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed for 'not the same' and when you overturn the model",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class UndoForm(forms.Form):
    judgement = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why undo this decision?",
        error_messages={"required": "Say why the decision is undone"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class RunForm(forms.Form):
    kind = forms.ChoiceField(choices=RunKind.choices, initial=RunKind.INCREMENTAL, label="What to resolve")
    retrain = forms.BooleanField(required=False, label="Retrain the model on the current records first")
