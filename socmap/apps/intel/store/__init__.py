"""Storing mapped rows in bulk: the hot path of ingest, split in two halves that can run side by side.

``prepare`` (``store.preparing``) turns a chunk of the engine's results into plain tuples (ids,
search keys, statement rows): pure Python, no database, so it can run in the process that maps the
file; ``pipeline`` runs it in child processes. The ingest service (``intel.services``) then stores a
prepared chunk in one transaction with the helpers of ``store.write``: records first (``place``
gives them their database ids, needed by everything else), then entities, statements and links
(``insert_new`` for rows of new records, ``insert_missing`` for those of records seen before).
``store.checks`` counts rows whose record is gone (the bulk tables keep no foreign keys).

Why it is shaped like this (measured on the synthetic region, see ``bench/ingest.py``):

- A record that did not exist before this chunk cannot have statements, entities or links yet (they
  are written in the same transaction as the record, and ids are hashes of the record key), so
  their rows go straight in, without the existence query each statement used to cost. Only rows
  of records seen before (a newer extract, a resumed batch) are checked and skipped when held.
- On PostgreSQL rows go in with ``COPY``; records get their ids from the sequence first, so they can
  be copied too. A chunk's commit does not wait for the WAL flush (``synchronous_commit off``):
  a crash can lose the last chunks committed, which the resumable batch stores again, and the
  batch's final commit, which is synchronous, makes all of them durable.
- ``pipeline`` maps and prepares in child processes while this one writes, with bounded queues
  between them: the cores share the work and memory stays bounded by the queues' few chunks.
"""

from socmap.apps.intel.store.checks import (
    ORPHANS,
    orphans,
)
from socmap.apps.intel.store.preparing import (
    ENTITY_KEY_CHARS,
    HANDLING_C,
    HANDLING_CODES,
    INGEST_GC_THRESHOLDS,
    QUEUE_CHUNKS,
    Context,
    Prepared,
    Stripe,
    entity_id,
    fewer_collections,
    lanes,
    link_id,
    link_tag,
    pipeline,
    prepare,
    search_keys,
)
from socmap.apps.intel.store.write import (
    ENTITY_COLUMNS,
    GOVERNED,
    LINK_COLUMNS,
    RECORD_COLUMNS,
    STATEMENT_COLUMNS,
    Placed,
    insert_missing,
    insert_new,
    new_record_ids,
    place,
    records_held,
    select_in,
    synchronous_commit_off,
)

__all__ = [
    "ENTITY_COLUMNS",
    "ENTITY_KEY_CHARS",
    "GOVERNED",
    "HANDLING_C",
    "HANDLING_CODES",
    "INGEST_GC_THRESHOLDS",
    "LINK_COLUMNS",
    "ORPHANS",
    "QUEUE_CHUNKS",
    "RECORD_COLUMNS",
    "STATEMENT_COLUMNS",
    "Context",
    "Placed",
    "Prepared",
    "Stripe",
    "entity_id",
    "fewer_collections",
    "insert_missing",
    "insert_new",
    "lanes",
    "link_id",
    "link_tag",
    "new_record_ids",
    "orphans",
    "pipeline",
    "place",
    "prepare",
    "records_held",
    "search_keys",
    "select_in",
    "synchronous_commit_off",
]
