"""Search for people, not records: one row per resolved person (the cluster resolution has formed),
with how many records and sources back it, ranked by how alike the name is to what was typed.

Candidates come from the store by blocking keys (sound codes of the typed names and of their near
misses and nicknames, a date of birth by prefix, a postcode, the records a phone or registration
names); they are scored by name (``search_terms.name_score``), gathered into their people, and each
person is shown with what the viewer may see of it: its visible records only. A record hidden from
the viewer adds nothing (no name, no count), so a partner never learns one exists.
See docs/adr/0016-people-search-and-the-person-page.md.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from socmap.apps.core.models import User
from socmap.apps.intel import reads
from socmap.apps.intel import selectors as intel_selectors
from socmap.apps.resolution.search_terms import (
    DateQuery,
    name_score,
    name_tokens,
    parse_birth_date,
    token_codes,
)
from socmap.apps.resolution.selectors.caches import person_cluster_map
from socmap.errors import InvalidInput

PEOPLE_LIMIT = 50
#: Candidate records read from the store at most; the best-scored of them are gathered into people.
CANDIDATES = 3000
SCORED = 400
#: Below this a name is not thought alike enough to show (0..1).
NAME_FLOOR = 0.72
_LIMITS = {"name": 200, "birth_date": 30, "postcode": 10, "phone": 30, "vrm": 12}


# What a person searches by is the record search's question; only the answer differs (people).
PeopleQuery = intel_selectors.PersonQuery


@dataclass(frozen=True)
class PersonHit:
    """A person as the viewer may see them: only their visible records count."""

    id: str  # the smallest visible member: the id the viewer opens the person by
    name: str
    other_names: tuple[str, ...]
    birth_dates: tuple[str, ...]
    postcodes: tuple[str, ...]
    records: int
    sources: tuple[str, ...]
    score: float  # 0..1
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def query_check(query: PeopleQuery) -> DateQuery | None:
    """Refuse what no search could mean (a control character, a value too long, a date that is no
    date of birth), naming the field; return the date of birth understood, if one was given."""
    problems: dict[str, list[str]] = {}
    for name, limit in _LIMITS.items():
        value: str = getattr(query, name)
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
            problems[name] = ["Remove the control characters: type letters, digits and spaces only"]
        elif len(value) > limit:
            problems[name] = [f"Use {limit} characters or fewer"]
    born: DateQuery | None = None
    if "birth_date" not in problems and query.birth_date.strip():
        try:
            born = parse_birth_date(query.birth_date)
        except ValueError as exc:
            problems["birth_date"] = [str(exc)]
    if not problems and query.empty:
        problems["name"] = ["Enter a name, date of birth, postcode, phone number or registration"]
    if problems:
        raise InvalidInput("The search cannot be run: see the fields", fields=problems)
    return born


def _linked_ids(viewer: User, query: PeopleQuery) -> set[str] | None:
    """The person records a phone or registration names (found as the record search finds them)."""
    if not (query.phone.strip() or query.vrm.strip()):
        return None
    hits = intel_selectors.person_search(
        viewer=viewer, query=intel_selectors.PersonQuery(phone=query.phone, vrm=query.vrm)
    )
    return {h.entity.pk for h in hits}


def _candidates(
    viewer: User, words: list[str], born: DateQuery | None, postcode: str, linked: set[str] | None
) -> list[reads.PersonCandidate]:
    ask = {
        "viewer": viewer,
        "birth_prefixes": [born.prefix] if born else [],
        "postcode": postcode,
        "entity_ids": linked,
        "limit": CANDIDATES,
    }
    if not words:
        return reads.person_candidates(**ask)  # type: ignore[arg-type]
    first, last = words[0], words[-1]
    if len(words) > 1 and len(first) > 1 and len(last) > 1:
        # Both names must agree (either way round): a common surname alone brings in too many.
        pairs = [(token_codes(first), token_codes(last)), (token_codes(last), token_codes(first))]
        found = reads.person_candidates(code_pairs=pairs, **ask)  # type: ignore[arg-type]
        if found:
            return found
    codes = set().union(*(token_codes(w) for w in words))
    return reads.person_candidates(codes=codes, **ask) if codes else []  # type: ignore[arg-type]


def _postcode(text: str) -> str:
    compact = "".join(text.upper().split())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def people_search(*, viewer: User, query: PeopleQuery) -> list[PersonHit]:
    """People by name (two typos, nicknames, initials and either order tolerated), date of birth as
    typed in the UK, postcode, phone or registration: the best first, one row per person."""
    born = query_check(query)
    words = name_tokens(query.name)
    postcode = _postcode(query.postcode) if query.postcode.strip() else ""
    linked = _linked_ids(viewer, query)
    if linked is not None and not linked:
        return []
    scored = []
    # Candidates share names (898 among 3,000 for "smith" at a million rows): each scored once.
    by_name: dict[str, float] = {}
    for c in _candidates(viewer, words, born, postcode, linked):
        score = by_name.get(c.caption)
        if score is None:
            score = by_name[c.caption] = name_score(words, name_tokens(c.caption)) if words else 1.0
        if score >= NAME_FLOOR:
            scored.append((score, c))
    scored.sort(key=lambda sc: (-sc[0], sc[1].id))
    scored = scored[:SCORED]
    clusters = person_cluster_map(viewer=viewer, entity_ids=[c.id for _, c in scored])
    best: dict[str, float] = {}
    for score, c in scored:
        key = clusters[c.id][0]
        best[key] = max(best.get(key, 0.0), score)
    members = {clusters[c.id][0]: clusters[c.id] for _, c in scored}
    # The people are ranked by their visible records' ids, records and names (the list's order),
    # and only the few shown are read whole: "smith" gathers 1,300 records at a million rows.
    labels = reads.person_labels(viewer=viewer, ids={m for ms in members.values() for m in ms})
    ranked = sorted(
        (key for key, ids in members.items() if any(m in labels for m in ids)),
        key=lambda key: _rank(best[key], [(m, *labels[m]) for m in members[key] if m in labels]),
    )[:PEOPLE_LIMIT]
    shown = sorted({m for key in ranked for m in members[key] if m in labels})
    visible = {row.id: row for row in reads.entity_rows(viewer=viewer, ids=shown)}
    sources = reads.record_sources(viewer=viewer, ids={row.record_id for row in visible.values()})
    reasons = _reasons(query, born, postcode)
    hits = []
    for key in ranked:
        rows = [visible[m] for m in members[key] if m in visible]
        if rows:
            hits.append(_hit(rows, best[key], sources, reasons))
    hits.sort(key=lambda h: (-h.score, -h.records, h.name.lower(), h.id))
    return hits


def _rank(score: float, rows: list[tuple[str, int, str]]) -> tuple[float, int, str, str]:
    """A person's place in the list from its visible records (id, record, caption), as the hits
    are sorted: the best score, then the most records, then the name, then the id."""
    names = _common([caption for _, _, caption in rows])
    return (
        -score,
        -len({record for _, record, _ in rows}),
        names[0].lower() if names else "",
        min(i for i, _, _ in rows),
    )


def _reasons(query: PeopleQuery, born: DateQuery | None, postcode: str) -> tuple[str, ...]:
    out = []
    if born:
        out.append(f"born {born.words}")
    if postcode:
        out.append(f"postcode {postcode}")
    if query.phone.strip():
        out.append(f"phone {query.phone.strip()}")
    if query.vrm.strip():
        out.append(f"registration {query.vrm.strip()}")
    return tuple(out)


def _common(values: list[str]) -> tuple[str, ...]:
    """Distinct values, the most often recorded first."""
    counts = Counter(v for v in values if v)
    return tuple(v for v, _ in sorted(counts.items(), key=lambda vc: (-vc[1], vc[0])))


def _hit(
    rows: list[reads.EntityRow], score: float, sources: dict[int, str], reasons: tuple[str, ...]
) -> PersonHit:
    names = _common([r.caption for r in rows])
    by_source: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.record_id in sources:
            by_source[sources[r.record_id]] += 1
    return PersonHit(
        id=min(r.id for r in rows),
        name=names[0] if names else "",
        other_names=names[1:],
        birth_dates=_common([r.birth_date for r in rows]),
        postcodes=_common([r.postcode for r in rows]),
        records=len({r.record_id for r in rows}),
        sources=tuple(sorted(by_source, key=lambda s: (-by_source[s], s))),
        score=score,
        reasons=reasons,
    )
