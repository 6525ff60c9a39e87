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
