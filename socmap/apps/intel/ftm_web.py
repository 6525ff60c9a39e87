"""The web's and the API's side of FollowTheMoney exports (ADR 0014): what a user asks for when
exporting a person, a group or a network view as FtM. Shared by the apps that export."""

from __future__ import annotations

from django import forms
from ninja import Schema

from socmap.apps.core.forms import JustificationForm

CANONICAL_HELP = (
    "One more entity for each person, merging the records socmap holds on them (listed as its "
    "referents); every record is exported as it came either way"
)


class FtmExportForm(JustificationForm):
    canonical = forms.BooleanField(
        required=False, label="Add the resolved person with the records it merges", help_text=CANONICAL_HELP
    )


class FtmExportIn(Schema):
    justification: str
    canonical: bool = False  # add the canonical (resolved) entities, with the records they merge
    cleaned: bool = False  # socmap's cleaned values instead of the values as received
