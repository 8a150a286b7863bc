"""The node end to end on a real anvil chain: real contracts, real proofs, real processes."""

from __future__ import annotations

import time

import pytest

from oracle_node.chain.contracts import commitment_tuple
from tests.e2e.conftest import FEE, Network, circuit_outputs, sample

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _gate_scores(network: Network, model_id: int, request_id: int) -> list[list[int]]:
    """What the example consumer recorded for the request: one ``[logit]`` per delivery."""
    gate = network.gates[model_id]
    logs = gate.events.ScreeningCompleted().get_logs(
        from_block=0, argument_filters={"requestId": request_id}
    )
    return [[int(log["args"]["logit"])] for log in logs]


def test_assigned_node_fulfils_with_the_circuits_output(network: Network):
    model = network.model_ids["good"]
    features = sample(0)
    request_id = network.request(model, features)
    primary = network.primary(request_id)
    event = network.wait_fulfilled(request_id)
    assert event["args"]["node"] == primary.env["NODE_ADDRESS"]
    assert event["args"]["result"] == 0  # Delivered
    expected = circuit_outputs(features)
    assert _gate_scores(network, model, request_id) == [expected]
    applicant = network.gates[model].functions.applicantOf(request_id).call()
    status = network.gates[model].functions.statusOf(applicant).call()
    assert status == (2 if expected[0] >= 0 else 3)  # Cleared when the logit is >= 0
    job = primary.wait_job(request_id, {"fulfilled"})
    assert [int(x) for x in job["output"]] == expected
    assert set(job["timings"]) >= {"infer_s", "witness_s", "prove_s", "submit_s"}
    other = network.other(primary).wait_job(request_id, {"taken"})
    assert other["taken_by"] == primary.env["NODE_ADDRESS"]
    metrics = primary.get("/v1/models")
    assert metrics["served"][0]["onnx_sha256"] == network.protocol.manifest.onnx_sha256


def test_node_killed_mid_proof_fulfils_exactly_once_after_restart(network: Network):
    model = network.model_ids["good"]
    request_id = network.request(model, sample(1))
    primary = network.primary(request_id)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = primary.job(request_id)
        if job is not None and job["state"] == "inferred" and "prove_started" in job["timings"]:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"the proof never started: {primary.tail()}")
    primary.kill()
    assert network.fulfilments(request_id) == []
    primary.start()
    network.wait_fulfilled(request_id)
    job = primary.wait_job(request_id, {"fulfilled"})
    time.sleep(3)  # a duplicate would have been mined by now
    assert len(network.fulfilments(request_id)) == 1
    assert len(_gate_scores(network, model, request_id)) == 1
    assert job["tx_hash"] == network.fulfilments(request_id)[0]["transactionHash"].to_0x_hex()


def test_rpc_going_away_and_coming_back_is_survived(network: Network):
    network.proxy.down()
    try:
        model = network.model_ids["good"]
        request_id = network.request(model, sample(2))  # sent to anvil directly
        node = network.primary(request_id)
        deadline = time.monotonic() + 30
        while (ready := node.get("/ready"))["ready"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ready["ready"] is False and any("listener" in p for p in ready["problems"])
        time.sleep(2)
        assert node.job(request_id) is None  # the node could not see the request yet
        assert node.get("/health")["ok"] is True
    finally:
        network.proxy.up()
    network.wait_fulfilled(request_id)
    node.wait_job(request_id, {"fulfilled"})


def test_bad_requests_fail_with_a_reason_others_are_served_and_consumers_are_refunded(
    network: Network,
):
    w3 = network.w3
    short_model = network.model_ids["short"]
    unserved_model = network.model_ids["unserved"]
    short_id = network.request(short_model, sample(3)[:29])
    unserved_id = network.request(unserved_model, sample(4))
    good_id = network.request(network.model_ids["good"], sample(5))
    short_job = network.primary(short_id).wait_job(short_id, {"failed"})
    assert short_job["reason"] == f"input length 29 does not match model {short_model}'s 30"
    unserved_job = network.primary(unserved_id).wait_job(unserved_id, {"failed"})
    assert unserved_job["reason"] == f"model {unserved_model} is not served by this node"
    network.wait_fulfilled(good_id)

    coordinator = network.protocol.coordinator
    w3.provider.make_request("evm_increaseTime", [network.protocol.params.request_timeout + 1])
    w3.provider.make_request("evm_mine", [])
    for request_id, model_id in ((short_id, short_model), (unserved_id, unserved_model)):
        gate = network.gates[model_id]
        before = coordinator.functions.credits(gate.address).call()
        requested = coordinator.events.InferenceRequested().get_logs(
            from_block=0, argument_filters={"requestId": request_id}
        )[0]
        commitment = commitment_tuple(requested["args"]["commitment"])
        tx = coordinator.functions.cancelRequest(request_id, commitment).transact(
            {"from": w3.eth.accounts[0]}
        )
        assert w3.eth.wait_for_transaction_receipt(tx)["status"] == 1
        assert coordinator.functions.credits(gate.address).call() == before + FEE
        # The primary that failed the request is slashed in the consumer's favour.
        compensation = network.protocol.node_registry.functions.credits(gate.address).call()
        fields = requested["args"]["commitment"]
        assert compensation == fields["slashAmount"] * fields["harmedShareBps"] // 10_000 > 0
        operator = w3.eth.accounts[0]
        balance = w3.eth.get_balance(operator)
        tx = gate.functions.collectCredits(operator).transact({"from": operator})
        receipt = w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        gas_cost = receipt["gasUsed"] * receipt["effectiveGasPrice"]
        assert w3.eth.get_balance(operator) == balance + FEE + compensation - gas_cost
