"""Records without foreign-key constraints but to their source; entity indexes no query used, gone.

See the comments in ``models.py``: records, like the other bulk tables, keep their batch, owner and
compartment by the code that writes them (``store.orphans`` checks). The name, sound-code and
identifier indexes of entities served no query (search matches them OR-ed with a substring, or
case-blind: checked with EXPLAIN on the large region), nor did the plain date-of-birth index beside
its pattern index; each was one more random page written for every entity copied in.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        ("intel", "0003_bulk_tables_without_constraints"),
    ]

    operations = [
        migrations.AlterField(
            model_name="record",
            name="batch",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="records",
                to="intel.batch",
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="compartment",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.compartment",
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="last_batch",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="intel.batch",
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="owner",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="source",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="records",
                to="intel.source",
            ),
        ),
        migrations.AlterField(
            model_name="recordentity",
            name="birth_date",
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.AlterField(
            model_name="recordentity",
            name="identifier",
            field=models.CharField(blank=True, help_text="Phone, VRM, account…", max_length=100),
        ),
        migrations.AlterField(
            model_name="recordentity",
            name="name_norm",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name="recordentity",
            name="surname_code",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AddIndex(
            model_name="recordentity",
            index=models.Index(
                fields=["birth_date"], name="entity_birth_date_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ),
    ]
