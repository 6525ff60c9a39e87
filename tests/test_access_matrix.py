"""The access matrix: every URL pattern and every API operation, for every role of every kind of
organisation, against the one visibility rule.

The world: the demo's organisations and sharing agreements, and one object of each governed kind
owned by Avon and Somerset in the "Modern slavery" compartment. Under the demo's agreements the
regional unit may see them; Gloucestershire (a force), the National Crime Agency and Cheltenham
Borough Council (a partner) may not. Each object carries a marker (``MATRIX-…``) in its title.

For every user (one per role per organisation kind) and every route (pages with the session, API
operations with the session and with a bearer token):

- no answer is a server error;
- an object the rule hides is never answered with success, and no marker of a hidden object appears
  anywhere in any answer (lists, search, exports, charts, the audit log);
- an object the rule shows is never answered "not found";
- every refusal (403 or 404) is in the audit log, with the request's id.

**Adding a route.** A new URL pattern or API operation fails ``test_every_route_is_in_the_matrix``
with its name until it is added below: a page to ``PAGES`` under its URL name (``"app:name"``), an
API operation to ``OPERATIONS`` under its operation id, each as a ``Case``: the path with ``{kind}``
placeholders for the world's objects (``{document}``, ``{ocg}``, ``{threat}``, ``{finding}``,
``{action}``, ``{batch}``, ``{row}``, ``{record}``, ``{entity}``, ``{source}``, ``{pair}``,
``{judgement}``, ``{token}``, or ``{missing}`` for an id that exists nowhere), the method, and the
form or JSON body. A route about an object of a new kind adds that object to ``_world`` with a
marker in its title. Routes named in ``NOT_CHECKED`` are counted as covered but not requested, each
with the reason.

The matrix runs once, on SQLite: what it checks is socmap's own rule, not the database's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from socmap.apps.core import services as core_services
from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.core.models import AuditAction, AuditEvent, Compartment, Organisation, Role, User
from socmap.apps.core.visibility import decide

MISSING = 987654321


@dataclass(frozen=True)
class Case:
    path: str
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    # The world's object this route is about (its visibility decides what the answer must be).
    about: str = ""


def _c(path: str, about: str = "", method: str = "GET", **data: Any) -> Case:
    return Case(path=path, method=method, data=data, about=about)


WHY = {"justification": "Access matrix"}

PAGES: dict[str, Case] = {
    "core:home": _c("/"),
    "core:login": _c("/accounts/sign-in/"),
    "core:logout": _c("/accounts/sign-out/"),  # GET is refused by Django (405); POST would sign out
    "core:two_factor": _c("/accounts/two-factor/"),
    "core:account": _c("/accounts/"),
    "core:tokens": _c("/accounts/tokens/"),
    "core:token_revoke": _c("/accounts/tokens/{token}/revoke/", "token", "POST"),
    "core:purpose": _c("/purpose/"),
    "core:document_list": _c("/documents/?q=MATRIX"),
    "core:document_upload": _c("/documents/upload/"),
    "core:document_detail": _c("/documents/{document}/", "document"),
    "core:document_download": _c("/documents/{document}/download/", "document"),
    "core:audit_list": _c("/audit/"),
    "core:audit_export": _c("/audit/export/", "", "POST", **WHY),
    "core:organisation_list": _c("/organisations/"),
    "core:accessibility": _c("/accessibility/"),
    "inspections:finding_list": _c("/inspections/"),
    "inspections:finding_export": _c("/inspections/export/", "", "POST", **WHY),
    "inspections:finding_import": _c("/inspections/import/"),
    "inspections:grades": _c("/inspections/grades/"),
    "inspections:status_chart": _c("/inspections/status-over-time/"),
    "inspections:finding_detail": _c("/inspections/findings/{finding}/", "finding"),
    # No action named in the form: "no such action" for those who see the finding, refused either way.
    "inspections:finding_link": _c("/inspections/findings/{finding}/link/", "", "POST"),
    "inspections:finding_withdraw": _c("/inspections/findings/{finding}/withdraw/", "finding", "POST"),
    "inspections:national_list": _c("/inspections/national/"),
    "inspections:national_detail": _c("/inspections/national/{national}/"),
    "inspections:national_track": _c("/inspections/national/{missing}/track/", "", "POST"),
    "inspections:national_withdraw": _c("/inspections/national/{missing}/withdraw/", "", "POST"),
    "inspections:board": _c("/improvement/"),
    "inspections:board_print": _c("/improvement/print/"),
    "inspections:action_export": _c("/improvement/export/", "", "POST", **WHY),
    "inspections:action_create": _c("/improvement/actions/new/"),
    "inspections:action_detail": _c("/improvement/actions/{action}/", "action"),
    "intel:search": _c("/search/records/?name=MATRIX"),
    "intel:record_detail": _c("/records/{record}/", "record"),
    "intel:batch_list": _c("/ingest/"),
    "intel:batch_detail": _c("/ingest/batches/{batch}/", "batch"),
    "intel:quarantine_list": _c("/ingest/quarantine/"),
    "intel:quarantine_detail": _c("/ingest/quarantine/{row}/", "row"),
    "intel:source_list": _c("/sources/"),
    "intel:source_mapping": _c("/sources/{source}/mapping/", "source"),
    "resolution:search": _c("/search/?name=MATRIX"),
    "resolution:queue": _c("/review/"),
    "resolution:next": _c("/review/next/"),
    "resolution:pairs": _c("/review/pairs/"),
    "resolution:item_next": _c("/review/people/"),
    "resolution:item": _c("/review/people/{entity}/", "entity"),
    "resolution:item_skip": _c("/review/people/{entity}/skip/", "entity", "POST"),
    "resolution:item_assign": _c("/review/people/{entity}/assign/", "entity", "POST"),
    "resolution:batch_undo": _c("/review/decisions/undo/", method="POST", reason="Access matrix"),
    "resolution:pair": _c("/review/pairs/{pair}/", "pair"),
    "resolution:skip": _c("/review/pairs/{pair}/skip/", "pair", "POST"),
    "resolution:runs": _c("/review/runs/"),
    "resolution:entity": _c("/entities/{entity}/", "entity"),
    "resolution:undo": _c("/entities/{entity}/undo/", "entity", "POST"),
    "resolution:entity_export": _c("/entities/{entity}/export/ftm/", "entity", "POST", canonical="on", **WHY),
    # What the person page reads when its reader opens it (ADR 31): each a consultation of its own.
    "resolution:entity_links": _c("/entities/{entity}/links/", "entity"),
    "resolution:entity_events": _c("/entities/{entity}/events/?events_page=2", "entity"),
    "resolution:entity_decisions": _c("/entities/{entity}/decisions/?page=zzz", "entity"),
    "network:ocg_list": _c("/groups/"),
    "network:national_return": _c("/groups/return/", "", "POST", **WHY),
    "network:ocg_detail": _c("/groups/{ocg}/", "ocg"),
    "network:ocg_export": _c("/groups/{ocg}/export/ftm/", "ocg", "POST", canonical="on", **WHY),
    "network:ocg_network": _c("/groups/{ocg}/network/", "ocg"),
    "network:runs": _c("/network/runs/"),
    "network:individuals": _c("/network/individuals/"),
    "network:explorer": _c("/network/entities/{entity}/", "entity"),
    "network:explorer_export": _c(
        "/network/entities/{entity}/export/ftm/", "entity", "POST", canonical="on", **WHY
    ),
    "assessment:priorities": _c("/threats/"),
    "assessment:priorities_force": _c("/threats/force/"),
    "assessment:overdue": _c("/threats/overdue/"),
    "assessment:threat_new": _c("/threats/new/"),
    "assessment:export": _c("/threats/export/", "", "POST", **WHY),
    "assessment:chart_svg": _c("/threats/chart/theme.svg"),
    "assessment:threat": _c("/threats/{threat}/", "threat"),
    "assessment:assess": _c("/threats/{threat}/assess/", "threat"),
    "assessment:version": _c("/threats/{threat}/versions/1/"),  # no version 1: refused either way
    "tasking:home": _c("/tasking/"),
    "tasking:board": _c("/tasking/board/"),
    "tasking:bids": _c("/tasking/bids/"),
    "tasking:bid_new": _c("/tasking/bids/new/"),
    "tasking:bid_export": _c("/tasking/bids/export/", "", "POST", **WHY),
    "tasking:bid": _c("/tasking/bids/{bid}/", "bid"),
    "tasking:allocate": _c("/tasking/allocate/"),
    "tasking:run": _c("/tasking/runs/{missing}/"),
    "tasking:fairness": _c("/tasking/fairness/"),
    "tasking:return": _c("/tasking/return/"),
    "tasking:meetings": _c("/tasking/meetings/"),
    "tasking:meeting": _c("/tasking/meetings/{missing}/"),
    "tasking:minutes": _c("/tasking/meetings/{missing}/minutes/"),
    "tasking:minutes_pdf": _c("/tasking/meetings/{missing}/minutes.pdf"),
}

API = "/api/v1"
OPERATIONS: dict[str, Case] = {
    "core_health_get": _c(f"{API}/health"),
    "core_me_get": _c(f"{API}/me"),
    "core_organisation_list": _c(f"{API}/organisations"),
    "core_document_list": _c(f"{API}/documents?q=MATRIX"),
    "core_document_get": _c(f"{API}/documents/{{document}}", "document"),
    "core_token_list": _c(f"{API}/tokens"),
    "core_token_create": _c(f"{API}/tokens", "", "POST"),
    "core_token_revoke": _c(f"{API}/tokens/{{token}}", "token", "DELETE"),
    "core_audit_list": _c(f"{API}/audit?per_page=200"),
    "inspections_finding_list": _c(f"{API}/inspections/findings"),
    "inspections_finding_get": _c(f"{API}/inspections/findings/{{finding}}", "finding"),
    "inspections_finding_import": _c(f"{API}/inspections/import", "", "POST"),
    "inspections_action_list": _c(f"{API}/improvement/actions"),
    "inspections_finding_withdraw": _c(f"{API}/inspections/findings/{{finding}}/withdraw", "finding", "POST"),
    "inspections_national_list": _c(f"{API}/inspections/national"),
    "inspections_national_get": _c(f"{API}/inspections/national/{{national}}"),
    "inspections_national_withdraw": _c(f"{API}/inspections/national/{{missing}}/withdraw", "", "POST"),
    "intel_batch_create": _c(f"{API}/intel/ingest", "", "POST"),
    "intel_batch_get": _c(f"{API}/intel/batches/{{batch}}", "batch"),
    "intel_person_search": _c(f"{API}/intel/people?name=MATRIX"),
    "intel_record_get": _c(f"{API}/intel/records/{{record}}", "record"),
    "intel_source_export_ftm": _c(
        f"{API}/intel/sources/{{source}}/export.ftm?justification=matrix", "source"
    ),
    "intel_source_list": _c(f"{API}/intel/sources"),
    "intel_source_get": _c(f"{API}/intel/sources/{{source}}", "source"),
    "intel_source_register": _c(f"{API}/intel/sources", "", "POST"),
    "intel_source_mapping_upload": _c(f"{API}/intel/sources/{{source}}/mapping", "source", "POST"),
    "resolution_people_search": _c(f"{API}/resolution/people?name=MATRIX"),
    "resolution_queue": _c(f"{API}/resolution/queue"),
    "resolution_judge": _c(f"{API}/resolution/pairs/{{pair}}/judgements", "pair", "POST"),
    "resolution_undo": _c(f"{API}/resolution/judgements/{{judgement}}/undo", "pair", "POST"),
    "resolution_entity": _c(f"{API}/resolution/entities/{{entity}}", "entity"),
    "resolution_entity_export_ftm": _c(
        f"{API}/resolution/entities/{{entity}}/export.ftm", "entity", "POST", canonical=True, **WHY
    ),
    "network_ocg_list": _c(f"{API}/network/groups"),
    "network_ocg_graph": _c(f"{API}/network/groups/{{ocg}}/network", "ocg"),
    "network_neighbourhood_get": _c(f"{API}/network/entities/{{entity}}?purpose=matrix", "entity"),
    "network_ocg_export": _c(f"{API}/network/groups/{{ocg}}/export/i2", "ocg", "POST", **WHY),
    "network_neighbourhood_export": _c(
        f"{API}/network/entities/{{entity}}/export/ftm", "entity", "POST", canonical=True, **WHY
    ),
    "assessment_model_get": _c(f"{API}/assessment/model"),
    "assessment_threat_list": _c(f"{API}/assessment/threats"),
    "assessment_threat_create": _c(f"{API}/assessment/threats", "", "POST"),
    "assessment_version_list": _c(f"{API}/assessment/threats/{{threat}}/assessments", "threat"),
    "assessment_version_start": _c(f"{API}/assessment/threats/{{threat}}/assessments", "threat", "POST"),
    "assessment_version_save": _c(f"{API}/assessment/threats/{{threat}}/assessments/1", "", "PUT"),
    "assessment_version_submit": _c(f"{API}/assessment/threats/{{threat}}/assessments/1/submit", "", "POST"),
    "assessment_version_approve": _c(
        f"{API}/assessment/threats/{{threat}}/assessments/1/approve", "", "POST"
    ),
    "assessment_version_return": _c(f"{API}/assessment/threats/{{threat}}/assessments/1/return", "", "POST"),
    "assessment_threat_export": _c(f"{API}/assessment/threats/export", "", "POST", **WHY),
    "tasking_capability_list": _c(f"{API}/tasking/capabilities"),
    "tasking_bid_list": _c(f"{API}/tasking/bids"),
    "tasking_bid_create": _c(f"{API}/tasking/bids", "", "POST"),
    "tasking_bid_get": _c(f"{API}/tasking/bids/{{bid}}", "bid"),
    "tasking_override_create": _c(f"{API}/tasking/bids/{{missing}}/override", "", "POST"),
    "tasking_allocation_run": _c(f"{API}/tasking/allocate", "", "POST"),
    "tasking_run_get": _c(f"{API}/tasking/runs/{{missing}}"),
    "tasking_run_publish": _c(f"{API}/tasking/runs/{{missing}}/publish", "", "POST"),
    "tasking_fairness_set": _c(f"{API}/tasking/fairness", "", "PUT"),
    "tasking_fairness_get": _c(f"{API}/tasking/fairness"),
}


# Lifetime management: the world's plan and what it holds, lists and forms.
LIFETIME_PAGES = {
    "lifetime:workload": _c("/lifetime/"),
    "lifetime:force": _c("/lifetime/force/"),
    "lifetime:plan_list": _c("/lifetime/plans/"),
    "lifetime:plan_start": _c("/lifetime/plans/start/"),
    "lifetime:plan": _c("/lifetime/plans/{plan}/", "plan"),
    "lifetime:plan_assign": _c("/lifetime/plans/{plan}/assign/", "plan"),
    "lifetime:action_new": _c("/lifetime/plans/{plan}/actions/new/", "plan"),
    "lifetime:considerations": _c("/lifetime/plans/{plan}/considerations/", "plan"),
    "lifetime:review": _c("/lifetime/plans/{plan}/review/", "plan"),
    "lifetime:custody_new": _c("/lifetime/plans/{plan}/custody/new/", "plan"),
    "lifetime:order_new": _c("/lifetime/plans/{plan}/orders/new/", "plan"),
    "lifetime:power_new": _c("/lifetime/plans/{plan}/powers/new/", "plan"),
    "lifetime:disruption_new": _c("/lifetime/plans/{plan}/disruptions/new/", "plan"),
    "lifetime:timeline_svg": _c("/lifetime/plans/{plan}/timeline.svg", "plan"),
    "lifetime:action": _c("/lifetime/actions/{plan_action}/", "plan_action"),
    "lifetime:order": _c("/lifetime/orders/{order}/", "order"),
    "lifetime:power": _c("/lifetime/powers/{power}/", "power"),
    "lifetime:custody": _c("/lifetime/custody/{custody}/", "custody"),
    "lifetime:disruption_list": _c("/lifetime/disruptions/"),
    "lifetime:disruption": _c("/lifetime/disruptions/{disruption}/", "disruption"),
    "lifetime:return": _c("/lifetime/return/"),
    "lifetime:return_export": _c("/lifetime/return/export/"),
    "lifetime:return_svg": _c("/lifetime/return/chart.svg"),
    "lifetime:release": _c("/lifetime/release/"),
    "lifetime:catalogue": _c("/lifetime/catalogue/"),
    "lifetime:notifications": _c("/lifetime/notifications/"),
    "lifetime:training": _c("/lifetime/training/"),
}
LIFETIME_OPERATIONS = {
    "lifetime_action_create": _c("/api/v1/lifetime/plans/{plan}/actions", "", "POST"),
    "lifetime_action_update": _c("/api/v1/lifetime/actions/{plan_action}", "", "PATCH"),
    "lifetime_catalogue_get": _c("/api/v1/lifetime/catalogue"),
    "lifetime_consideration_record": _c("/api/v1/lifetime/plans/{missing}/considerations", "", "POST"),
    "lifetime_custody_enter": _c("/api/v1/lifetime/plans/{missing}/custody", "", "POST"),
    "lifetime_disruption_list": _c("/api/v1/lifetime/disruptions"),
    "lifetime_disruption_record": _c("/api/v1/lifetime/plans/{missing}/disruptions", "", "POST"),
    "lifetime_disruption_validate": _c("/api/v1/lifetime/disruptions/{disruption}/validation", "", "POST"),
    "lifetime_force_workload_get": _c("/api/v1/lifetime/workload/gloucestershire-constabulary"),
    "lifetime_notification_list": _c("/api/v1/lifetime/notifications"),
    "lifetime_notification_read": _c("/api/v1/lifetime/notifications/{missing}/read", "", "POST"),
    "lifetime_order_record": _c("/api/v1/lifetime/plans/{missing}/orders", "", "POST"),
    "lifetime_order_step": _c("/api/v1/lifetime/orders/{order}/steps", "", "POST"),
    "lifetime_plan_assign": _c("/api/v1/lifetime/plans/{missing}/assign", "", "POST"),
    "lifetime_plan_get": _c("/api/v1/lifetime/plans/{plan}", "plan"),
    "lifetime_plan_list": _c("/api/v1/lifetime/plans"),
    "lifetime_plan_open": _c("/api/v1/lifetime/plans", "", "POST"),
    "lifetime_power_record": _c("/api/v1/lifetime/plans/{missing}/powers", "", "POST"),
    "lifetime_power_update": _c("/api/v1/lifetime/powers/{power}", "", "PATCH"),
    "lifetime_release_list": _c("/api/v1/lifetime/release"),
    "lifetime_return_export": _c("/api/v1/lifetime/return/export", "", "POST"),
    "lifetime_return_get": _c("/api/v1/lifetime/return"),
    "lifetime_review_record": _c("/api/v1/lifetime/plans/{missing}/reviews", "", "POST"),
    "lifetime_workload_get": _c("/api/v1/lifetime/workload"),
}
PAGES |= LIFETIME_PAGES
OPERATIONS |= LIFETIME_OPERATIONS

# Partnership: an agreement between Avon and the regional unit, a board Avon chairs with the unit as a
# member (its meeting and action), and a referral Avon made to the unit (see ``_partnership_world``).
# The unit sees them all and the others none, as the world's rule has it. Administration is refused
# to everyone but administrators, and shows only people and tokens, never intelligence.
PARTNERSHIP_PAGES = {
    "partnership:home": _c("/partnership/"),
    "partnership:agreement_propose": _c("/partnership/agreements/propose/"),
    "partnership:agreement": _c("/partnership/agreements/{agreement}/", "agreement"),
    "partnership:agreement_approve": _c("/partnership/agreements/{agreement}/approve/", "agreement", "POST"),
    "partnership:agreement_revoke": _c("/partnership/agreements/{agreement}/revoke/", "agreement"),
    "partnership:agreement_renew": _c("/partnership/agreements/{agreement}/renew/", "agreement"),
    "partnership:boards": _c("/partnership/boards/"),
    "partnership:board": _c("/partnership/boards/{board}/", "board"),
    "partnership:board_pack": _c("/partnership/boards/{board}/pack/", "board"),
    "partnership:meeting_new": _c("/partnership/boards/{board}/meetings/new/", "board"),
    "partnership:meeting": _c("/partnership/meetings/{meeting}/", "board"),
    "partnership:attendance_new": _c("/partnership/meetings/{meeting}/attendance/", "", "POST"),
    "partnership:decision_new": _c("/partnership/meetings/{meeting}/decisions/", "", "POST"),
    "partnership:action_new": _c("/partnership/meetings/{meeting}/actions/", "", "POST"),
    "partnership:action_done": _c("/partnership/board-actions/{board_action}/done/", "", "POST"),
    "partnership:referrals": _c("/partnership/referrals/"),
    "partnership:referral_new": _c("/partnership/referrals/new/"),
    "partnership:referral": _c("/partnership/referrals/{referral}/", "referral"),
    "partnership:admin_users": _c("/administration/users/"),
    "partnership:admin_user_new": _c("/administration/users/new/"),
    "partnership:admin_user": _c("/administration/users/{owner_user}/"),
    "partnership:admin_organisations": _c("/administration/organisations/"),
    "partnership:admin_organisation_new": _c("/administration/organisations/new/"),
    "partnership:admin_organisation": _c("/administration/organisations/avon-and-somerset-constabulary/"),
    "partnership:admin_compartments": _c("/administration/compartments/"),
    "partnership:admin_tokens": _c("/administration/tokens/"),
    "partnership:admin_token_revoke": _c("/administration/tokens/{token}/revoke/"),
}
PARTNERSHIP_OPERATIONS = {
    "partnership_agreement_list": _c(f"{API}/partnership/agreements"),
    "partnership_agreement_propose": _c(
        f"{API}/partnership/agreements", "", "POST", provider="x", recipient="y"
    ),
    "partnership_agreement_get": _c(f"{API}/partnership/agreements/{{agreement}}", "agreement"),
    "partnership_agreement_approve": _c(
        f"{API}/partnership/agreements/{{agreement}}/approve", "agreement", "POST"
    ),
    "partnership_agreement_revoke": _c(
        f"{API}/partnership/agreements/{{agreement}}/revoke", "agreement", "POST"
    ),
    "partnership_agreement_renew": _c(
        f"{API}/partnership/agreements/{{agreement}}/renew", "agreement", "POST"
    ),
    "partnership_board_list": _c(f"{API}/partnership/boards"),
    "partnership_board_pack": _c(f"{API}/partnership/boards/{{board}}/pack", "board"),
    "partnership_meeting_record": _c(f"{API}/partnership/boards/{{board}}/meetings", "board", "POST"),
    "partnership_attendance_record": _c(
        f"{API}/partnership/meetings/{{meeting}}/attendance", "board", "POST", organisation="x"
    ),
    "partnership_board_action_record": _c(f"{API}/partnership/meetings/{{meeting}}/actions", "board", "POST"),
    "partnership_board_action_complete": _c(
        f"{API}/partnership/board-actions/{{board_action}}/complete", "", "POST"
    ),
    "partnership_referral_list": _c(f"{API}/partnership/referrals"),
    "partnership_referral_make": _c(
        f"{API}/partnership/referrals", "", "POST", arrangement="x", to_organisation="y", concern="cce"
    ),
    "partnership_referral_get": _c(f"{API}/partnership/referrals/{{referral}}", "referral"),
    "partnership_referral_outcome": _c(
        f"{API}/partnership/referrals/{{referral}}/outcome", "referral", "POST"
    ),
    "admin_user_list": _c(f"{API}/admin/users"),
    "admin_user_deactivate": _c(f"{API}/admin/users/{{owner_user}}/deactivate", "", "POST", reason="m"),
    "admin_user_reactivate": _c(f"{API}/admin/users/{{owner_user}}/reactivate", "", "POST", reason="m"),
    "admin_user_totp_reset": _c(f"{API}/admin/users/{{owner_user}}/totp-reset", "", "POST", reason="m"),
    "admin_token_list": _c(f"{API}/admin/tokens"),
    "admin_token_revoke": _c(f"{API}/admin/tokens/{{token}}/revoke", "", "POST", reason="m"),
}
PAGES |= PARTNERSHIP_PAGES
OPERATIONS |= PARTNERSHIP_OPERATIONS
# The local profile: one profile of Avon and Somerset in the compartment, with an issued full version.
PROFILE_PAGES = {
    "profile:list": _c("/profile/"),
    "profile:new": _c("/profile/new/"),
    "profile:detail": _c("/profile/{profile}/", "profile"),
    "profile:section": _c("/profile/{profile}/sections/threat_picture/", "profile"),
    "profile:build": _c("/profile/{profile}/build/", "profile", "POST"),
    "profile:issue": _c("/profile/{profile}/issue/", "profile", "POST"),
    "profile:version": _c("/profile/versions/{version}/", "profile"),
    "profile:document": _c("/profile/versions/{version}/document/", "profile"),
    "profile:figure": _c("/profile/versions/{version}/figures/threats_by_theme.total/", "profile"),
    "profile:pdf": _c("/profile/versions/{version}/profile.pdf", "profile"),
    "profile:docx": _c("/profile/versions/{version}/profile.docx", "profile"),
    "profile:withdraw": _c("/profile/versions/{version}/withdraw/", "profile", "POST", reason="matrix"),
}
PAGES |= PROFILE_PAGES
PROFILE_OPERATIONS = {
    "profile_profile_list": _c(f"{API}/profile/profiles"),
    "profile_profile_create": _c(f"{API}/profile/profiles", "", "POST", title="M", as_of="2025-01-01"),
    "profile_profile_get": _c(f"{API}/profile/profiles/{{profile}}", "profile"),
    "profile_text_save": _c(
        f"{API}/profile/profiles/{{profile}}/sections/method/text", "profile", "PUT", text="x"
    ),
    "profile_signoff": _c(f"{API}/profile/profiles/{{profile}}/sections/method/signoff", "profile", "POST"),
    "profile_comment_add": _c(
        f"{API}/profile/profiles/{{profile}}/sections/method/comments", "profile", "POST", text="x"
    ),
    "profile_draft_build": _c(f"{API}/profile/profiles/{{profile}}/draft", "profile", "POST"),
    "profile_issue": _c(f"{API}/profile/profiles/{{profile}}/issue", "profile", "POST"),
    "profile_version_get": _c(f"{API}/profile/versions/{{version}}", "profile"),
    "profile_version_withdraw": _c(
        f"{API}/profile/versions/{{version}}/withdraw", "profile", "POST", reason="m"
    ),
}
OPERATIONS |= PROFILE_OPERATIONS

# The workforce register: counts for everyone, names (people, a person) for the organisation's own
# managers only; tests/apps/workforce proves names never reach another organisation or a partner.
GLOS = "gloucestershire-constabulary"
WORKFORCE_PAGES = {
    "workforce:region": _c("/workforce/"),
    "workforce:alerts": _c("/workforce/alerts/"),
    "workforce:capability": _c(f"/workforce/{GLOS}/"),
    "workforce:people": _c(f"/workforce/{GLOS}/people/"),
    "workforce:member_new": _c(f"/workforce/{GLOS}/people/new/"),
    "workforce:member": _c("/workforce/people/{missing}/"),
}
WORKFORCE_OPERATIONS = {
    "workforce_region_get": _c(f"{API}/workforce/region"),
    "workforce_capability_get": _c(f"{API}/workforce/{GLOS}/capability"),
    "workforce_member_list": _c(f"{API}/workforce/{GLOS}/people"),
    "workforce_member_create": _c(f"{API}/workforce/{GLOS}/people", "", "POST"),
    "workforce_training_record": _c(f"{API}/workforce/people/{{missing}}/training", "", "POST"),
    "workforce_alert_list": _c(f"{API}/workforce/alerts"),
}
PAGES |= WORKFORCE_PAGES
OPERATIONS |= WORKFORCE_OPERATIONS

# Clear, Hold, Build operations: governed objects (the rule decides who sees one and its activities).
PLACES_PAGES = {
    "places:operation_list": _c("/places/"),
    "places:operation_new": _c("/places/new/"),
    "places:operation": _c("/places/{operation}/", "operation"),
    "places:activity_new": _c("/places/{operation}/activities/new/", "operation"),
    "places:measure_new": _c("/places/{operation}/measures/new/", "operation"),
    "places:chart_svg": _c("/places/{operation}/chart.svg", "operation"),
}
PLACES_OPERATIONS = {
    "places_operation_list": _c(f"{API}/places/operations"),
    "places_operation_create": _c(f"{API}/places/operations", "", "POST"),
    "places_operation_get": _c(f"{API}/places/operations/{{operation}}", "operation"),
    "places_activity_create": _c(f"{API}/places/operations/{{missing}}/activities", "", "POST"),
    "places_measure_enter": _c(f"{API}/places/operations/{{missing}}/measures", "", "POST"),
}
PAGES |= PLACES_PAGES
OPERATIONS |= PLACES_OPERATIONS

# Counted as covered, not requested: the reason for each.
NOT_CHECKED = {
    "api:openapi-json": "the API's own description, the same for everyone (schemathesis reads it)",
    "api:openapi-view": "the API's documentation page, the same for everyone",
    "api:api-root": "ninja's root, no operation",
}


def _url_patterns(
    patterns: list[Any] | None = None, prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str]]:
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _url_patterns(
                p.url_patterns, prefix + str(p.pattern), ns + (f"{p.namespace}:" if p.namespace else "")
            )
        elif isinstance(p, URLPattern):
            yield ns + (p.name or str(p.pattern)), prefix + str(p.pattern)


def _operations() -> dict[str, str]:
    from socmap.api import api

    schema = api.get_openapi_schema()
    return {
        op["operationId"]: f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


def test_every_route_is_in_the_matrix() -> None:
    """A route that is neither a page in PAGES, an operation in OPERATIONS nor in NOT_CHECKED fails,
    named, with where to add it."""
    pages = {
        name: route for name, route in _url_patterns() if not name.startswith("api:") or name in NOT_CHECKED
    }
    operations = _operations()
    missing = [
        f"page {name} ({route}): add it to PAGES"
        for name, route in sorted(pages.items())
        if name not in PAGES and name not in NOT_CHECKED
    ]
    missing += [
        f"API operation {op} ({where}): add it to OPERATIONS"
        for op, where in sorted(operations.items())
        if op not in OPERATIONS
    ]
    stale = sorted((set(PAGES) - set(pages)) | (set(OPERATIONS) - set(operations)))
    assert not missing, "routes not in tests/test_access_matrix.py:\n" + "\n".join(missing)
    assert not stale, f"the matrix names routes that no longer exist: {stale}"
    print(f"access matrix: {len(pages)} URL patterns and {len(operations)} API operations, all covered")


@dataclass
class World:
    targets: dict[str, Any]  # kind -> object
    ids: dict[str, str]  # placeholder -> value
    markers: dict[str, str]  # kind -> marker text
    users: list[User]
    tokens: dict[int, str]


def _world(tmp_path: Any) -> World:
    from socmap.apps.assessment.models import Threat
    from socmap.apps.inspections.models import Finding, ImprovementAction, ImprovementPlan
    from socmap.apps.intel import services as intel_services
    from socmap.apps.intel.models import Batch, QuarantinedRow, Record, RecordEntity, Source
    from socmap.apps.resolution.models import Decision, Judgement, Pair
    from tests import factories

    build_demo_organisations()
    avon = Organisation.objects.get(name="Avon and Somerset Constabulary")
    slavery = Compartment.objects.get(name="Modern slavery")
    owner = factories.user(avon, "analyst", "improvement_lead", "supervisor", username="matrix.avon")
    mark = {
        k: f"MATRIX-{k}-7f3a"
        for k in (
            *("document", "ocg", "threat", "finding", "action", "source", "person"),
            *("agreement", "board", "referral"),
            "profile",
            *("plan", "plan_action", "order", "power", "custody", "disruption", "operation", "bid"),
        )
    }
    doc = factories.document(owner, title=mark["document"], compartment=slavery)
    ocg = factories.ocg(avon, name=mark["ocg"], compartment=slavery)
    threat = Threat.objects.create(
        owner=avon,
        compartment=slavery,
        kind="thematic",
        title=mark["threat"],
        theme="county_lines",
        created_by=owner,
    )
    finding = Finding.objects.create(
        owner=avon,
        compartment=slavery,
        subject=avon,
        kind="recommendation",
        reference="M1",
        title=mark["finding"],
        text=mark["finding"],
    )
    plan = ImprovementPlan.objects.create(owner=avon, compartment=slavery, title="Plan M", created_by=owner)
    action = ImprovementAction.objects.create(
        plan=plan,
        reference="M1",
        title=mark["action"],
        owner=owner,
        due_on=timezone.localdate() + timedelta(days=30),
        created_by=owner,
    )
    source = Source.objects.create(
        owner=avon,
        compartment=slavery,
        name="matrix-source",
        title=mark["source"],
        kind="safeguarding",
        mapping_name="safeguarding.yaml",
    )
    csv = tmp_path / "matrix.csv"
    csv.write_text(
        "Referral ID,Council,Date Received,Referrer,Subject Type,Subject Forename,Subject Surname,"
        "Subject DOB,Address,Postcode,Contact Number,Concern,Associated Person,Associated Person Details,"
        "Outcome,Notes\n"
        f'SR-M1,Council,03/01/2024,GP,Adult,Matrix,{mark["person"]},01/08/1976,"5 Lane, Bath",BA1 1AA,'
        "07700900123,Neglect,Marko Matrixsecond,friend,None,none\n"
    )
    start = intel_services.batch_create(actor=owner, source=source, path=csv, file_name="matrix.csv")
    intel_services.batch_run(batch_id=start.batch.pk)
    batch = Batch.objects.get(pk=start.batch.pk)
    record = Record.objects.get(batch=batch)
    people = list(RecordEntity.objects.filter(record=record, schema="Person").order_by("id"))
    row = QuarantinedRow.objects.create(
        owner=avon,
        compartment=slavery,
        batch=batch,
        source=source,
        row=99,
        raw_text=mark["person"],
        errors=["x"],
    )
    left, right = people[0], people[1]
    pair = Pair.objects.create(left=left, right=right, probability=0.7, uncertainty=0.2)
    judgement = Judgement.objects.create(
        left_id=left.pk, right_id=right.pk, decision=Decision.UNSURE, reason="m"
    )
    users: list[User] = []
    for org_name in (
        "Gloucestershire Constabulary",
        "South West Regional Organised Crime Unit",
        "National Crime Agency",
        "Cheltenham Borough Council",
    ):
        org = Organisation.objects.get(name=org_name)
        roles = [Role.PARTNER] if org.is_partner else [r for r in Role.values if r != Role.PARTNER]
        users += [factories.user(org, role, username=f"m.{org.slug[:20]}.{role}") for role in roles]
    tokens = {u.pk: core_services.token_create(actor=u, name="matrix")[1] for u in users}
    own_token = core_services.token_create(actor=owner, name="not yours")[0]
    profile, version = _profile(avon, slavery, owner, mark["profile"])
    targets = {
        "document": doc,
        "ocg": ocg,
        "threat": threat,
        "finding": finding,
        "action": plan,
        "batch": source,
        "row": row,
        "record": record,
        "entity": left,
        "source": source,
        "pair": left,
        "profile": profile,
    }
    ids = {
        "document": str(doc.pk),
        "ocg": str(ocg.pk),
        "threat": str(threat.pk),
        "finding": str(finding.pk),
        "action": str(action.pk),
        "batch": str(batch.pk),
        "row": str(row.pk),
        "record": str(record.pk),
        "entity": left.pk,
        "source": source.name,
        "pair": str(pair.pk),
        "judgement": str(judgement.pk),
        "token": str(own_token.pk),
        "missing": str(MISSING),
        "profile": str(profile.pk),
        "version": str(version.pk),
    }
    partnership = _partnership_world(avon, owner, slavery, mark)
    targets |= partnership
    ids |= {k: str(v.pk) for k, v in partnership.items()}
    response = _response_world(avon, owner, slavery, mark, ocg=ocg, threat=threat, entity=left)
    targets |= response
    ids |= {k: str(v.pk) for k, v in response.items()}
    ids |= {"national": str(_national_finding().pk)}
    ids |= {"owner_user": str(owner.pk)}
    return World(targets, ids, mark, users, tokens)


def _partnership_world(
    avon: Organisation, owner: User, slavery: Compartment, mark: dict[str, str]
) -> dict[str, Any]:
    from socmap.apps.core.models import SharingAgreement
    from socmap.apps.partnership.models import (
        AgreementTerms,
        Arrangement,
        Board,
        BoardAction,
        BoardMember,
        Meeting,
        Referral,
    )

    rocu = Organisation.objects.get(name="South West Regional Organised Crime Unit")
    today = timezone.localdate()
    agreement = SharingAgreement.objects.create(
        provider=avon,
        recipient=rocu,
        title=mark["agreement"],
        valid_from=today,
        handling_codes=["P"],
        includes_general=True,
    )
    AgreementTerms.objects.create(
        agreement=agreement,
        purpose=mark["agreement"],
        legal_basis="s115",
        proposed_by=owner,
        proposed_at=timezone.now(),
    )
    board = Board.objects.create(name=mark["board"], chair_organisation=avon, created_at=timezone.now())
    for org in (avon, rocu):
        BoardMember.objects.create(board=board, organisation=org, joined_on=today)
    meeting = Meeting.objects.create(
        board=board, held_on=today, title=mark["board"], created_at=timezone.now()
    )
    action = BoardAction.objects.create(
        meeting=meeting, description=mark["board"], owner_organisation=avon, due_on=today
    )
    arrangement = Arrangement.objects.create(name="Matrix MASH", kind="mash_children")
    arrangement.members.add(rocu)
    referral = Referral.objects.create(
        owner=avon,
        compartment=slavery,
        arrangement=arrangement,
        to_organisation=rocu,
        referred_by=owner,
        referred_on=today,
        concern="cce",
        subject=mark["referral"],
        summary=mark["referral"],
    )
    return {
        "agreement": agreement,
        "board": board,
        "meeting": meeting,
        "board_action": action,
        "referral": referral,
    }


def _response_world(
    avon: Organisation,
    owner: User,
    slavery: Compartment,
    mark: dict[str, str],
    *,
    ocg: Any,
    threat: Any,
    entity: Any,
) -> dict[str, Any]:
    """A 4P plan of the world's group with one of each thing it holds, a Clear, Hold, Build operation
    against the group and a tasking bid on the threat: all Avon's, in the compartment."""
    from socmap.apps.lifetime.models import (
        CustodyPeriod,
        CustodySource,
        Disruption,
        OrderRecord,
        OrderStatus,
        Plan,
        PlanAction,
        PowerUse,
    )
    from socmap.apps.places.models import AreaPart, Operation, Phase, PhaseKind
    from socmap.apps.tasking.models import Bid, TaskingPeriod
    from socmap.apps.tasking.register import monday

    now, today = timezone.now(), timezone.localdate()
    held = {"owner": avon, "compartment": slavery}
    council = Organisation.objects.get(name="Cheltenham Borough Council")
    plan = Plan.objects.create(**held, ocg=ocg, title=mark["plan"], lro=owner, opened_by=owner, opened_at=now)
    action = PlanAction.objects.create(
        **held, plan=plan, p="pursue", title=mark["plan_action"], owner_person=owner, due_on=today,
        created_by=owner,
        created_at=now, updated_at=now,
    )  # fmt: skip
    order = OrderRecord.objects.create(
        **held, plan=plan, kind="scpo", entity_id=entity.pk, person_label=mark["order"],
        status=OrderStatus.values[0], conditions_text=mark["order"], created_by=owner, created_at=now,
        updated_at=now,
    )  # fmt: skip
    power = PowerUse.objects.create(
        **held, plan=plan, power="closure_order", partner=council, person_label=mark["power"],
        requested_on=today, outcome=mark["power"], created_by=owner, created_at=now,
    )  # fmt: skip
    custody = CustodyPeriod.objects.create(
        **held, entity_id=entity.pk, person_label=mark["custody"], source=CustodySource.ENTERED,
        establishment=mark["custody"], entered_by=owner, updated_at=now,
    )  # fmt: skip
    disruption = Disruption.objects.create(
        **held, plan=plan, on=today, p="pursue", activity="arrest", description=mark["disruption"],
        impact="moderate", evidence=mark["disruption"], rationale=mark["disruption"], recorded_by=owner,
        recorded_at=now,
    )  # fmt: skip
    operation = Operation.objects.create(**held, name=mark["operation"], created_by=owner, created_at=now)
    operation.targets.add(ocg)
    AreaPart.objects.create(operation=operation, code="BA1 1")
    for n, kind in enumerate(PhaseKind.values):
        start = today - timedelta(days=90 * (3 - n))
        Phase.objects.create(
            operation=operation, kind=kind, starts_on=start, ends_on=start + timedelta(days=89)
        )
    period = TaskingPeriod.objects.create(name="Matrix period", starts_on=monday(today), weeks=26)
    bid = Bid.objects.create(
        **held, reference="MATRIX-1", period=period, threat=threat, capability="covert_surveillance",
        first_week=period.starts_on, last_week=period.starts_on, weeks=1, effort=1, outcome=mark["bid"],
        impact="moderate", score=1, submitted_by=owner, submitted_at=now,
    )  # fmt: skip
    return {
        "plan": plan, "plan_action": action, "order": order, "power": power, "custody": custody,
        "disruption": disruption, "operation": operation, "bid": bid,
    }  # fmt: skip


