"""Forms of the partnership pages. Choices are built by the view for the viewer; the services check
everything again and name the field of any problem."""

from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.core.models import Handling, OrganisationKind, PartnerType, Role
from socmap.apps.lifetime.forms import date_field
from socmap.apps.partnership.models import Concern, Outcome, Seniority


def _set(form: forms.Form, name: str, choices: list[tuple[str, str]], blank: str = "") -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = ([("", blank)] if blank else []) + choices


def reason_field(label: str = "Reason") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Enter a reason"},
    )


class ProposalForm(forms.Form):
    provider = forms.ChoiceField(
        label="Organisation that shares its items", error_messages={"required": "Choose the provider"}
    )
    recipient = forms.ChoiceField(
        label="Organisation that receives them", error_messages={"required": "Choose the recipient"}
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(
        label="Legal basis",
        max_length=300,
        required=False,
        help_text="For example Crime and Disorder Act 1998 s115, DPA 2018 Part 3, "
        "or a data-sharing agreement reference",
    )
    compartments = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False)
    includes_general = forms.BooleanField(
        label="Also share items in no compartment (general items)", required=False
    )
    handling_codes = forms.MultipleChoiceField(
        label="Handling codes", choices=Handling.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="Required for handling code C"
    )
    valid_from = date_field("Start date", required=False)
    valid_to = date_field("End date", required=False)
    review_on = date_field("Review date", required=False)

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[str, str]],
        compartments: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set(self, "provider", organisations, "Choose")
        _set(self, "recipient", organisations, "Choose")
        _set(self, "compartments", compartments)


class ReasonForm(forms.Form):
    reason = reason_field()


class RenewForm(forms.Form):
    valid_to = date_field("New end date")
    review_on = date_field("Review date", required=False)


class MeetingForm(forms.Form):
    held_on = date_field("Date of the meeting")
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)


class AttendanceForm(forms.Form):
    organisation = forms.ChoiceField(
        label="Member organisation", error_messages={"required": "Choose the organisation"}
    )
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name"})
    seniority = forms.ChoiceField(
        label="Level of seniority",
        choices=Seniority.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level of seniority"},
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set(self, "organisation", organisations, "Choose")


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the decision"},
    )
    information_sharing = forms.BooleanField(label="This is an information-sharing decision", required=False)


class BoardActionForm(forms.Form):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the action"},
    )
    owner_organisation = forms.ChoiceField(
        label="Owning organisation", error_messages={"required": "Choose the owner"}
    )
    due_on = date_field("Due date")

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set(self, "owner_organisation", organisations, "Choose")


class ReferralForm(forms.Form):
    arrangement = forms.ChoiceField(
        label="Multi-agency arrangement", error_messages={"required": "Choose the arrangement"}
    )
    to_organisation = forms.ChoiceField(
        label="Refer to", error_messages={"required": "Choose the organisation"}
    )
    concern = forms.ChoiceField(
        label="Concern",
        choices=Concern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the concern"},
    )
    subject = forms.CharField(
        label="Person referred", max_length=200, error_messages={"required": "Name the person"}
    )
    summary = forms.CharField(
        label="What is the concern?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the concern is"},
    )
    entity_id = forms.CharField(label="Person in intelligence (entity id)", required=False, max_length=80)
    threat_id = forms.IntegerField(label="Threat number", required=False, min_value=1)
    ocg_id = forms.IntegerField(label="Group number", required=False, min_value=1)

    def __init__(
        self,
        *args: Any,
        arrangements: list[tuple[str, str]],
        organisations: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set(self, "arrangement", arrangements, "Choose")
        _set(self, "to_organisation", organisations, "Choose")


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    outcome_on = date_field("Date of the outcome")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role"},
    )
    reason = reason_field()


class UserNewForm(forms.Form):
    username = forms.CharField(max_length=150, error_messages={"required": "Enter a username"})
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    organisation = forms.ChoiceField(error_messages={"required": "Choose the organisation"})
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role"},
    )
    password = forms.CharField(
        widget=forms.PasswordInput,
        error_messages={"required": "Enter a first password"},
        help_text="The person changes it; they enrol a two-factor device at first sign-in",
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set(self, "organisation", organisations, "Choose")


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the name"})
    kind = forms.ChoiceField(
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind"},
    )
    partner_type = forms.ChoiceField(
        label="Partner type", choices=[("", "Not a partner agency"), *PartnerType.choices], required=False
    )
    code = forms.CharField(max_length=8, required=False, help_text="Short prefix used in references, e.g. GL")
    reason = reason_field()


class CompartmentForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Enter a name"})
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
