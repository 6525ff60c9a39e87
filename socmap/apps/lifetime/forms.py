"""Forms of lifetime management. Dates are accepted as people type them (3/3/2024, 3 Mar 24,
2024-03-03); choices are built for the viewer (the people a plan manages that they may see, the
organisations and officers they may pick)."""

from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.core.models import Handling
from socmap.apps.lifetime.models import (
    ActionStatus,
    Activity,
    DisruptionStatus,
    Impact,
    OrderStatus,
    P,
    PowerStatus,
)
from socmap.apps.workforce.models import Course
from socmap.engines.lifetime import PERIODS

DATE_FORMATS = [
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d %b %Y",
    "%d %b %y",
    "%d %B %Y",
    "%d %B %y",
    "%d-%m-%Y",
]
DATE_HINT = "For example, 27/03/2026 or 27 Mar 2026"


def date_field(label: str, *, required: bool = True, hint: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=hint,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        error_messages={
            "invalid": f"Enter a real date. {DATE_HINT}",
            "required": f"Enter the {label.lower()}",
        },
    )


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]], blank: str = "") -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = ([("", blank)] if blank else []) + choices


def documents_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Documents held as evidence",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Upload them under Documents first; only documents you may see are listed",
    )


def _text(label: str, *, required: bool = True, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=5000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower() + label[1:]}"},
    )


