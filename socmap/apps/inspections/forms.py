from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.core.measures import measure_list
from socmap.apps.core.models import Organisation, User
from socmap.apps.inspections.models import ActionStatus, EvidenceKind, FindingKind, Rag
from socmap.engines.inspections import KNOWN_STATUSES


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    """A choice field whose options are known only when the form is built for a viewer."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


DATE = forms.DateInput(attrs={"type": "date"})
DATE_ERRORS = {"invalid": "Enter a real date, like 2026-03-27", "required": "Enter a date"}


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="Page saved as a text file",
        help_text="The text of an inspectorate recommendation page, with its [on]…[/on] timeline",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,text/plain"}),
    )
    text = forms.CharField(
        required=False, label="Or paste the page text", widget=forms.Textarea(attrs={"rows": 8})
    )
    subject = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind__in=["force", "rocu"]),
        required=False,
        empty_label="Work it out from the page",
        label="Force or unit the finding is about",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            self.add_error("file", "Choose a file or paste the page text")
        return data


class FindingFilterForm(forms.Form):
    subject = forms.ChoiceField(required=False, label="Force or unit")
    kind = forms.ChoiceField(choices=[("", "Any"), *FindingKind.choices], required=False, label="Type")
    status = forms.ChoiceField(required=False)
    text = forms.CharField(required=False, label="Text or reference")

    def __init__(
        self, *args: Any, statuses: list[str], subjects: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "status").choices = [("", "Any"), ("open", "Open"), ("closed", "Closed")] + [
            (s, s.replace("-", " ").capitalize()) for s in statuses
        ]
        _choices(self, "subject").choices = [("", "Any"), *subjects]


class FindingEventForm(forms.Form):
    on = forms.DateField(label="Date", widget=DATE, error_messages=DATE_ERRORS)
    status = forms.ChoiceField(
        choices=[("", "No change"), *[(s, s.replace("-", " ").capitalize()) for s in KNOWN_STATUSES]],
        required=False,
    )
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    title = forms.CharField(
        max_length=300, label="What will be done", error_messages={"required": "Enter the action"}
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose an owner"}
    )
    due_on = forms.DateField(label="Due date", widget=DATE, error_messages=DATE_ERRORS)
    rag = forms.ChoiceField(
        choices=Rag.choices, widget=forms.RadioSelect, initial=Rag.AMBER, label="RAG rating"
    )
    findings = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Findings this action answers"
    )

    def __init__(self, *args: Any, owners: Any, findings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.get_full_name() or u.username} ({u.organisation})"
        )
        _choices(self, "findings").choices = findings


class LinkActionForm(forms.Form):
    action = forms.ChoiceField(label="Improvement action")

    def __init__(self, *args: Any, actions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "action").choices = actions


class ActionUpdateForm(forms.Form):
    text = forms.CharField(
        label="Progress",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what has happened"},
    )
    status = forms.ChoiceField(choices=ActionStatus.choices)
    rag = forms.ChoiceField(choices=Rag.choices, widget=forms.RadioSelect, label="RAG rating")


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(choices=EvidenceKind.choices, widget=forms.RadioSelect, label="Kind of evidence")
    measure = forms.ChoiceField(required=False, label="Live measure")
    url = forms.CharField(required=False, label="Link", max_length=500)
    document = forms.ChoiceField(required=False, label="Document")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, documents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "measure").choices = [
            ("", "Choose a measure"),
            *[(m.name, m.label) for m in measure_list()],
        ]
        _choices(self, "document").choices = [("", "Choose a document"), *documents]
