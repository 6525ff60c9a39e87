"""The API fuzzed against its own OpenAPI document with schemathesis (bounded, in ``make test``).

Every operation is called with generated input, with a bearer token of a force analyst (most
operations) and of a partner (a user who may see little): no answer may be a server error, and
every answer must match the document (status code documented, content type, body of the
documented shape). Runs on SQLite only: the API's behaviour does not depend on the database.
The number of cases per operation is bounded by the project's hypothesis profile (tests/conftest.py)
and ``CASES`` below; each operation prints its count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from socmap.apps.core import services
from tests import factories

CASES = 15
# Not checked: whether a request the document allows is accepted, or one it forbids refused. The
# services refuse more than a schema can say (an empty name, a date in the future, a source the
# user does not own), with 400 and the field named; those answers are documented on every operation.
NOT_CHECKED = [positive_data_acceptance, negative_data_rejection]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


CALLS: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _case_counts(pytestconfig: pytest.Config) -> Iterator[None]:
    """Print how many cases each operation ran, on the terminal (so CI's log shows them)."""
    yield
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if CALLS and reporter is not None:
        reporter.write_line(
            f"schemathesis: {sum(CALLS.values())} calls over {len(CALLS)} operations, "
            f"{min(CALLS.values())} to {max(CALLS.values())} each; failures are listed below, if any"
        )


@pytest.fixture
def tokens(db: None) -> dict[str, str]:
    force = factories.organisation("force", name="Gloucestershire Constabulary")
    council = factories.organisation("partner", "council", name="Cheltenham Borough Council")
    factories.agreement(force, council, includes_general=True, handling_codes=("P",))
    analyst = factories.user(force, "analyst", "supervisor", "improvement_lead", "auditor", username="fuzz")
    partner = factories.user(council, "partner", username="fuzz.partner")
    return {
        "analyst": services.token_create(actor=analyst, name="fuzz")[1],
        "partner": services.token_create(actor=partner, name="fuzz")[1],
    }


@pytest.mark.django_db(transaction=False)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the API's document is checked once, on SQLite")
@schema.parametrize()
@hypothesis_settings(max_examples=CASES, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_keeps_to_its_document(case: Any, tokens: dict[str, str]) -> None:
    for who in ("analyst", "partner"):
        CALLS[case.operation.label] += 1
        case.call_and_validate(
            headers={"Authorization": f"Bearer {tokens[who]}"}, excluded_checks=NOT_CHECKED
        )