class AssignForm(forms.Form):
    lro = forms.ChoiceField(label="Lead responsible officer")
    deputy = forms.ChoiceField(label="Deputy", required=False)
    reason = _text("Reason for the change")

    def __init__(
        self, *args: Any, lros: list[tuple[str, str]], deputies: list[tuple[str, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        _choices(self, "lro", lros, "Choose an officer")
        _choices(self, "deputy", deputies, "No deputy")


class ActionForm(forms.Form):
    p = forms.ChoiceField(label="4P", choices=P.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="What will be done", max_length=300)
    description = _text("Details", required=False)
    owner_kind = forms.ChoiceField(
        label="Owned by",
        choices=[("person", "A person"), ("organisation", "A partner organisation")],
        widget=forms.RadioSelect,
        initial="person",
    )
    owner_person = forms.ChoiceField(label="Person", required=False)
    owner_organisation = forms.ChoiceField(label="Partner organisation", required=False)
    due_on = date_field("Due date")

    def __init__(
        self, *args: Any, people: list[tuple[str, str]], organisations: list[tuple[str, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        _choices(self, "owner_person", people, "Choose a person")
        _choices(self, "owner_organisation", organisations, "Choose an organisation")


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)
    outcome = _text("Outcome", required=False)
    evidence = _text("Evidence", required=False, help_text="Where the evidence is held, or what it shows")


class ConsiderationForm(forms.Form):
    item = forms.ChoiceField(label="Order or power")
    reason = _text("Considered, not used, because", help_text="Say why it is not used for this plan")

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "item", items, "Choose an order or power")


class ReviewForm(forms.Form):
    summary = _text("What the review found", rows=5)
    reviewed_on = date_field("Date of the review", required=False, hint=f"Leave blank for today. {DATE_HINT}")


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label="Order")
    entity_id = forms.ChoiceField(label="Against")
    status = forms.ChoiceField(label="Stage", choices=OrderStatus.choices[:4])
    applicant = forms.ChoiceField(label="Applied for by", required=False)
    court = forms.ChoiceField(label="Court", required=False)
    applied_on = date_field("Date applied for", required=False)
    decided_on = date_field("Date the court decided", required=False)
    starts_on = date_field("Date it starts", required=False)
    ends_on = date_field("Date it ends", required=False, hint=f"Blank for 'until further order'. {DATE_HINT}")
    amount = forms.DecimalField(
        label="Amount (£)",
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=14,
        help_text="The value of the property (UWO) or the sum in the account (AFO)",
    )
    under_18 = forms.BooleanField(label="The person was under 18 when the order was made", required=False)
    conditions_text = _text("Prohibitions and requirements", required=False)
    note = _text("Note", required=False)
    documents = documents_field()

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        people: list[tuple[str, str]],
        applicants: list[str],
        courts: list[str],
        documents: list[tuple[str, str]] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        _choices(self, "documents", documents or [])
        _choices(self, "kind", kinds, "Choose an order")
        _choices(self, "entity_id", people, "Choose a person")
        _choices(self, "applicant", [(a, a) for a in applicants], "Not yet applied for")
        _choices(self, "court", [(c, c) for c in courts], "Not yet decided")


class OrderStepForm(forms.Form):
    status = forms.ChoiceField(label="What happened", widget=forms.RadioSelect)
    on = date_field("Date it happened")
    court = forms.ChoiceField(label="Court", required=False)
    ends_on = date_field("New end date", required=False, hint=f"Only if it changed. {DATE_HINT}")
    conditions_text = _text("Prohibitions and requirements now", required=False)
    note = _text("What happened", required=False)

    def __init__(self, *args: Any, steps: list[tuple[str, str]], courts: list[str], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "status", steps)
        _choices(self, "court", [(c, c) for c in courts], "No change")


class PowerForm(forms.Form):
    power = forms.ChoiceField(label="Partner power")
    partner = forms.ChoiceField(label="Partner organisation")
    entity_id = forms.ChoiceField(label="About", required=False)
    requested_on = date_field("Date asked for")
    outcome = _text("Notes", required=False)

    def __init__(
        self,
        *args: Any,
        powers: list[tuple[str, str]],
        partners: list[tuple[str, str]],
        people: list[tuple[str, str]],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        _choices(self, "power", powers, "Choose a power")
        _choices(self, "partner", partners, "Choose a partner")
        _choices(self, "entity_id", people, "The whole group")


class PowerUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=PowerStatus.choices, widget=forms.RadioSelect)
    outcome = _text("Outcome", required=False)


class CustodyForm(forms.Form):
    entity_id = forms.ChoiceField(label="Person")
    establishment = forms.CharField(max_length=200, required=False)
    prison_number = forms.CharField(max_length=20, required=False)
    received_on = date_field("Date received into custody", required=False)
    expected_release_on = date_field("Expected release", required=False)
    released_on = date_field("Released on", required=False, hint=f"Only once released. {DATE_HINT}")
    licence_conditions = _text("Licence conditions", required=False)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "entity_id", people, "Choose a person")


class ReleaseForm(forms.Form):
    released_on = date_field("Released on", required=False)
    licence_conditions = _text("Licence conditions", required=False)


class DisruptionForm(forms.Form):
    on = date_field("Date of the disruption")
    p = forms.ChoiceField(label="4P", choices=P.choices, widget=forms.RadioSelect)
    activity = forms.ChoiceField(label="Activity", choices=[("", "Choose an activity"), *Activity.choices])
    description = _text("What was done")
    drugs = forms.CharField(
        label="Drugs seized", required=False, max_length=120, help_text="For a seizure of drugs"
    )
    drugs_grams = forms.DecimalField(
        label="Weight of drugs (grams)", required=False, min_value=0, max_digits=12, decimal_places=1
    )
    cash_pounds = forms.DecimalField(
        label="Cash seized (£)", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    firearms = forms.IntegerField(label="Firearms seized", required=False, min_value=0)
    ammunition = forms.IntegerField(label="Rounds of ammunition seized", required=False, min_value=0)
    impact = forms.ChoiceField(label="Impact", choices=Impact.choices, widget=forms.RadioSelect)
    evidence = _text("Evidence of the impact")
    rationale = _text("Why the impact is rated so")
    archived_reason = _text("Why record it against an archived group", required=False)
    handling = forms.ChoiceField(
        label="Handling code", choices=[("", "As the plan"), *Handling.choices], required=False
    )
    documents = documents_field()

    def __init__(self, *args: Any, documents: list[tuple[str, str]] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "documents", documents or [])


class ValidateForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("validate", "Validate"), ("return", "Return to the recorder")], widget=forms.RadioSelect
    )
    note = _text("Comment", required=False, help_text="Needed when returning it")


class DisruptionFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any"), *DisruptionStatus.choices], required=False)
    force = forms.ChoiceField(required=False, label="Force or unit")
    p = forms.ChoiceField(choices=[("", "Any"), *P.choices], required=False, label="4P")
    impact = forms.ChoiceField(choices=[("", "Any"), *Impact.choices], required=False)

    def __init__(self, *args: Any, forces: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "force", forces, "Any")


class ReturnForm(forms.Form):
    date_from = date_field("From")
    date_to = date_field("To")
    period = forms.ChoiceField(
        choices=[
            (p, {"whole": "The whole period", "quarter": "By quarter", "month": "By month"}[p])
            for p in PERIODS
        ],
        required=False,
        label="Count",
    )
    force = forms.ChoiceField(required=False, label="Force or unit")

    def __init__(self, *args: Any, forces: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "force", forces, "Every force (the region)")


class TrainingForm(forms.Form):
    person = forms.ChoiceField(label="Officer")
    course = forms.ChoiceField(choices=Course.choices, initial=Course.LRO)
    passed_on = date_field("Date passed")
    expires_on = date_field("Expiry", required=False, hint=f"Blank when it does not expire. {DATE_HINT}")

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "person", people, "Choose an officer")
