"""What a database holds, to compare a live database with its restored copy.

Run in the test's process for the live database, and in a process of its own against
the restored one (DATABASE_URL), through `main`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.db import connection

from privacy.registry import registry
from privacy.subjects import rows_about


def _text(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def tables() -> dict[str, dict[str, Any]]:
    """Every table's rows as text, keyed by their first column (the primary key)."""
    found: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            columns = [column[0] for column in cursor.description]
            rows = {_text(row[0]): [_text(value) for value in row] for row in cursor.fetchall()}
            found[table] = {"columns": columns, "rows": rows}
    return found


def personal(subject_id: int) -> dict[str, dict[str, dict[str, str]]]:
    """The registry's personal fields of this person, decrypted, per declaration and row."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for declaration in registry.about_customers():
        if not declaration.fields:
            continue
        rows = rows_about(declaration, user_ids=[subject_id], emails={})
        found[declaration.label] = {
            str(row.pk): {name: _text(getattr(row, name)) for name in declaration.fields}
            for row in rows.order_by("pk")
        }
    return found


def snapshot(subject_id: int) -> dict[str, Any]:
    return {"tables": tables(), "personal": personal(subject_id)}


def main() -> None:
    json.dump(snapshot(int(sys.argv[1])), sys.stdout)
