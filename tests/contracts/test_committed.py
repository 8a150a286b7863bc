"""Committed requests with real circuits that hash their inputs: ``breast_cancer_c1`` (one
request a proof, ``fulfill``) and ``breast_cancer_c22`` (22 a proof, ``fulfillBatch``), their
real generated verifiers and real EZKL proofs. Only the commitment goes on-chain; a proof
settles a request only when its hash instance is the request's commitment; a primary closes a
request whose committed input no node can prove by opening it (``disputeInput``), and a
dispute of a provable or unopened input is refused."""

from __future__ import annotations

import ape
import pytest
from eth_abi import encode
from eth_utils import keccak

from oracle_node.chain.contracts import COMMITMENT_FIELDS
from oracle_node.circuits import poseidon
from oracle_node.circuits.poseidon import FIELD_MODULUS
from oracle_node.protocol.committed import CommittedInput, commit

from .conftest import BATCHED_COMMITTED as BATCHED
from .conftest import CALLBACK_GAS, DELIVERED, FEE, SALTS
from .conftest import SINGLE_COMMITTED as SINGLE


def test_only_the_commitment_goes_on_chain(
    coordinator, committed_models, committed_inputs, request_committed
):
    c = committed_inputs[0]
    req, receipt = request_committed(committed_models[SINGLE], c)
    assert req.input == [c.commitment]
    fields = dict(zip(COMMITMENT_FIELDS, req.commitment, strict=True))
    assert fields["inputLen"] == 1
    assert fields["inputHash"] == keccak(encode(["uint256"], [c.commitment]))
    # The call carries four words and an empty delivery; its one log is the request's.
    assert len(bytes(receipt.transaction.data)) == 4 + 5 * 32
    assert [log.event_name for log in receipt.decode_logs()] == ["InferenceRequested"]


def test_a_delivery_travels_in_its_own_event(
    coordinator, committed_models, committed_inputs, request_committed
):
    c = committed_inputs[1]
    req, receipt = request_committed(committed_models[SINGLE], c, delivery=c.delivery())
    [event] = list(receipt.events.filter(coordinator.InputDelivered))
    assert (event.requestId, bytes(event.data)) == (req.request_id, c.delivery())


def test_each_kind_of_model_refuses_the_other_kind_of_request(
    coordinator, committed_models, committed_inputs, real_models, requester
):
    c = committed_inputs[0]
    committed = committed_models[SINGLE]
    public = real_models["breast_cancer"]
    before = coordinator.requestCount()
    with ape.reverts(coordinator.ModelTakesCommittedInputs, modelId=committed):
        coordinator.requestInference(
            committed, list(c.inputs), CALLBACK_GAS, sender=requester, value=FEE
        )
    with ape.reverts(coordinator.ModelTakesPublicInputs, modelId=public):
        coordinator.requestCommitted(
            public, c.commitment, CALLBACK_GAS, b"", sender=requester, value=FEE
        )
    with ape.reverts(coordinator.CommitmentNotInField, inputCommitment=FIELD_MODULUS):
        coordinator.requestCommitted(
            committed, FIELD_MODULUS, CALLBACK_GAS, b"", sender=requester, value=FEE
        )
    assert coordinator.requestCount() == before


def test_a_committed_request_is_fulfilled_with_a_real_proof(
    coordinator,
    consumer,
    committed_models,
    committed_inputs,
    committed_node,
    committed_proof,
    request_committed,
    provers,
):
    c = committed_inputs[0]
    req, _ = request_committed(committed_models[SINGLE], c)
    assert req.primary == committed_node.address
    proof = committed_proof(SINGLE, (0,))
    assert proof.instances[0] == c.commitment
    credit = coordinator.credits(committed_node)
    receipt = coordinator.fulfill(
        req.request_id, req.commitment, proof.proof, proof.instances, sender=committed_node
    )
    [event] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    expected = provers(SINGLE).witness_outputs(list(c.inputs))
    assert (event.result, list(event.output)) == (DELIVERED, expected)
    assert list(consumer.lastOutput()) == expected
    assert coordinator.credits(committed_node) == credit + FEE
    assert coordinator.commitmentOf(req.request_id) == b"\x00" * 32


@pytest.mark.parametrize("other", ["another salt", "another input"])
def test_a_proof_for_another_opening_is_refused(
    coordinator,
    consumer,
    committed_models,
    committed_inputs,
    committed_node,
    committed_proof,
    request_committed,
    other,
):
    """The request commits to sample 2 with salt 3 and the proof is of sample 2 with salt 2
    (the same output, another hash); or the request commits to sample 2 with salt 2 and the
    proof is of sample 0 (another input)."""
    target = committed_inputs[2]
    c = commit(target.inputs, SALTS[3]) if other == "another salt" else target
    req, _ = request_committed(committed_models[SINGLE], c)
    proof = committed_proof(SINGLE, (2,) if other == "another salt" else (0,))
    if other == "another salt":
        assert proof.outputs == committed_proof(SINGLE, (2,)).outputs
    with ape.reverts(coordinator.InputInstancesMismatch, requestId=req.request_id):
        coordinator.fulfill(
            req.request_id, req.commitment, proof.proof, proof.instances, sender=committed_node
        )
    assert coordinator.commitmentOf(req.request_id) != b"\x00" * 32


