from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from socmap.apps.core.models import AuditAction, Compartment, Handling
from socmap.apps.core.purpose import MAX_LENGTH


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is disabled. Contact your administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class TwoFactorForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now",
        max_length=6,
        min_length=6,
        error_messages={"required": "Enter the 6-digit code", "min_length": "The code has 6 digits"},
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The code is 6 digits, with no letters or spaces")
        return token


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label="Why are you using socmap now?",
        help_text="For example an operation name, a tasking reference or an enquiry. It is logged with "
        "every record you consult.",
        max_length=MAX_LENGTH,
        error_messages={"required": "Enter your purpose of access"},
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class DocumentUploadForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    file = forms.FileField(error_messages={"required": "Choose a file to upload"})
    handling = forms.ChoiceField(
        choices=Handling.choices, widget=forms.RadioSelect, initial=Handling.P, label="Handling code"
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Required for handling code C; the conditions travel with the document",
    )
    compartment = forms.ModelChoiceField(
        queryset=Compartment.objects.all(),
        required=False,
        empty_label="None (general)",
        help_text="Only organisations with an agreement naming this compartment will see it",
    )


class JustificationForm(forms.Form):
    justification = forms.CharField(
        label="Why are you exporting this?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter a justification for the export"},
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(choices=[("", "Any"), *AuditAction.choices], required=False)
    actor = forms.CharField(required=False, label="User")
    organisation = forms.CharField(required=False)
    object_type = forms.CharField(required=False, label="Object type", help_text="For example core.document")
    object_id = forms.CharField(required=False, label="Object id")
    text = forms.CharField(required=False, label="Text in object or justification")
    request_id = forms.CharField(required=False, label="Request id")
    date_from = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, like 2026-03-27"},
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, like 2026-03-27"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date")
        return data


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="So you can recognise it later, for example 'nightly ingest script'",
        error_messages={"required": "Enter a name for the token"},
    )
