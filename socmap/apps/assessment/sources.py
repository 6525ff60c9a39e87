"""Sources an assessment cites (records, entities, groups, people, documents, threats), as a viewer may
see them: an assessor may cite only what it may see, and a reader is shown only what it may see, so a
hidden record's id never travels with a shared assessment."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Model

from socmap.apps.core.models import Document, User
from socmap.apps.core.visibility import visible_filter
from socmap.apps.intel import reads
from socmap.apps.network.models import OCG, PriorityIndividual


def _models() -> dict[str, type[Model]]:
    """Cited kinds that are governed objects of apps above intel; records and entities are read
    through intel's read API."""
    from socmap.apps.assessment.models import Threat

    return {
        "ocg": OCG,
        "individual": PriorityIndividual,
        "document": Document,
        "threat": Threat,
    }


def visible_sources(viewer: User, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cited sources ``viewer`` may see, in the order cited."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for s in sources:
        wanted[s["kind"]].add(str(s["ref"]))
    seen: set[tuple[str, str]] = set()
    models = _models()
    for kind, refs in wanted.items():
        if kind == "record":
            found_records = reads.records_visible(
                viewer=viewer, ids=sorted(int(r) for r in refs if r.isdigit())
            )
            seen |= {(kind, str(pk)) for pk in found_records}
            continue
        if kind == "entity":
            seen |= {(kind, pk) for pk in reads.entities_visible(viewer=viewer, ids=sorted(refs))}
            continue
        model = models.get(kind)
        if model is None:
            continue
        keys = sorted(r for r in refs if r.isdigit())
        found = (
            model._default_manager.filter(pk__in=keys)
            .filter(visible_filter(viewer))
            .values_list("pk", flat=True)
        )
        seen |= {(kind, str(pk)) for pk in found}
    return [s for s in sources if (s["kind"], str(s["ref"])) in seen]
