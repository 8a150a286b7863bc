"""The node's log formats: readable lines, or one JSON object per line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from oracle_node.logs import configure_logging


@contextmanager
def fresh_root() -> Iterator[None]:
    """A root logger with no handlers, as in a new process (pytest's are put back after)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    root.handlers[:] = []
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_json_logs_are_one_object_per_line(capsys):
    with fresh_root():
        configure_logging(fmt="json")
        log = logging.getLogger("oracle_node.listener")
        log.info("request %d recorded", 7)
        try:
            raise RuntimeError("rpc gone")
        except RuntimeError:
            log.exception("poll failed")
    lines = capsys.readouterr().err.strip().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert (first["level"], first["logger"], first["message"]) == (
        "info", "oracle_node.listener", "request 7 recorded",
    )  # fmt: skip
    assert first["time"].endswith("+00:00")
    assert second["level"] == "error" and "RuntimeError: rpc gone" in second["error"]


def test_text_logs_by_default_and_debug_when_verbose(capsys):
    with fresh_root():
        configure_logging(verbose=True)
        logging.getLogger("oracle_node.api").debug("served")
    line = capsys.readouterr().err.strip()
    assert line.endswith("DEBUG oracle_node.api: served") and not line.startswith("{")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="use one of text, json"):
        configure_logging(fmt="xml")
