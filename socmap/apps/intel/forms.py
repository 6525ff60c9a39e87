from __future__ import annotations

from typing import Any

from django import forms


class UploadForm(forms.Form):
    source = forms.ChoiceField(
        label="Source", error_messages={"required": "Choose the source this extract is from"}
    )
    file = forms.FileField(
        label="Extract",
        help_text="CSV, XLSX or JSON lines, as the source system exports it",
        error_messages={"required": "Choose a file to upload"},
    )

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a source"), *sources]


class SearchForm(forms.Form):
    name = forms.CharField(required=False, max_length=200, help_text="Spelling and order need not be exact")
    birth_date = forms.CharField(
        required=False, max_length=10, label="Date of birth", help_text="YYYY-MM-DD, or YYYY-MM, or YYYY"
    )
    postcode = forms.CharField(required=False, max_length=10)
    phone = forms.CharField(required=False, max_length=30, label="Phone number")
    vrm = forms.CharField(required=False, max_length=12, label="Vehicle registration")

    def clean_birth_date(self) -> str:
        import re

        value: str = self.cleaned_data["birth_date"].strip()
        if value and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise forms.ValidationError("Enter a date of birth like 1990-03-27, 1990-03 or 1990")
        return value


class SourceForm(forms.Form):
    name = forms.SlugField(
        max_length=80, help_text="Short name used by commands, e.g. intel-dorset", label="Name"
    )
    title = forms.CharField(max_length=200, label="Title")
    kind = forms.ChoiceField(label="Kind of source")
    handling = forms.ChoiceField(label="Handling")
    conditions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Handling conditions"
    )
    retention_days = forms.IntegerField(
        min_value=1, max_value=36_500, initial=6 * 365, label="Keep records for (days)"
    )
    mapping_name = forms.ChoiceField(
        label="Mapping", help_text="A FollowTheMoney source needs no mapping: ftm.yaml"
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], handlings: list[tuple[str, str]],
                 mappings: list[str], **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("kind", kinds),
            ("handling", handlings),
            ("mapping_name", [(m, m) for m in mappings]),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class MappingUploadForm(forms.Form):
    mapping = forms.FileField(
        required=False,
        label="Mapping file (YAML)",
        help_text="Checked now: file, line and reason for each problem",
    )
    sample = forms.FileField(
        required=False,
        label="Sample extract",
        help_text="The first rows are mapped to preview; nothing is stored",
    )
