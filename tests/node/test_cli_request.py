"""``oracle-node request``: a consumer sends a request to a live deployment and sees the
decoded output; and ``models show`` gives what a consumer needs to form a valid request."""

from __future__ import annotations

import json
import threading

import pytest

from oracle_node.chain.contracts import commitment_to_json
from oracle_node.cli import main
from oracle_node.encoding import int_to_felt
from tests.node.conftest import use_cli_env
from tests.node.test_chain import primary_of
from tests.support.protocol import send


@pytest.fixture
def consumer_env(chain, monkeypatch, tmp_path):
    return use_cli_env(chain, monkeypatch, tmp_path, 6)


def _fulfil_when_requested(chain, request_id: int, output: list[int]) -> threading.Thread:
    """A node's part: once the request exists, its primary fulfils it (mock verifier)."""

    def run() -> None:
        coordinator = chain.protocol.coordinator
        for _ in range(300):
            logs = coordinator.events.InferenceRequested().get_logs(
                from_block=0, argument_filters={"requestId": request_id}
            )
            if logs:
                break
            threading.Event().wait(0.05)
        [log] = logs
        chain.mine()
        commitment = commitment_to_json(log["args"]["commitment"])
        primary = primary_of(chain, request_id)
        instances = [int_to_felt(int(x)) for x in log["args"]["input"]] + [
            int_to_felt(x) for x in output
        ]
        call = coordinator.functions.fulfill(
            request_id, tuple(commitment.values()), b"\x01" * 32, instances
        )
        send(chain.w3, call, primary)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_request_sends_waits_and_prints_the_decoded_output(consumer_env, capsys):
    chain = consumer_env
    coordinator = chain.protocol.coordinator
    request_id = int(coordinator.functions.requestCount().call()) + 1
    helper = _fulfil_when_requested(chain, request_id, [8192 * 3])
    capsys.readouterr()
    code = main(["request", str(chain.model_id), "--floats", ",".join(["0.5"] * 30),
                 "--timeout", "60", "--json"])  # fmt: skip
    helper.join(timeout=60)
    assert code == 0
    shown = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert shown["request"] == request_id and shown["mode"] == "proven"
    assert shown["output"] == [8192 * 3]
    assert shown["result"] == "no callback (account)"
    # The input went out at the model's scale.
    [log] = coordinator.events.InferenceRequested().get_logs(
        from_block=0, argument_filters={"requestId": request_id}
    )
    assert list(log["args"]["input"]) == [4096] * 30


def test_request_refuses_a_bad_input_before_sending(consumer_env, capsys):
    chain = consumer_env
    before = int(chain.protocol.coordinator.functions.requestCount().call())
    for argv, message in (
        (["--input", "1,2,3"], "takes 30 inputs, got 3"),
        (["--floats", ",".join(["1e9"] * 30)], "outside the model's provable range"),
        (["--input", "1.5," * 29 + "1"], "--input"),
        (["--optimistic", "--input", ",".join(["1"] * 30)], "Proven requests only"),
    ):
        capsys.readouterr()
        assert main(["request", str(chain.model_id), *argv, "--no-wait"]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: ") and message in err, err
    assert int(chain.protocol.coordinator.functions.requestCount().call()) == before


def test_models_show_gives_what_a_request_needs(consumer_env, capsys):
    chain = consumer_env
    capsys.readouterr()
    assert main(["models", "show", str(chain.model_id)]) == 0
    out = capsys.readouterr().out
    record = chain.contracts().model(chain.model_id)
    for name in ("max_abs_input", "max_callback_gas", "owner", "artifacts_uri", "input_scale"):
        assert f"{name}: " in out, name
    assert f"{record.max_abs_input:,}" in out and record.owner in out


def test_status_json_gives_a_proofs_size_not_its_bytes(consumer_env, capsys, tmp_path):
    from oracle_node.settings import load_settings
    from oracle_node.store import JobState, JobStore, NewJob

    store = JobStore(load_settings().db_path)
    try:
        store.add(NewJob(7, 1, [1], {"deadline": 0}, "0x" + "00" * 20, 1, "0x00", 0))
        store.transition(
            7, [JobState.NEW], JobState.PROVED, proof=b"\x05" * 3072, instances=[1, 2], output=[2]
        )
    finally:
        store.close()
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    [job] = json.loads(capsys.readouterr().out)["recent_jobs"]
    assert job["proof_bytes"] == 3072 and "proof" not in job
