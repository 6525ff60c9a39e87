from __future__ import annotations

from typing import Any

from django import forms

from socmap.apps.tasking.models import DecisionKind, FairnessMode, FourP, Impact, MeetingLevel

SHARE_ERRORS = {"min_value": "At least 0 %", "max_value": "At most 100 %", "invalid": "Enter a number"}
DATE_HELP = "Enter a date like 2 March 2026"
# Dates as people type them: 2026-03-02, 02/03/2026, 2/3/26, 2 Mar 2026, 2 March 26.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y", "%d %b %y", "%d %B %y"]


class PeopleDateField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("error_messages", {"invalid": "Enter a date like 2 March 2026 or 02/03/2026"})
        super().__init__(**kwargs)


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class BidForm(forms.Form):
    threat = forms.ChoiceField(
        label="Which threat is the bid against?",
        help_text="Your force's assessed threats, highest score first",
        error_messages={"required": "Choose the threat the bid is against"},
    )
    capability = forms.ChoiceField(
        label="Which capability do you need?", error_messages={"required": "Choose a capability"}
    )
    first_week = PeopleDateField(
        label="First week it may start", help_text="Any day of the week, e.g. 2 March 2026",
        error_messages={"required": "Enter the first week it may start", "invalid": DATE_HELP},
    )  # fmt: skip
    last_week = PeopleDateField(
        label="Last week it may run in",
        error_messages={"required": "Enter the last week it may run in", "invalid": DATE_HELP},
    )  # fmt: skip
    weeks = forms.IntegerField(
        label="How many weeks does it need?", min_value=1, max_value=104,
        error_messages={"required": "Enter how many weeks it needs", "invalid": "Enter whole weeks"},
    )  # fmt: skip
    effort = forms.DecimalField(
        label="Effort a week",
        help_text="Teams for a team capability (one team works one operation at a time), or hours",
        error_messages={"required": "Enter the effort a week", "invalid": "Enter the effort as a number"},
    )
    outcome = forms.CharField(
        label="What outcome do you expect?", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"required": "Say what outcome you expect"},
    )  # fmt: skip
    impact = forms.ChoiceField(
        label="What disruption does it aim at?", choices=Impact.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the disruption the bid aims at"},
    )  # fmt: skip
    four_p = forms.ChoiceField(
        label="Which P of the 4P plan?", choices=FourP.choices, widget=forms.RadioSelect, initial=FourP.PURSUE
    )
    aim = forms.CharField(
        label="The disruption it aims at (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: charge the principal and close the line",
    )  # fmt: skip
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, threats: list[tuple[str, str]], capabilities: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "threat").choices = [("", "Choose a threat"), *threats]
        _choice(self, "capability").choices = [("", "Choose a capability"), *capabilities]


class OverrideForm(forms.Form):
    decision = forms.ChoiceField(
        label="The TCG's decision",
        choices=[("fund", "Fund this bid"), ("not_fund", "Do not fund this bid")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the TCG's decision"},
    )
    start_week = PeopleDateField(
        label="From the week of (optional)",
        required=False,
        help_text="Leave empty to let the allocation choose",
    )
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text="The force reads it with the decision",
        error_messages={"required": "Say why the TCG overrides the allocation"},
    )  # fmt: skip


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the bid withdrawn?", max_length=2000, error_messages={"required": "Enter a reason"}
    )


class FairnessForm(forms.Form):
    mode = forms.ChoiceField(label="Fairness rule", choices=FairnessMode.choices, widget=forms.RadioSelect)
    tolerance = forms.DecimalField(
        label="Max-min tolerance", min_value=0, max_value=1, decimal_places=3, initial=0.05,
        help_text="How far below the best worst-served fraction a force may fall (0.05 is 5 %)",
    )  # fmt: skip

    def __init__(self, *args: Any, forces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in forces:
            self.fields[f"share_{code}"] = forms.DecimalField(
                label=f"{name}: minimum share (%)", required=False, min_value=0, max_value=100,
                error_messages=SHARE_ERRORS,
            )  # fmt: skip


class MeetingForm(forms.Form):
    level = forms.ChoiceField(label="Meeting", choices=MeetingLevel.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    held_on = PeopleDateField(label="Date", error_messages={"required": "Enter the date of the meeting"})
    chair = forms.CharField(label="Chair", max_length=200, required=False)
    attendees = forms.CharField(label="Attendees", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label="Decision", choices=DecisionKind.choices, widget=forms.RadioSelect)
    bid = forms.ChoiceField(label="Bid (for a decision to fund or not)", required=False)
    text = forms.CharField(
        label="Decision and reason", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the decision and its reason"},
    )  # fmt: skip
    owner = forms.CharField(label="Owner", max_length=200, required=False)

    def __init__(self, *args: Any, bids: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "bid").choices = [("", "No bid"), *bids]


class ActionForm(forms.Form):
    action_text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the action"},
    )
    action_owner = forms.CharField(
        label="Owner", max_length=200, error_messages={"required": "Name the owner"}
    )
    due_on = PeopleDateField(label="Due", required=False)
