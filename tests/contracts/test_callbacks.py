"""The consumer callback: exact gas, failures recorded not propagated, no re-entry."""

from __future__ import annotations

import ape
from eth_abi import encode
from eth_utils import keccak

from .conftest import FEE, PARAMS, primary_node
from .helpers import COMMITMENT_TYPE, instances_for, parse_request

OUTPUT = [11, -3]
DELIVERED, REVERTED, OUT_OF_GAS, NO_CODE = range(4)


def _fulfil(coordinator, req, node):
    return coordinator.fulfill(
        req.request_id, req.commitment, b"\x01", instances_for(req.input, OUTPUT), sender=node
    )


def _result(coordinator, receipt):
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    return log.result


def test_reverting_consumer_is_recorded_and_node_paid(
    project, coordinator, requester, staked, request_via
):
    consumer = requester.deploy(project.RevertingConsumer, coordinator.address)
    req = request_via(consumer)
    primary = primary_node(req, staked)
    receipt = _fulfil(coordinator, req, primary)
    assert _result(coordinator, receipt) == REVERTED
    assert coordinator.credits(primary) == FEE
    assert coordinator.commitmentOf(req.request_id) == b"\x00" * 32


def test_gas_burning_consumer_gets_exactly_its_limit(
    project, coordinator, requester, staked, request_via
):
    consumer = requester.deploy(project.GasBurningConsumer, coordinator.address)
    limit = 150_000
    req = request_via(consumer, gas=limit)
    primary = primary_node(req, staked)
    receipt = _fulfil(coordinator, req, primary)
    assert _result(coordinator, receipt) == OUT_OF_GAS
    assert coordinator.credits(primary) == FEE
    # The whole limit was burnt by the consumer, and little more by the coordinator around it.
    assert limit < receipt.gas_used < limit + 200_000


def test_callback_gas_is_the_requested_limit(project, coordinator, requester, staked, request_via):
    """A consumer that needs more than its limit fails; with enough, it is delivered."""
    consumer = requester.deploy(project.RecordingConsumer, coordinator.address)
    tight = request_via(consumer, gas=30_000)  # too little to store the output
    assert (
        _result(coordinator, _fulfil(coordinator, tight, primary_node(tight, staked))) == OUT_OF_GAS
    )
    assert consumer.deliveries() == 0
    roomy = request_via(consumer, gas=150_000)
    assert (
        _result(coordinator, _fulfil(coordinator, roomy, primary_node(roomy, staked))) == DELIVERED
    )
    assert consumer.deliveries() == 1


def test_reentrant_consumer_cannot_fulfil_again(
    project, coordinator, requester, staked, request_via
):
    consumer = requester.deploy(project.ReentrantConsumer, coordinator.address)
    req = request_via(consumer, gas=300_000)
    instances = instances_for(req.input, OUTPUT)
    replay = coordinator.fulfill.encode_input(req.request_id, req.commitment, b"\x01", instances)
    consumer.arm(replay, sender=requester)
    primary = primary_node(req, staked)
    receipt = _fulfil(coordinator, req, primary)
    assert _result(coordinator, receipt) == DELIVERED
    assert consumer.deliveries() == 1
    assert not consumer.reentrySucceeded()
    selector = keccak(b"RequestNotPending(uint256)")[:4]
    assert bytes(consumer.reentryRevertData()) == selector + encode(["uint256"], [req.request_id])
    assert coordinator.credits(primary) == FEE  # paid once


def test_reentrant_consumer_cannot_cancel_what_is_delivered(
    project, coordinator, requester, staked, request_via
):
    consumer = requester.deploy(project.ReentrantConsumer, coordinator.address)
    req = request_via(consumer, gas=300_000)
    consumer.arm(
        coordinator.cancelRequest.encode_input(req.request_id, req.commitment), sender=requester
    )
    _fulfil(coordinator, req, primary_node(req, staked))
    assert not consumer.reentrySucceeded()
    assert bytes(consumer.reentryRevertData())[:4] == keccak(b"RequestNotPending(uint256)")[:4]


def test_only_coordinator_can_deliver(consumer, stranger, coordinator):
    with ape.reverts(
        consumer.OnlyCoordinatorCanFulfill, have=stranger.address, want=coordinator.address
    ):
        consumer.rawFulfill(1, [1, 2], sender=stranger)


def test_eoa_requester_gets_no_callback(coordinator, model_id, requester, staked):
    receipt = coordinator.requestInference(
        model_id, [4, 5, 6], 100_000, sender=requester, value=FEE
    )
    req = parse_request(receipt, coordinator)
    assert _result(coordinator, _fulfil(coordinator, req, primary_node(req, staked))) == NO_CODE


def test_commitment_hash_is_the_documented_one(coordinator, pending):
    assert coordinator.commitmentOf(pending.request_id) == pending.stored_hash()
    assert pending.commitment_hash() == keccak(
        encode(["uint256", COMMITMENT_TYPE], [pending.request_id, pending.commitment])
    )
    assert PARAMS.exclusive_window == pending.field("windowEnd") - (
        pending.field("deadline") - PARAMS.request_timeout
    )
