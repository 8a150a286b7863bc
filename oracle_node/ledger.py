"""What the job store's tables share: JSON columns and the conditional state update.

Every step of every ledger is one ``UPDATE ... WHERE state IN (...)``, so running a step twice
changes nothing the second time and a crash at any point resumes from the last committed state.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

TIMINGS = "timings"


def to_column(name: str, value: Any, json_fields: Iterable[str]) -> Any:
    """A Python value as its SQLite column holds it (JSON text, enum value, big int as text)."""
    if name in json_fields and value is not None:
        return json.dumps(value, default=str)
    if isinstance(value, StrEnum):
        return value.value
    if name.endswith("_wei"):
        return str(value)
    return value


def update_row(
    db: sqlite3.Connection,
    table: str,
    json_fields: Iterable[str],
    request_id: int,
    from_states: Iterable[StrEnum],
    to_state: StrEnum,
    fields: dict[str, Any],
) -> bool:
    """Move ``table``'s row of ``request_id`` to ``to_state`` if it is in one of
    ``from_states``, setting ``fields`` (``timings`` are merged into the stored ones).
    Returns whether the row changed."""
    allowed = [state.value for state in from_states]
    fields = dict(fields)
    timings = fields.pop(TIMINGS, None)
    columns = ["state = ?", "updated_at = ?"]
    values: list[Any] = [to_state.value, time.time()]
    json_names = tuple(json_fields)
    for name, value in fields.items():
        columns.append(f"{name} = ?")
        values.append(to_column(name, value, json_names))
    if timings:
        row = db.execute(
            f"SELECT {TIMINGS} FROM {table} WHERE request_id = ?", (str(request_id),)
        ).fetchone()
        merged = {**(json.loads(row[0]) if row else {}), **timings}
        columns.append(f"{TIMINGS} = ?")
        values.append(json.dumps(merged))
    marks = ",".join("?" for _ in allowed)
    cursor = db.execute(
        f"UPDATE {table} SET {', '.join(columns)} WHERE request_id = ? AND state IN ({marks})",
        [*values, str(request_id), *allowed],
    )
    return cursor.rowcount == 1
