"""An index of entity identifiers (phones, registrations, accounts), for search.

Search now cleans a phone or registration as ingest does and asks for it exactly. Partial: people
and addresses have no identifier, so most entities cost ingest nothing here. A phone search on the
large region (3M entities) took 5 s reading the table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        ("intel", "0006_bulk_owners_by_brin"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="recordentity",
            index=models.Index(
                condition=models.Q(("identifier", ""), _negated=True),
                fields=["identifier"],
                name="entity_identifier",
            ),
        ),
    ]
