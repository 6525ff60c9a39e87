"""What the person page reads only when its reader opens it: what the records link to, the events
and the model's decisions (ADR 31). Each is a logged consultation of its own, refused as absent like
the page, and shows only what the viewer may see, as the page would."""

from __future__ import annotations

from dataclasses import dataclass

from socmap.apps.core.models import User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.intel import reads
from socmap.apps.resolution.selectors import decisions
from socmap.apps.resolution.selectors.caches import member_ids
from socmap.apps.resolution.selectors.entities import (
    HISTORY_PAGE,
    EventRow,
    HistoryItem,
    Related,
    _events,
    _history,
    _related,
    most_given,
)
from socmap.apps.resolution.selectors.values import event_schemata


@dataclass(frozen=True)
class Section:
    """The entity opened, the id its page goes by (its smallest visible record) and the person's
    name as the page gives it (the one their visible records give most)."""

    entity: reads.Entity
    canonical_id: str
    caption: str


@dataclass(frozen=True)
class EventsView(Section):
    events: Page[EventRow]


@dataclass(frozen=True)
class LinksView(Section):
    related: tuple[Related, ...]


@dataclass(frozen=True)
class DecisionsView(Section):
    history: Page[HistoryItem]


def _opened(viewer: User, entity_id: str, justification: str) -> tuple[Section, list[str], list[str]]:
    """Open the entity (the consultation), and its cluster's record ids and the visible ones."""
    entity, _ = reads.entity_open(viewer=viewer, entity_id=entity_id, justification=justification)
    cluster = member_ids(viewer=viewer, entity_id=entity.id)
    captions = reads.entity_captions(viewer=viewer, ids=cluster)
    ids = sorted(captions)
    caption = most_given(captions.values()) or entity.caption
    return Section(entity, ids[0] if ids else entity.id, caption), cluster, ids


def entity_events(*, viewer: User, entity_id: str, justification: str, page: int = 1) -> EventsView:
    """The events (arrests, reports, sightings) a canonical entity's visible records link it to,
    newest first, a page at a time."""
    opened, _, ids = _opened(viewer, entity_id, justification)
    links = list(reads.link_rows(viewer=viewer, from_entities=ids, target_schemas=event_schemata()))
    return EventsView(opened.entity, opened.canonical_id, opened.caption, _events(viewer, ids, links, page))


def entity_links(*, viewer: User, entity_id: str, justification: str) -> LinksView:
    """The addresses, phones, vehicles and people a canonical entity's visible records link it to."""
    opened, _, ids = _opened(viewer, entity_id, justification)
    touching = sorted(reads.link_rows(viewer=viewer, touching=ids), key=lambda link: link.id)
    related, _ = _related(viewer, ids, touching, also=set())
    return LinksView(opened.entity, opened.canonical_id, opened.caption, related)


def entity_decisions(*, viewer: User, entity_id: str, justification: str, page: int = 1) -> DecisionsView:
    """The matching model's decisions on the pairs of a canonical entity's visible records, newest
    first, a page at a time."""
    opened, cluster, ids = _opened(viewer, entity_id, justification)
    pairs, _ = decisions.pairs_around(viewer=viewer, ids=ids, cluster=cluster)
    judged = [j for j in decisions.judgement_rows(ids=ids, visible=pairs) if not j.by_person]
    model = paginate(judged, page=page, per_page=HISTORY_PAGE)
    shown = _history(ids, pairs, list(model.items))
    items = [shown[j.pk] for j in model.items]
    history = Page(items, model.number, model.per_page, model.total)
    return DecisionsView(opened.entity, opened.canonical_id, opened.caption, history)
