"""Cheaper bulk tables: statements keyed by number, foreign keys kept by the code that writes them.

See the ``Statement`` and module comments in ``models.py`` for why, with the figures measured.
Existing statements keep their hash as ``key`` and are numbered in table order. The (prop, value)
index becomes a (prop) index, the (record, key) unique index takes the place of the record index,
and the entity, statement and link tables lose their foreign-key constraints (not their columns).
"""

import django.db.models.deletion
from django.db import migrations, models


def _fk(to: str, on_delete: object, related_name: str, **kw: object) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(to=to, on_delete=on_delete, related_name=related_name, db_constraint=False, **kw)


PROTECT = django.db.models.deletion.PROTECT
CASCADE = django.db.models.deletion.CASCADE


def _governed(model_name: str) -> list[migrations.AlterField]:
    return [
        migrations.AlterField(
            model_name=model_name, name="owner", field=_fk("core.organisation", PROTECT, "+")
        ),
        migrations.AlterField(
            model_name=model_name,
            name="compartment",
            field=_fk("core.compartment", PROTECT, "+", null=True, blank=True, db_index=False),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        ("intel", "0002_drop_unused_like_indexes"),
    ]

    operations = [
        # Statements: the hash becomes the key, a number the primary key.
        migrations.RemoveIndex(model_name="statement", name="statement_prop_value"),
        migrations.RenameField(model_name="statement", old_name="id", new_name="key"),
        migrations.AlterField(model_name="statement", name="key", field=models.CharField(max_length=40)),
        migrations.AddField(
            model_name="statement",
            name="id",
            field=models.BigAutoField(primary_key=True, serialize=False),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="statement",
            name="record",
            field=_fk("intel.record", CASCADE, "statements", db_index=False),
        ),
        migrations.AlterField(
            model_name="statement", name="entity", field=_fk("intel.recordentity", CASCADE, "statements")
        ),
        migrations.AlterField(
            model_name="statement", name="batch", field=_fk("intel.batch", PROTECT, "+", db_index=False)
        ),
        *_governed("statement"),
        migrations.AddIndex(
            model_name="statement", index=models.Index(fields=["prop"], name="statement_prop")
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.UniqueConstraint(fields=("record", "key"), name="unique_record_statement"),
        ),
        # Entities and links: the same columns, without constraints.
        migrations.AlterField(
            model_name="recordentity",
            name="record",
            field=_fk("intel.record", CASCADE, "entities", db_index=False),
        ),
        *_governed("recordentity"),
        migrations.AlterField(
            model_name="recordlink", name="record", field=_fk("intel.record", CASCADE, "links")
        ),
        migrations.AlterField(
            model_name="recordlink", name="source_entity", field=_fk("intel.recordentity", CASCADE, "+")
        ),
        migrations.AlterField(
            model_name="recordlink", name="target_entity", field=_fk("intel.recordentity", CASCADE, "+")
        ),
        *_governed("recordlink"),
    ]
