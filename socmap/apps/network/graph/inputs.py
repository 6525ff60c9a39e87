"""The link map, canonical keys, and the analysis's inputs read in bulk (as a viewer or a system job)."""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

import socmap.model
from socmap.apps.intel import reads
from socmap.apps.resolution import selectors as resolution
from socmap.engines import network
from socmap.errors import InvalidModel

LINKMAP = Path(socmap.model.__file__).with_name("linkmap.yaml")
EDGE_COLUMNS = ["source_id", "target_id", "link_type", "grading", "observed_on", "evidence_id"]
GRADING = re.compile(r"^[123][A-E][PC]?$")
POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class LinkMap:
    """``linkmap.yaml`` checked against the engine's link types."""

    links: dict[str, str]
    through: dict[str, tuple[str, str]]
    event_link: str
    co_subjects: dict[str, str]
    ignored: dict[str, str]
    kinds: dict[str, str]
    offender_events: frozenset[str]
    offender_links: frozenset[str]
    report_schema: str
    report_min: int
    themes: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    aliases: dict[str, str] = field(default_factory=dict)

    def link_type(self, schema: str) -> str | None:
        """The engine link type of a direct link schema, by name or by alias (LivesAt -> lives_at)."""
        if schema in self.links:
            return self.links[schema]
        return self.aliases.get(re.sub(r"(?<!^)(?=[A-Z])", "_", schema).lower())

    def theme_of(self, text: str) -> list[str]:
        found = []
        for parts in re.split(r"[;,]", text):
            value = parts.strip().lower()
            for code, patterns in self.themes:
                if value and any(p.search(value) for p in patterns):
                    found.append(code)
                    break
        return found


def load_linkmap(config: network.NetworkConfig, path: Path | None = None) -> LinkMap:
    """Read the link mapping; every link type it names must be one the engine's configuration knows.

    The shipped mapping with the shipped configuration (itself read once a process) is read once
    a process, and again when the mapping's file changes: every group and explorer page asks for
    it, and parsing it was 40 ms of each."""
    file = path or LINKMAP
    if config is not default_config():
        return _linkmap_read(config, file)
    try:
        key = (str(file), file.stat().st_mtime_ns, id(config))
    except OSError:
        return _linkmap_read(config, file)
    with _cache_lock:
        found = _linkmaps.get(key)
    if found is None:
        found = _linkmap_read(config, file)
        with _cache_lock:
            _linkmaps.clear()  # one configuration and one mapping at a time
            _linkmaps[key] = found
    return found


_cache_lock = threading.Lock()
_linkmaps: dict[tuple[str, int, int], LinkMap] = {}


def _linkmap_read(config: network.NetworkConfig, file: Path) -> LinkMap:
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidModel(f"{file}: cannot read the link mapping: {exc}") from exc
    known = config.canonical_link_type()
    problems: dict[str, list[str]] = {}

    def check(where: str, name: Any) -> str:
        if name not in known:
            problems.setdefault(where, []).append(
                f"Unknown link type {name!r}; the network configuration ({config.source}) knows "
                f"{', '.join(sorted(known))}."
            )
            return str(name)
        return known[name]

    links = {str(k): check(f"links.{k}", v) for k, v in (raw.get("links") or {}).items()}
    through = {
        str(k): (check(f"through.{k}", (v or {}).get("link_type")), str((v or {}).get("via", "")))
        for k, v in (raw.get("through") or {}).items()
    }
    events = raw.get("events") or {}
    co_subjects = {
        str(k): check(f"events.co_subjects.{k}", v) for k, v in (events.get("co_subjects") or {}).items()
    }
    offenders = raw.get("offenders") or {}
    reports = offenders.get("reports") or {}
    themes = tuple(
        (str(code), tuple(re.compile(p, re.IGNORECASE) for p in patterns))
        for code, patterns in (raw.get("themes") or {}).items()
    )
    if problems:
        raise InvalidModel(
            f"{file}: the link mapping names link types the engine does not know.", fields=problems
        )
    return LinkMap(
        links=links,
        through=through,
        event_link=str(events.get("link", "SubjectOf")),
        co_subjects=co_subjects,
        ignored={str(k): str(v) for k, v in (raw.get("ignored") or {}).items()},
        kinds={str(k): str(v) for k, v in (raw.get("kinds") or {}).items()},
        offender_events=frozenset(offenders.get("events") or ()),
        offender_links=frozenset(offenders.get("links") or ()),
        report_schema=str(reports.get("schema", "")),
        report_min=int(reports.get("at_least", 0) or 0),
        themes=themes,
        aliases=known,
    )


