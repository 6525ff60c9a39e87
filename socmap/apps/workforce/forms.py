"""Forms of the register's pages: a person added to the register, a course they passed."""

from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.workforce.models import Course, PipLevel, SocRole

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]
DATE_INVALID = "Enter a date like 2 March 2026 or 02/03/2026"


def _date(label: str, required: bool = True, **kwargs: Any) -> forms.DateField:
    messages = {"invalid": DATE_INVALID, "required": f"Enter the {label.lower()}"}
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, error_messages=messages, **kwargs
    )


class MemberForm(forms.Form):
    first_name = forms.CharField(max_length=80, error_messages={"required": "Enter the first name"})
    last_name = forms.CharField(max_length=80, error_messages={"required": "Enter the last name"})
    role = forms.ChoiceField(
        label="SOC role", choices=[("", "Choose a role"), *SocRole.choices],
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role from the list"},
    )  # fmt: skip
    pip_level = forms.ChoiceField(
        label="Professionalising Investigation Programme level",
        choices=PipLevel.choices, initial=PipLevel.NONE,
        error_messages={"invalid_choice": "Choose a PIP level from the list"},
    )  # fmt: skip
    apprentice = forms.BooleanField(label="Recruited through the analytical apprenticeship", required=False)
    started_on = _date("Date started in the role")
    qualified_on = _date("Date qualified", required=False, help_text="Leave blank while still in training")
    post = forms.ChoiceField(label="Post", required=False)
    capability = forms.CharField(
        label="Tasking capability", required=False, max_length=60,
        help_text="The regional capability the person works in, if any (e.g. financial_investigation)",
    )  # fmt: skip
    team = forms.CharField(label="Team", required=False, max_length=60)
    tasking_hours = forms.DecimalField(
        label="Hours a week given to tasking", required=False, min_value=0, max_value=60,
        error_messages={"invalid": "Enter the hours as a number", "min_value": "At least 0",
                        "max_value": "At most 60"},
    )  # fmt: skip

    def __init__(self, *args: Any, posts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["post"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "No post (supernumerary)"), *posts]


class TrainingForm(forms.Form):
    course = forms.ChoiceField(
        choices=[("", "Choose a course"), *Course.choices],
        error_messages={"required": "Choose a course", "invalid_choice": "Choose a course from the list"},
    )
    passed_on = _date("Date passed")
    expires_on = _date("Expiry date", required=False, help_text="Leave blank when it does not expire")
