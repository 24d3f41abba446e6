"""Migration helpers: encrypt the rows a table held before its fields became encrypted."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import migrations

from privacy.crypto import is_sealed, keyring
from privacy.fields import BlindIndexField, EncryptedCharField, associated_data


def seal_existing_rows(app_label: str, model_name: str) -> migrations.RunPython:
    """Give every row its own seal_id, encrypt its plaintext values and fill its indexes.

    Works on the historical model's fields, so it stays correct as the model evolves.
    Values already sealed are left alone: the operation can run again after a crash.
    """

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        encrypted = [f for f in model._meta.fields if isinstance(f, EncryptedCharField)]
        indexes = [f for f in model._meta.fields if isinstance(f, BlindIndexField)]
        seal_field = model._meta.get_field("seal_id")
        pk_column = model._meta.pk.column
        table = model._meta.db_table
        columns = [f.column for f in encrypted]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(pk_column)}, {', '.join(quote(c) for c in columns)} "  # noqa: S608
                f"FROM {quote(table)}"
            )
            rows = cursor.fetchall()
            assignments = ", ".join(
                f"{quote(c)} = %s" for c in ["seal_id", *columns, *(f.column for f in indexes)]
            )
            for pk, *values in rows:
                if any(is_sealed(value) for value in values):
                    continue
                seal_id = uuid.uuid4()
                plain = dict(zip((f.name for f in encrypted), values, strict=True))
                sealed = [
                    keyring().seal(value, associated_data(model, column, seal_id))
                    if value
                    else value
                    for column, value in zip(columns, values, strict=True)
                ]
                index_values = [f.index_for(plain.get(f.source) or "") for f in indexes]
                cursor.execute(
                    f"UPDATE {quote(table)} SET {assignments} "  # noqa: S608
                    f"WHERE {quote(pk_column)} = %s",
                    [seal_field.get_db_prep_value(seal_id, connection), *sealed, *index_values, pk],
                )

    noop: Callable[..., None] = migrations.RunPython.noop
    return migrations.RunPython(forwards, noop)


def fill_blind_index(app_label: str, model_name: str, index_name: str) -> migrations.RunPython:
    """Fill a new blind-index column from the sealed value it indexes, for existing rows."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        index = model._meta.get_field(index_name)
        for row in model._default_manager.filter(**{index_name: ""}).iterator():
            value = getattr(row, index.source) or ""
            model._default_manager.filter(pk=row.pk).update(**{index_name: index.index_for(value)})

    return migrations.RunPython(forwards, migrations.RunPython.noop)