@cache
def default_config() -> network.NetworkConfig:
    return network.load_config()


# Every page that draws the network joins addresses by key; the regular expressions were half of
# the explorer's time on the medium demo (34,000 addresses), and addresses seldom change.
@lru_cache(maxsize=500_000)
def address_key(caption: str, postcode: str) -> str | None:
    """Postcode, flat, house number and first street word: '4 Oak St, Bath BA2 8LS' -> 'BA28LS|-|4|oak'."""
    text = caption.upper()
    match = POSTCODE.search(postcode.upper() or text) or POSTCODE.search(text)
    if not match:
        return None
    code = f"{match.group(1)}{match.group(2)}".upper()
    rest = POSTCODE.sub(" ", text).lower().replace("apartment", "flat")
    rest = re.sub(r"[^a-z0-9 ]+", " ", rest)
    flat = re.search(r"\bflat\s+(\w+)", rest)
    if flat:
        rest = rest[: flat.start()] + rest[flat.end() :]
    words = rest.split()
    number = next((w for w in words if w[:1].isdigit()), "")
    after = words[words.index(number) + 1 :] if number else words
    return f"{code}|{flat.group(1) if flat else '-'}|{number}|{after[0] if after else ''}"


class Canon:
    """Record entity id -> canonical key, and back: resolution's memberships plus addresses by key.

    Addresses are those ``viewer`` may see: links join only entities of their own record, so an
    address the viewer cannot see never meets a link the viewer can, and leaving it out changes no
    group the viewer is shown.

    A system job (the analysis) reads every membership and address at once. A viewer's page draws a
    few hundred entities, so for a user the keys are read on demand, for the ids asked (``load``):
    their clusters' members, and the addresses sharing their postcode (its index), so a page's cost
    follows what it draws, not the size of the region (the whole read took 0.5-0.65 s of each
    group and explorer page on the medium demo, and grows with the region).
    """

    def __init__(self, viewer: reads.Reader) -> None:
        self.viewer = viewer
        self.of: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        self._whole = isinstance(viewer, reads.SystemJob)
        self._known: set[str] = set()  # ids whose key has been read (a viewer's Canon)
        self._inverted = not self._whole  # a viewer's Canon keeps the inverse as it reads
        self._asked: set[str] = set()  # ids whose visibility ``visible`` has read
        self._seen: set[str] = set()  # ... and those of them the viewer may see
        if not self._whole:
            return
        self.of = resolution.canonical_map(viewer=viewer)
        by_key: dict[str, list[str]] = defaultdict(list)
        for row in reads.entity_rows(viewer=viewer, schemas={"Address"}):
            key = address_key(row.caption, row.postcode or "")
            if key:
                by_key[key].append(row.id)
        for ids in by_key.values():
            if len(ids) > 1:
                first = min(ids)
                for entity_id in ids:
                    self.of[entity_id] = first

    def load(self, entity_ids: Iterable[str]) -> None:
        """Read the keys of these entities (and of everything that shares one with them), once."""
        if self._whole:
            return
        wanted = sorted({e for e in entity_ids if e not in self._known})
        if not wanted:
            return
        clusters = resolution.person_cluster_map(viewer=self.viewer, entity_ids=wanted)
        alone = []
        for entity_id in wanted:
            cluster = clusters.get(entity_id) or [entity_id]
            if len(cluster) > 1:
                self._join(cluster)
            else:
                alone.append(entity_id)
        self._addresses(alone)
        self._known.update(wanted)

    def _join(self, ids: Iterable[str]) -> None:
        members = sorted(set(ids))
        key = members[0]
        self._members[key] = members
        for entity_id in members:
            self.of[entity_id] = key
            self._known.add(entity_id)

    def _addresses(self, ids: list[str]) -> None:
        """Addresses among ``ids`` joined by key with every visible address of the same postcode."""
        keys = {}
        for row in reads.entity_rows(viewer=self.viewer, ids=ids, schemas={"Address"}):
            key = address_key(row.caption, row.postcode or "")
            if key:
                keys[row.id] = key
        if not keys:
            return
        codes = {key.split("|", 1)[0] for key in keys.values()}
        forms = codes | {f"{c[:-3]} {c[-3:]}" for c in codes}
        by_key: dict[str, list[str]] = defaultdict(list)
        for row in reads.entity_rows(viewer=self.viewer, schemas={"Address"}, postcodes=forms):
            key = address_key(row.caption, row.postcode or "")
            if key:
                by_key[key].append(row.id)
        for entity_id, key in keys.items():
            if len(set(by_key.get(key, ())) | {entity_id}) > 1:
                self._join([*by_key[key], entity_id])

    def visible(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` this Canon's viewer may see, each asked once for the life of this Canon (a page
        asks for its members' records twice: for the members' table and for the drawing)."""
        asked = set(ids)
        wanted = asked - self._asked
        if wanted:
            self._seen |= reads.entities_visible(viewer=self.viewer, ids=sorted(wanted))
            self._asked |= wanted
        return asked & self._seen

    def __call__(self, entity_id: str) -> str:
        if not self._whole and entity_id not in self._known:
            self.load([entity_id])
        return self.of.get(entity_id, entity_id)

    def members(self, key: str) -> list[str]:
        if not self._inverted:
            inverse: dict[str, list[str]] = defaultdict(list)
            for entity_id, canonical in self.of.items():
                inverse[canonical].append(entity_id)
            self._members, self._inverted = dict(inverse), True
        if not self._whole and key not in self._known:
            self.load([key])
        return self._members.get(key) or [key]


@dataclass
class GraphInputs:
    """Nodes and edges as the engine takes them, with what could not be used."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    unmapped: dict[str, int]
    links_read: int
    canon: Canon
    record_of: dict[str, int] = field(default_factory=dict)  # evidence (link) id -> record id


# The columns of ``reads.LinkRow``, in its order, as the frame names them.
FRAME_COLUMNS = ["link_id", "schema", "s", "t", "s_schema", "t_schema", "grading", "observed_on", "record_id"]


def link_frame(rows: Iterable[tuple[Any, ...]] | pd.DataFrame, canon: Canon) -> pd.DataFrame:
    """Links (``reads.LinkRow``s, or ``reads.link_table``) with each end's canonical key, a grading
    only where it is one, and the day observed as a date."""
    if isinstance(rows, pd.DataFrame):
        frame = rows.set_axis(FRAME_COLUMNS, axis=1)
    else:
        frame = pd.DataFrame(list(rows), columns=FRAME_COLUMNS)
    frame["sk"], frame["tk"] = _keyed(frame["s"], frame["t"], canon.of)
    graded = frame["grading"].astype(object).str.upper().str.match(GRADING.pattern)
    frame["grading"] = frame["grading"].astype(object).where(graded.fillna(False).astype(bool), None)
    frame["observed_on"] = pd.to_datetime(frame["observed_on"], errors="coerce").astype("datetime64[ns]")
    return frame


def _keyed(source: pd.Series, target: pd.Series, of: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Both ends' canonical keys (an id with none is its own), looked up in one hash table of the
    keys: ``Series.map(dict)`` built a table of every membership for each end (5 million at five
    million source rows, 33 s of the analysis's read)."""
    ends = pd.concat([source, target], ignore_index=True).to_numpy(dtype=object)
    if of and len(ends):
        keys = pd.Index(list(of.keys()), dtype=object)
        position = keys.get_indexer(ends)
        canonical = np.asarray(list(of.values()), dtype=object)
        ends = np.where(position >= 0, canonical[position], ends)
    return ends[: len(source)], ends[len(source) :]


def _edges(
    rows: pd.DataFrame, link_type: str | pd.Series, source: str = "sk", target: str = "tk"
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": rows[source].to_numpy(),
            "target_id": rows[target].to_numpy(),
            "link_type": link_type if isinstance(link_type, str) else link_type.to_numpy(),
            "grading": rows["grading"].to_numpy(),
            "observed_on": rows["observed_on"].to_numpy(),
            "evidence_id": rows["link_id"].to_numpy(),
        }
    )


def build_inputs(
    frame: pd.DataFrame,
    linkmap: LinkMap,
    config: network.NetworkConfig,
    canon: Canon,
    *,
    project: bool,
    themes: dict[str, list[str]] | None = None,
) -> GraphInputs:
    """Turn link rows into engine nodes and edges.

    ``project``: also join the people at both ends of object-to-object links (calls, payments) and the
    co-subjects of events; the analysis needs those, a drawing of the raw links does not.
    """
    unmapped: Counter[str] = Counter()
    parts: list[pd.DataFrame] = []
    node_kind: dict[str, str] = {}
    is_node_s = frame["s_schema"].isin(list(linkmap.kinds))
    is_node_t = frame["t_schema"].isin(list(linkmap.kinds))
    # Each schema's type looked up once, not once a link (1.8 million at a million source rows).
    schemas = frame["schema"].unique()
    direct_type = frame["schema"].map(
        {s: linkmap.link_type(s) if s not in linkmap.through else None for s in schemas}
    )
    direct = direct_type.notna() & is_node_s & is_node_t
    parts.append(_edges(frame[direct], direct_type[direct]))
    through = frame["schema"].isin(list(linkmap.through)) & is_node_s & is_node_t
    parts.append(
        _edges(frame[through], frame["schema"][through].map({s: v[0] for s, v in linkmap.through.items()}))
    )
    events = frame[frame["schema"] == linkmap.event_link]
    for schema, rows in frame[~direct & ~through & (frame["schema"] != linkmap.event_link)].groupby("schema"):
        if schema not in linkmap.ignored:
            ends = "; ".join(
                sorted({f"{a} to {b}" for a, b in zip(rows["s_schema"], rows["t_schema"], strict=True)})
            )
            unmapped[f"{schema} ({ends})"] += len(rows)
    for col, schema_col in (("sk", "s_schema"), ("tk", "t_schema")):
        used = frame[(direct | through)]
        node_kind.update(zip(used[col], used[schema_col].map(linkmap.kinds), strict=True))
    if project and len(frame):
        parts.extend(_projected(frame, through, events, linkmap, config, node_kind))
    edges = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=EDGE_COLUMNS)
    edges = edges[edges["source_id"] != edges["target_id"]].reset_index(drop=True)
    offenders = _offenders(frame, events, linkmap)
    ids = sorted(
        set(edges["source_id"])
        | set(edges["target_id"])
        | {k for k, v in node_kind.items() if v == "person" and project}
    )
    themes = themes or {}
    nodes = pd.DataFrame(
        {
            "id": ids,
            "kind": [node_kind.get(i, "person") for i in ids],
            "offender": [i in offenders for i in ids],
            "themes": [";".join(sorted(set(themes.get(i, [])))) for i in ids],
        }
    )
    return GraphInputs(
        nodes=nodes,
        edges=edges,
        unmapped=dict(unmapped),
        links_read=len(frame),
        canon=canon,
        record_of=dict(zip(frame["link_id"], frame["record_id"], strict=True)),
    )


def _projected(
    frame: pd.DataFrame,
    through: pd.Series,
    events: pd.DataFrame,
    linkmap: LinkMap,
    config: network.NetworkConfig,
    node_kind: dict[str, str],
) -> list[pd.DataFrame]:
    """Edges between the people at both ends of object-to-object links (calls, payments), and between
    the co-subjects of events; every person on an event becomes a node (``node_kind``)."""
    parts: list[pd.DataFrame] = []
    limit = config.max_people_per_object
    for schema, (link_type, via) in linkmap.through.items():
        calls = frame[through & (frame["schema"] == schema)]
        holders = frame[(frame["schema"] == via) & (frame["s_schema"] == "Person")][
            ["sk", "tk"]
        ].drop_duplicates()
        counts = holders.groupby("tk")["sk"].transform("size")
        holders = holders[counts <= limit]
        pairs = calls.merge(holders.rename(columns={"sk": "ps", "tk": "sk"}), on="sk").merge(
            holders.rename(columns={"sk": "pt", "tk": "tk"}), on="tk"
        )
        pairs = pairs[pairs["ps"] != pairs["pt"]]
        parts.append(_edges(pairs, link_type, "ps", "pt"))
    people_events = events[events["s_schema"] == "Person"]
    for event_schema, link_type in linkmap.co_subjects.items():
        rows = people_events[people_events["t_schema"] == event_schema][
            ["sk", "t", "grading", "observed_on", "link_id"]
        ]
        pairs = rows.merge(rows[["sk", "t"]].rename(columns={"sk": "other"}), on="t")
        pairs = pairs[pairs["sk"] < pairs["other"]]
        parts.append(_edges(pairs, link_type, "sk", "other"))
    for key in people_events["sk"]:
        node_kind.setdefault(key, "person")
    return parts


def _offenders(frame: pd.DataFrame, events: pd.DataFrame, linkmap: LinkMap) -> set[str]:
    found: set[str] = set()
    people = events[events["s_schema"] == "Person"]
    found.update(people[people["t_schema"].isin(list(linkmap.offender_events))]["sk"])
    marked = frame[frame["schema"].isin(list(linkmap.offender_links))]
    found.update(marked["sk"])
    found.update(marked[marked["t_schema"] == "Person"]["tk"])
    if linkmap.report_schema and linkmap.report_min:
        reports = people[people["t_schema"] == linkmap.report_schema].drop_duplicates(["sk", "t"])
        counts = reports.groupby("sk").size()
        found.update(counts[counts >= linkmap.report_min].index)
    return found


def person_themes(frame: pd.DataFrame, linkmap: LinkMap, viewer: reads.Reader) -> dict[str, list[str]]:
    """Theme codes of the events each person is a subject of (from the events' ``theme`` statements)."""
    theme_of_event: dict[str, list[str]] = defaultdict(list)
    # Each distinct text matched once: the 155,688 events of a million source rows share 40
    # theme texts, and matching each event's took 14 s at five million.
    codes: dict[str, list[str]] = {}
    for entity_id, value in reads.statement_values(viewer=viewer, prop="theme"):
        if value not in codes:
            codes[value] = linkmap.theme_of(value)
        theme_of_event[entity_id].extend(codes[value])
    out: dict[str, list[str]] = defaultdict(list)
    subjects = frame[(frame["schema"] == linkmap.event_link) & (frame["s_schema"] == "Person")]
    for person, event in zip(subjects["sk"], subjects["t"], strict=True):
        out[person].extend(theme_of_event.get(event, ()))
    return out


def analysis_inputs(
    *,
    viewer: reads.SystemJob,
    config: network.NetworkConfig | None = None,
    linkmap_path: Path | None = None,
) -> GraphInputs:
    """Every current record link, for the analysis: a system job's read (what users see of the
    result is filtered again)."""
    config = config or default_config()
    linkmap = load_linkmap(config, linkmap_path)
    canon = Canon(viewer)
    frame = link_frame(reads.link_table(viewer=viewer, current=True), canon)
    inputs = build_inputs(
        frame, linkmap, config, canon, project=True, themes=person_themes(frame, linkmap, viewer)
    )
    # Records mentioning each person (their merged record entities): Priority Individuals are
    # ranked by intelligence volume as well as centrality.
    nodes = inputs.nodes
    nodes["mentions"] = [
        len(canon.members(key)) if kind == "person" else 0
        for key, kind in zip(nodes["id"], nodes["kind"], strict=True)
    ]
    return inputs
