from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.core.measures import measure_list
from socmap.apps.core.models import User
from socmap.apps.inspections.models import ActionStatus, EvidenceKind, FindingKind, Rag
from socmap.engines.inspections import KNOWN_STATUSES


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    """A choice field whose options are known only when the form is built for a viewer."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


DATE = forms.DateInput(attrs={"type": "date"})
DATE_ERRORS = {"invalid": "Enter a real date, like 2026-03-27", "required": "Enter a date"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input: a list of uploads, each checked like a single file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


MAX_FILES = 100  # Django refuses more files in one request (DATA_UPLOAD_MAX_NUMBER_FILES)
MAX_TOTAL_BYTES = 20_000_000  # a page is a few kilobytes: more than this at once is not a register


class ImportForm(forms.Form):
    pages = MultipleFileField(
        required=False,
        label="Pages saved as text files",
        help_text="One or more inspectorate recommendation pages, each with its [on]…[/on] timeline. "
        f"Up to {MAX_FILES} files at once; each is imported, or refused, on its own.",
    )
    text = forms.CharField(
        required=False, label="Or paste the page text", widget=forms.Textarea(attrs={"rows": 8})
    )
    subject = forms.ChoiceField(required=False, label="Force or unit the findings are about")

    def __init__(self, *args: Any, subjects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "subject").choices = [
            ("", "Work it out from each page (a page made to every force needs none)"),
            *subjects,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("pages") and not (data.get("text") or "").strip():
            self.add_error("pages", "Choose a file or paste the page text")
        pages = data.get("pages") or []
        if len(pages) > MAX_FILES:
            self.add_error("pages", f"Choose at most {MAX_FILES} files at once")
        total = sum(page.size or 0 for page in pages)
        if total > MAX_TOTAL_BYTES:
            self.add_error(
                "pages",
                f"The files come to {total // 1_000_000:,} MB; "
                f"import at most {MAX_TOTAL_BYTES // 1_000_000} MB at once",
            )
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it withdrawn?",
        help_text="For example: imported the wrong force's page. The finding is kept, marked withdrawn.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason for withdrawing it"},
    )


class FindingFilterForm(forms.Form):
    subject = forms.ChoiceField(required=False, label="Force or unit")
    kind = forms.ChoiceField(choices=[("", "Any"), *FindingKind.choices], required=False, label="Type")
    status = forms.ChoiceField(required=False)
    text = forms.CharField(required=False, label="Text or reference")

    def __init__(
        self, *args: Any, statuses: list[str], subjects: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "status").choices = [
            ("", "Any"),
            ("open", "Open"),
            ("closed", "Closed"),
            ("withdrawn", "Withdrawn"),
        ] + [(s, s.replace("-", " ").capitalize()) for s in statuses]
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