def test_a_batch_of_committed_requests_is_fulfilled_in_one_transaction(
    coordinator,
    consumer,
    committed_models,
    committed_inputs,
    committed_node,
    committed_proof,
    request_committed,
    provers,
):
    reqs = [request_committed(committed_models[BATCHED], committed_inputs[i])[0] for i in range(3)]
    proof = committed_proof(BATCHED, (0, 1, 2))
    ape.chain.mine(1)
    # Slots out of order: each slot's hash must be its request's commitment.
    swapped = [reqs[1], reqs[0], reqs[2]]
    with ape.reverts(coordinator.InputInstancesMismatch):
        coordinator.fulfillBatch(
            [r.request_id for r in swapped],
            [r.commitment for r in swapped],
            proof.proof,
            proof.instances,
            sender=committed_node,
        )
    receipt = coordinator.fulfillBatch(
        [r.request_id for r in reqs],
        [r.commitment for r in reqs],
        proof.proof,
        proof.instances,
        sender=committed_node,
    )
    events = list(receipt.events.filter(coordinator.InferenceFulfilled))
    prover = provers(BATCHED)
    assert [int(e.requestId) for e in events] == [r.request_id for r in reqs]
    for i, event in enumerate(events):
        assert list(event.output) == prover.witness_outputs(list(committed_inputs[i].inputs))
        assert event.result == DELIVERED
    assert all(coordinator.commitmentOf(r.request_id) == b"\x00" * 32 for r in reqs)


# --- an input no node can prove --------------------------------------------------------------


def opening_commitment(inputs: list[int], salt: list[int]) -> int:
    """The commitment of any opening, well-formed or not (the helper refuses bad salts)."""
    return poseidon.hash_felts([v % poseidon.FIELD_MODULUS for v in (*inputs, *salt)])


@pytest.mark.parametrize(
    "fault", ["a value above the bound", "a salt value too large", "too short"]
)
def test_an_unprovable_committed_input_closes_the_request_without_a_slash(
    coordinator,
    model_registry,
    node_registry,
    committed_models,
    committed_node,
    held_out_inputs,
    request_committed,
    requester,
    consumer,
    fault,
):
    model = committed_models[SINGLE]
    bound = int(model_registry.getModelTerms(model).maxAbsInput)
    inputs, salt = held_out_inputs("breast_cancer", 3), list(SALTS[0])
    if fault == "a value above the bound":
        inputs[4] = -(bound + 1)
    elif fault == "a salt value too large":
        salt[5] = 2**24
    else:
        inputs = inputs[:-1]
    c = CommittedInput(tuple(inputs), tuple(salt), opening_commitment(inputs, salt))
    req, _ = request_committed(model, c)
    stake = node_registry.getNode(committed_node).stake
    credit = coordinator.credits(committed_node)
    ape.chain.mine(1)
    receipt = coordinator.disputeInput(
        req.request_id, req.commitment, inputs, salt, sender=committed_node
    )
    [event] = list(receipt.events.filter(coordinator.InputUnprovable))
    assert (event.requestId, event.node) == (req.request_id, committed_node.address)
    assert coordinator.credits(committed_node) == credit + FEE
    assert node_registry.getNode(committed_node).stake == stake
    assert coordinator.credits(consumer) == 0
    assert coordinator.commitmentOf(req.request_id) == b"\x00" * 32
    assert int(consumer.lastRequestId()) != req.request_id  # no callback
    if fault == "a value above the bound":
        print(f"disputeInput of 30 values and a 6-value salt: {receipt.gas_used:,} gas")


def test_a_false_dispute_is_refused_and_the_request_stays_open(
    coordinator,
    committed_models,
    committed_inputs,
    committed_node,
    request_committed,
    committed_proof,
    accounts,
    real_models,
    request_via,
    consumer,
    real_staked,
):
    c = committed_inputs[0]
    req, _ = request_committed(committed_models[SINGLE], c)
    ape.chain.mine(1)
    args = (req.request_id, req.commitment)
    with ape.reverts(coordinator.InputProvable, requestId=req.request_id):
        coordinator.disputeInput(*args, list(c.inputs), list(c.salt), sender=committed_node)
    with ape.reverts(coordinator.OpeningMismatch, requestId=req.request_id):
        coordinator.disputeInput(*args, list(c.inputs), list(SALTS[3]), sender=committed_node)
    with ape.reverts(coordinator.NotPrimaryNode):
        coordinator.disputeInput(*args, list(c.inputs), list(c.salt), sender=accounts[8])
    public = request_via(consumer, [1, -2, 3] * 10, model=real_models["breast_cancer"])
    ape.chain.mine(1)
    with ape.reverts(coordinator.ModelTakesPublicInputs):
        coordinator.disputeInput(
            public.request_id, public.commitment, [1, -2, 3] * 10, [0] * 6, sender=committed_node
        )
    # Still open: the primary answers it with its proof.
    proof = committed_proof(SINGLE, (0,))
    coordinator.fulfill(*args, proof.proof, proof.instances, sender=committed_node)
    assert coordinator.commitmentOf(req.request_id) == b"\x00" * 32
