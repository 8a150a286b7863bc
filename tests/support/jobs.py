"""Job-store records for tests that need a job without a chain."""

from __future__ import annotations

from oracle_node.store import NewJob


def new_job(request_id: int = 1, block: int = 10, **overrides) -> NewJob:
    data = {
        "request_id": request_id,
        "model_id": 1,
        "input": [1, -2, 2**70],
        "commitment": {"modelId": 1, "deadline": 123, "inputHash": "0x" + "ab" * 32},
        "primary_node": "0x" + "11" * 20,
        "block_number": block,
        "block_hash": "0x" + "cd" * 32,
        "log_index": 0,
    }
    data.update(overrides)
    return NewJob(**data)
