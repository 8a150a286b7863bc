"""A request is open only from the block after its own, and a stand-in's seal counts only when
it was made after the request's block.

In its own block a request has no primary yet (the draw needs the block's hash), so a node that
knows the input in advance (a repeated question, or a request seen before it is mined) could
otherwise settle it right behind it and take the fee from the primary that the hash later
names. Request ids are sequential, so such a node could also seal its fulfilment before the
request exists. `SameBlockSettler` requests and settles in one transaction, which stands for a
settlement placed right behind the request in its block.
"""

from __future__ import annotations

from typing import Any

import ape
import pytest

from .conftest import CALLBACK_GAS, FEE, PARAMS, mock_spec
from .helpers import instances_for, parse_request

PROOF = b"\x01" * 64
OUTPUT = [5, -7]
INPUT = [1, -2, 3]
BATCH_N = 2


@pytest.fixture
def settler(project: Any, coordinator: Any, stranger: Any, staked: list[Any]) -> Any:
    """The attacker, not yet a node (it joins a pool only after the request it targets, so the
    draw can never name it)."""
    return stranger.deploy(project.SameBlockSettler, coordinator)


@pytest.fixture(scope="module")
def batch_model(model_registry: Any, mock_verifier: Any, owner: Any) -> int:
    model_registry.registerModel(mock_spec(mock_verifier.address, batch_size=BATCH_N), sender=owner)
    return int(model_registry.modelCount())


def batch_instances(values: list[int]) -> list[int]:
    """Slot 0 holds `values`, slot 1 is padding; outputs follow."""
    ins = instances_for(values, [])
    return ins + [0] * len(values) + instances_for([], OUTPUT) + instances_for([], [0, 0])


def test_a_request_cannot_be_fulfilled_in_its_own_block(
    coordinator, settler, stranger, model_id, pending
):
    settler.becomeNode(model_id, sender=stranger, value=PARAMS.min_stake)
    instances = instances_for(INPUT, OUTPUT)
    # Its seal, made ahead under the next request id (naming a pending request to be accepted).
    next_id = coordinator.requestCount() + 1
    seal = coordinator.fulfillmentSeal(next_id, settler, PROOF, instances)
    settler.sealAhead(pending.request_id, seal, sender=stranger)
    with ape.reverts(coordinator.RequestNotYetOpen, requestId=next_id):
        settler.requestAndFulfil(
            model_id, INPUT, CALLBACK_GAS, PROOF, instances, sender=stranger, value=FEE
        )
    assert coordinator.requestCount() == next_id - 1  # nothing happened
    assert coordinator.credits(settler) == 0


def test_a_request_cannot_be_batch_settled_in_its_own_block(
    coordinator, settler, stranger, batch_model
):
    contract = settler
    contract.becomeNode(batch_model, sender=stranger, value=PARAMS.min_stake)
    next_id = coordinator.requestCount() + 1
    instances = batch_instances(INPUT)
    with ape.reverts(coordinator.RequestNotYetOpen, requestId=next_id):
        contract.requestAndFulfilBatch(
            batch_model, INPUT, CALLBACK_GAS, PROOF, instances, sender=stranger, value=FEE
        )
    assert coordinator.credits(contract) == 0


def test_a_seal_made_before_the_request_does_not_count(
    chain, coordinator, settler, stranger, consumer, request_via, pending, model_id
):
    """The attacker seals a fulfilment of the next request id while another is pending, waits
    for the request, and stands in after the window: refused, the seal is too old."""
    instances = instances_for(INPUT, OUTPUT)
    next_id = coordinator.requestCount() + 1
    seal = coordinator.fulfillmentSeal(next_id, settler, PROOF, instances)
    sealed = settler.sealAhead(pending.request_id, seal, sender=stranger)
    req = request_via(consumer, INPUT)
    assert req.request_id == next_id
    settler.becomeNode(model_id, sender=stranger, value=PARAMS.min_stake)
    chain.pending_timestamp = req.field("windowEnd")
    with ape.reverts(
        coordinator.FulfillmentNotSealed,
        requestId=next_id,
        node=settler.address,
        sealedAtBlock=sealed.block_number,
    ):
        settler.fulfil(req.request_id, req.commitment, PROOF, instances, sender=stranger)


def test_a_batch_seal_made_before_a_request_of_the_batch_does_not_count(
    chain, coordinator, node_registry, settler, stranger, requester, operator, batch_model
):
    node_registry.stake(sender=operator, value=PARAMS.min_stake)
    node_registry.addModel(batch_model, sender=operator)
    contract = settler
    first = parse_request(
        coordinator.requestInference(
            batch_model, [7, 7, 7], CALLBACK_GAS, sender=requester, value=FEE
        ),
        coordinator,
    )
    next_id = first.request_id + 1
    instances = batch_instances(INPUT)
    seal = coordinator.batchSeal([next_id], contract, PROOF, instances)
    sealed = contract.sealAhead(first.request_id, seal, sender=stranger)
    req = parse_request(
        coordinator.requestInference(batch_model, INPUT, CALLBACK_GAS, sender=requester, value=FEE),
        coordinator,
    )
    assert req.request_id == next_id
    contract.becomeNode(batch_model, sender=stranger, value=PARAMS.min_stake)
    chain.pending_timestamp = req.field("windowEnd")
    with ape.reverts(coordinator.FulfillmentNotSealed, sealedAtBlock=sealed.block_number):
        contract.fulfilBatch([next_id], [req.commitment], PROOF, instances, sender=stranger)


def test_the_primary_fulfils_from_the_next_block(chain, coordinator, pending, staked):
    """The rule costs an honest primary nothing: the block after the request is open."""
    [primary] = [n for n in staked if n.address == pending.primary]
    assert chain.blocks.head.number == pending.field("requestBlock")
    receipt = coordinator.fulfill(
        pending.request_id, pending.commitment, PROOF, instances_for(INPUT, OUTPUT), sender=primary
    )
    assert receipt.block_number == pending.field("requestBlock") + 1
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert log.node == primary.address
