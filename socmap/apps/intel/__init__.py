"""Intelligence ingest: sources, batches, records kept as received, statements, quarantine, search."""
