from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.profile.models import Audience
from socmap.apps.tasking.forms import PeopleDateField

DATE_HELP = "Enter a date like 2 March 2026 or 02/03/2026"


class ProfileForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    as_of = PeopleDateField(
        label="Figures as of", help_text="The date the figures are computed as of, e.g. 1 March 2026",
        error_messages={"required": "Enter the date the figures are as of", "invalid": DATE_HELP},
    )  # fmt: skip
    partners = forms.MultipleChoiceField(
        label="Partners writing with you", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Each writes the sections given to its kind of agency and receives its own version",
    )  # fmt: skip

    def __init__(self, *args: Any, partners: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partners"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = partners or []


class TextForm(forms.Form):
    text = forms.CharField(
        label="Narrative", widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000,
        help_text="Markdown: headings, lists, emphasis and links. HTML is shown as text, never run.",
        error_messages={"required": "Enter the section's text"},
    )  # fmt: skip
    audience = forms.ChoiceField(
        label="Who may read it", choices=Audience.choices, initial=Audience.ALL, widget=forms.RadioSelect,
        error_messages={"required": "Choose who may read it"},
    )  # fmt: skip


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"required": "Enter a comment"},
    )  # fmt: skip


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it withdrawn?", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"required": "Say why it is withdrawn"},
    )  # fmt: skip