def _national_finding() -> Any:
    """A national recommendation: the inspectorate's, public, so every role may read it."""
    from socmap.apps.inspections.models import NationalFinding

    return NationalFinding.objects.create(
        kind="recommendation", reference="MATRIX-N1", title="All forces should", text="All forces should."
    )


def _profile(owner: Organisation, compartment: Compartment, by: User, marker: str) -> tuple[Any, Any]:
    from socmap.apps.profile.models import Profile, ProfileVersion, VersionStatus
    from socmap.apps.profile.services import template_current

    template = template_current()
    profile = Profile.objects.create(
        owner=owner, compartment=compartment, force=owner, title=marker, as_of=timezone.localdate(),
        template_name=template.name, template_version=template.version, template_text=template.text,
        created_by=by,
    )  # fmt: skip
    figure = {"label": "Assessed threats by theme: total", "value": 0, "inputs": [], "query": ""}
    content = {"title": marker, "marking": "OFFICIAL-SENSITIVE", "force": owner.name, "sections": [],
               "figures": {"threats_by_theme.total": figure},
               "template": {"name": template.name, "version": template.version}}  # fmt: skip
    version = ProfileVersion.objects.create(
        profile=profile, number=1, status=VersionStatus.ISSUED, as_of=profile.as_of, content=content,
        built_by=by, built_at=timezone.now(), issued_at=timezone.now(),
    )  # fmt: skip
    return profile, version


