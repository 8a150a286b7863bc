"""How the node's processes log: readable lines, or one JSON object per line for log shippers.

``configure_logging`` is called once by the commands that run services (``run``, ``watch``).
The JSON form carries the time (UTC, ISO 8601), the level, the logger, the message and, for an
exception, its traceback, so Loki, Elasticsearch or journald's JSON view can filter on them.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``time``, ``level``, ``logger``, ``message`` (+ ``error``)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(*, verbose: bool = False, fmt: str = "text") -> None:
    """Send the process's logs to stderr as ``fmt`` (``text`` or ``json``), INFO or DEBUG. Like
    :func:`logging.basicConfig`, it leaves a root logger that already has handlers alone."""
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r}: use one of {', '.join(FORMATS)}")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