def _hidden_markers(world: World, user: User) -> list[str]:
    visible = decide(user, world.targets["document"]).visible  # every target shares one marking
    return [] if visible else list(world.markers.values())


def _request(client: Client, case: Case, ids: dict[str, str], *, api: bool, token: str = "") -> Any:
    path = case.path.format(**ids)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if case.method == "GET":
        return client.get(path, **headers)
    if api:
        body = json.dumps(case.data)
        return client.generic(case.method, path, body, content_type="application/json", **headers)
    return client.post(path, case.data, **headers)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    text = content.decode("utf-8", errors="replace")
    return text + " " + response.get("Content-Disposition", "")


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the matrix checks socmap's rule; it runs once, on SQLite"
)
def test_access_matrix(tmp_path: Any, pytestconfig: pytest.Config) -> None:
    world = _world(tmp_path)
    problems: list[str] = []
    requests = 0
    for user in world.users:
        hidden = _hidden_markers(world, user)
        sees = not hidden
        session = Client()
        session.force_login(user)
        s = session.session
        s["socmap_purpose"] = "Access matrix"
        s.save()
        runs = [("page", name, case, "") for name, case in PAGES.items()]
        runs += [("session API", op, case, "") for op, case in OPERATIONS.items()]
        runs += [("token API", op, case, world.tokens[user.pk]) for op, case in OPERATIONS.items()]
        for how, name, case, token in runs:
            client = Client() if token else session
            response = _request(client, case, world.ids, api=how != "page", token=token)
            requests += 1
            status = response.status_code
            where = f"{user.username} ({how} {name} {case.method} {case.path})"
            if status >= 500:
                problems.append(f"{where}: server error {status}")
                continue
            body = _body(response)
            leaked = [m for m in hidden if m in body]
            if leaked:
                problems.append(f"{where}: shows {leaked}, which the rule hides from {user.organisation}")
            if case.about and case.about != "token":
                if not sees and 200 <= status < 300:
                    problems.append(f"{where}: answered {status} for an object the rule hides")
                if sees and status == 404 and "{missing}" not in case.path:
                    problems.append(f"{where}: answered 404 for an object the rule shows")
            if (status in (403, 404) and how != "page") or (
                status in (403, 404) and name not in ("core:logout",)
            ):
                request_id = response.get("X-Request-ID", "")
                logged = AuditEvent.objects.filter(
                    action=AuditAction.PERMISSION_DENIED, request_id=request_id
                )
                if request_id and not logged.exists():
                    problems.append(f"{where}: refused ({status}) without a refusal in the audit log")
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"access matrix: {requests} requests by {len(world.users)} users "
            f"({len(PAGES)} pages, {len(OPERATIONS)} API operations by session and by token), "
            f"{len(problems)} problems"
        )
    assert not problems, f"{len(problems)} problems in {requests} requests:\n" + "\n".join(problems[:60])


def test_the_matrix_covers_every_role_of_every_organisation_kind() -> None:
    kinds = {"force", "rocu", "national", "partner"}
    from socmap.apps.core.models import OrganisationKind

    assert kinds == set(OrganisationKind.values)
    assert re.fullmatch(r"MATRIX-\w+-7f3a", "MATRIX-document-7f3a")
