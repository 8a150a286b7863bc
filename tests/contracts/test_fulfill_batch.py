"""fulfillBatch: one proof settles up to N requests of a model (mock verifier; slot layout,
every refusal with nothing changed, skips, stand-ins and their seal, per-request slashing,
effects before callbacks, each callback's own exact gas)."""

from __future__ import annotations

from typing import Any

import ape
import pytest
from eth_abi import encode
from eth_utils import keccak

from .conftest import CALLBACK_GAS, FEE, PARAMS, mock_spec, primary_node
from .helpers import Request, from_felt, to_felt

N = 16
INPUT_LEN = 3
OUTPUT_LEN = 2
PROOF = b"\x01" * 64
DELIVERED, REVERTED, OUT_OF_GAS, NO_CODE, SKIPPED = range(5)


@pytest.fixture(scope="module")
def nodes(accounts: Any, node_registry: Any) -> list[Any]:
    """Two operators of their own (the shared fixtures' nodes may already serve as many models
    as a node may), staked at the minimum."""
    pair = [accounts[7], accounts[8]]
    for node in pair:
        node_registry.stake(sender=node, value=PARAMS.min_stake)
    return pair


@pytest.fixture(scope="module")
def batch_model(
    model_registry: Any, node_registry: Any, mock_verifier: Any, owner: Any, nodes: list[Any]
) -> int:
    """A mock model proven 16 requests at a time, served by the first node alone (so it is the
    primary of every request made before the second node joins)."""
    model_registry.registerModel(mock_spec(mock_verifier.address, batch_size=N), sender=owner)
    model = int(model_registry.modelCount())
    node_registry.addModel(model, sender=nodes[0])
    return model


def output_of(slot: int) -> list[int]:
    return [slot + 1, -(slot + 100)]


def batch_instances(
    reqs: list[Request], *, n: int = N, outputs: list[list[int]] | None = None
) -> list[int]:
    """N inputs then N outputs; slots past the requests are padding (zeros in, 9s out)."""
    inputs: list[int] = []
    outs: list[int] = []
    for slot in range(n):
        if slot < len(reqs):
            inputs += [to_felt(v) for v in reqs[slot].input]
            outs += [to_felt(v) for v in (outputs[slot] if outputs else output_of(slot))]
        else:
            inputs += [0] * INPUT_LEN
            outs += [to_felt(9)] * OUTPUT_LEN
    return inputs + outs


def batch_args(reqs: list[Request], **kwargs: Any) -> tuple[Any, ...]:
    ids = kwargs.pop("ids", [r.request_id for r in reqs])
    commitments = kwargs.pop("commitments", [r.commitment for r in reqs])
    proof = kwargs.pop("proof", PROOF)
    instances = kwargs.pop("instances", None)
    if instances is None:
        instances = batch_instances(reqs)
    return ids, commitments, proof, instances


def fulfil_batch(coordinator: Any, reqs: list[Request], node: Any, **kwargs: Any) -> Any:
    args = batch_args(reqs, **{k: kwargs.pop(k) for k in list(kwargs) if k in _ARG_KEYS})
    return coordinator.fulfillBatch(*args, sender=node, **kwargs)


_ARG_KEYS = {"ids", "commitments", "proof", "instances"}


def values_of(i: int) -> list[int]:
    return [i + 1, -(i + 2), 3 * i]


@pytest.fixture
def make(chain: Any, request_via: Any, consumer: Any, batch_model: int):
    """Make `count` requests of the batch model (distinct inputs) from a consumer."""

    def go(
        count: int, via: Any = None, *, gas: int = CALLBACK_GAS, start: int = 0
    ) -> list[Request]:
        reqs = [
            request_via(via or consumer, values_of(start + i), gas=gas, model=batch_model)
            for i in range(count)
        ]
        chain.mine()  # the last request's block is sealed: every primary is drawn
        return reqs

    return go


def state(coordinator: Any, reqs: list[Request], accounts: list[Any]) -> tuple[Any, ...]:
    """Everything a refused batch must leave as it was."""
    return (
        [bytes(coordinator.commitmentOf(r.request_id)) for r in reqs],
        [coordinator.credits(a) for a in accounts],
        coordinator.balance,
    )


def fulfilled_logs(coordinator: Any, receipt: Any) -> list[Any]:
    return list(receipt.events.filter(coordinator.InferenceFulfilled))


# ---------------------------------------------------------------------------- settling


def test_primary_settles_a_full_batch(coordinator, consumer, make, nodes):
    node_a = nodes[0]
    reqs = make(N)
    assert {r.primary for r in reqs} == {node_a.address}
    args = batch_args(reqs)
    assert list(coordinator.fulfillBatch.call(*args, sender=node_a)) == [DELIVERED] * N
    receipt = coordinator.fulfillBatch(*args, sender=node_a)
    logs = fulfilled_logs(coordinator, receipt)
    assert [int(log.requestId) for log in logs] == [r.request_id for r in reqs]
    for slot, log in enumerate(logs):
        assert log.node == node_a.address
        assert (log.result, log.slashed) == (DELIVERED, 0)
        assert list(log.output) == output_of(slot)
    assert coordinator.credits(node_a) == N * FEE
    assert all(coordinator.commitmentOf(r.request_id) == b"\x00" * 32 for r in reqs)
    assert consumer.deliveries() == N
    assert consumer.lastRequestId() == reqs[-1].request_id
    assert list(consumer.lastOutput()) == output_of(N - 1)


def test_a_partial_batch_discards_the_padding(coordinator, consumer, make, nodes):
    reqs = make(3)
    receipt = fulfil_batch(coordinator, reqs, nodes[0])
    logs = fulfilled_logs(coordinator, receipt)
    assert [list(log.output) for log in logs] == [output_of(s) for s in range(3)]
    assert consumer.deliveries() == 3
    assert coordinator.credits(nodes[0]) == 3 * FEE


def test_the_outputs_are_read_from_the_documented_slots(coordinator, make, nodes):
    """Slot i's output is instances[N*inputLen + i*outputLen ...]; a negative felt decodes."""
    reqs = make(2)
    outputs = [[-5, 2**60], [0, -(2**100)]]
    instances = batch_instances(reqs, outputs=outputs)
    assert instances[N * INPUT_LEN + OUTPUT_LEN : N * INPUT_LEN + 2 * OUTPUT_LEN] == [
        to_felt(v) for v in outputs[1]
    ]
    receipt = fulfil_batch(coordinator, reqs, nodes[0], instances=instances)
    assert [list(log.output) for log in fulfilled_logs(coordinator, receipt)] == outputs
    assert from_felt(instances[N * INPUT_LEN]) == -5


def test_a_batch_of_a_batch_size_one_model_settles_one_request(
    coordinator, consumer, pending, staked
):
    primary = primary_node(pending, staked)
    instances = batch_instances([pending], n=1)
    receipt = coordinator.fulfillBatch(
        [pending.request_id], [pending.commitment], PROOF, instances, sender=primary
    )
    [log] = fulfilled_logs(coordinator, receipt)
    assert list(log.output) == output_of(0)
    assert coordinator.credits(primary) == FEE


# ---------------------------------------------------------------------------- refusals


def _refused(coordinator, reqs, node, error, args, /, **fields):
    """The batch reverts with `error(**fields)` and nothing changed."""
    watched = [node, *_WATCHED]
    before = state(coordinator, reqs, watched)
    with ape.reverts(error, **fields):
        coordinator.fulfillBatch(*args, sender=node)
    assert state(coordinator, reqs, watched) == before


#: Accounts whose credit a refused batch must leave alone (set per test).
_WATCHED: list[Any] = []


@pytest.fixture(autouse=True)
def _watch(consumer: Any, nodes: list[Any], staked: list[Any]) -> None:
    _WATCHED[:] = [consumer, *nodes, *staked]


def test_refuses_mismatched_lengths(coordinator, make, nodes):
    reqs = make(2)
    ids, commitments, proof, instances = batch_args(reqs)
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.BatchLengthMismatch,
        (ids, commitments[:1], proof, instances),
        requestIds=2,
        commitments=1,
    )


def test_refuses_an_empty_batch(coordinator, make, nodes):
    reqs = make(1)
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.BatchSizeOutOfRange,
        ([], [], PROOF, batch_instances([])),
        requests=0,
        batchSize=0,
    )


def test_refuses_more_requests_than_the_batch_size(coordinator, make, nodes, pending):
    reqs = make(1)
    args = batch_args(reqs * (N + 1))
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.BatchSizeOutOfRange,
        args,
        requests=N + 1,
        batchSize=N,
    )
    # A batch-size-1 model takes one request per batch.
    two = [pending, pending]
    _refused(
        coordinator,
        [pending],
        nodes[0],
        coordinator.BatchSizeOutOfRange,
        batch_args(two, instances=batch_instances(two, n=1)),
        requests=2,
        batchSize=1,
    )


def test_refuses_an_unknown_model(coordinator, make, nodes):
    reqs = make(1)
    forged = list(reqs[0].commitment)
    forged[0] = 999
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.BatchSizeOutOfRange,
        batch_args(reqs, commitments=[tuple(forged)]),
        requests=1,
        batchSize=0,
    )


def test_refuses_a_request_of_another_model(coordinator, make, pending, nodes):
    """Slot 1 carries the real commitment of a request of the batch-size-1 model."""
    reqs = make(1)
    later = make(1, start=5)
    other_model = pending.field("modelId")
    batch = [reqs[0], later[0]]
    commitments = [reqs[0].commitment, pending.commitment]
    _refused(
        coordinator,
        batch,
        nodes[0],
        coordinator.BatchModelMismatch,
        batch_args(batch, commitments=commitments),
        requestId=later[0].request_id,
        modelId=other_model,
        batchModelId=reqs[0].field("modelId"),
    )


def test_refuses_a_duplicate_request(coordinator, make, nodes):
    reqs = make(2)
    twice = [reqs[0], reqs[0], reqs[1]]
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.DuplicateRequestInBatch,
        batch_args(twice),
        requestId=reqs[0].request_id,
    )


def test_refuses_descending_ids(coordinator, make, nodes):
    reqs = make(2)
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.RequestIdsNotAscending,
        batch_args(list(reversed(reqs))),
        previous=reqs[1].request_id,
        requestId=reqs[0].request_id,
    )


def test_refuses_padding_that_claims_to_be_a_request(coordinator, make, nodes):
    reqs = make(2)
    for ids in ([0], [0, reqs[0].request_id]):
        _refused(
            coordinator,
            reqs,
            nodes[0],
            coordinator.PaddingClaimedAsRequest,
            batch_args(reqs[: len(ids)], ids=ids),
        )


def test_refuses_an_altered_commitment(coordinator, make, nodes):
    reqs = make(3)
    altered = list(reqs[1].commitment)
    altered[3] = FEE * 10  # claim a larger fee
    commitments = [reqs[0].commitment, tuple(altered), reqs[2].commitment]
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.CommitmentMismatch,
        batch_args(reqs, commitments=commitments),
        requestId=reqs[1].request_id,
    )


@pytest.mark.parametrize("delta", [-1, 1, -OUTPUT_LEN * N])
def test_refuses_a_wrong_instance_count(coordinator, make, nodes, delta):
    reqs = make(2)
    instances = batch_instances(reqs)
    instances = instances[:delta] if delta < 0 else instances + [0] * delta
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.BatchInstanceCountMismatch,
        batch_args(reqs, instances=instances),
        got=len(instances),
        want=N * (INPUT_LEN + OUTPUT_LEN),
    )


def test_refuses_inputs_in_the_wrong_slots(coordinator, make, nodes):
    reqs = make(2)
    swapped = batch_instances([reqs[1], reqs[0]])
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.InputInstancesMismatch,
        batch_args(reqs, instances=swapped),
        requestId=reqs[0].request_id,
    )
    # Slot 1's input altered in one felt.
    bad = batch_instances(reqs)
    bad[INPUT_LEN + 2] += 1
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.InputInstancesMismatch,
        batch_args(reqs, instances=bad),
        requestId=reqs[1].request_id,
    )


@pytest.mark.parametrize("mode", [1, 2])
def test_refuses_an_invalid_proof(coordinator, mock_verifier, owner, make, nodes, mode):
    reqs = make(2)
    mock_verifier.setMode(mode, sender=owner)
    _refused(
        coordinator,
        reqs,
        nodes[0],
        coordinator.InvalidProof,
        batch_args(reqs),
        requestId=reqs[0].request_id,
    )


def test_refuses_a_node_that_is_not_the_primary_inside_the_window(
    coordinator, node_registry, make, batch_model, nodes
):
    reqs = make(2)
    node_b = nodes[1]
    node_registry.addModel(batch_model, sender=node_b)
    _refused(
        coordinator,
        reqs,
        node_b,
        coordinator.NotPrimaryNode,
        batch_args(reqs),
        requestId=reqs[0].request_id,
        node=node_b.address,
        primary=nodes[0].address,
        windowEnd=reqs[0].field("windowEnd"),
    )


# ---------------------------------------------------------------------------- skips


def test_settled_requests_are_skipped(coordinator, consumer, make, nodes):
    node_a = nodes[0]
    reqs = make(3)
    fulfil_batch(coordinator, reqs[1:2], node_a)  # someone settles the middle one first
    args = batch_args(reqs)
    assert list(coordinator.fulfillBatch.call(*args, sender=node_a)) == [
        DELIVERED,
        SKIPPED,
        DELIVERED,
    ]
    receipt = coordinator.fulfillBatch(*args, sender=node_a)
    logs = fulfilled_logs(coordinator, receipt)
    assert [int(log.requestId) for log in logs] == [reqs[0].request_id, reqs[2].request_id]
    assert [list(log.output) for log in logs] == [output_of(0), output_of(2)]
    assert coordinator.credits(node_a) == 3 * FEE  # 1 + 2, never twice
    assert consumer.deliveries() == 3


def test_expired_requests_are_skipped_and_stay_cancellable(
    chain, coordinator, consumer, make, nodes
):
    node_a = nodes[0]
    [old] = make(1)
    chain.pending_timestamp = old.field("deadline") + 1
    chain.mine()
    fresh = make(2, start=1)
    batch = [old, *fresh]
    receipt = fulfil_batch(coordinator, batch, node_a)
    logs = fulfilled_logs(coordinator, receipt)
    assert [int(log.requestId) for log in logs] == [r.request_id for r in fresh]
    assert coordinator.credits(node_a) == 2 * FEE
    assert coordinator.commitmentOf(old.request_id) == old.stored_hash()
    coordinator.cancelRequest(old.request_id, old.commitment, sender=node_a)
    assert coordinator.credits(consumer) == FEE


def test_nothing_left_to_settle_reverts_before_verifying(
    coordinator, mock_verifier, owner, make, nodes
):
    node_a = nodes[0]
    reqs = make(2)
    fulfil_batch(coordinator, reqs, node_a)
    # The verifier would reject now: the skip check comes first, so the error says why.
    mock_verifier.setMode(1, sender=owner)
    _refused(coordinator, reqs, node_a, coordinator.NothingToSettle, batch_args(reqs))


# ---------------------------------------------------------------------------- stand-ins


def _seal(coordinator, node, args, named_request):
    ids, _, proof, instances = args
    seal = coordinator.batchSeal(ids, node.address, proof, instances)
    coordinator.sealFulfillment(named_request, seal, sender=node)
    return seal


def test_batch_seal_is_the_documented_hash(coordinator, make, nodes):
    reqs = make(2)
    ids, _, proof, instances = batch_args(reqs)
    want = keccak(
        encode(
            ["bytes32", "address", "bytes32", "bytes32"],
            [
                keccak(b"".join(i.to_bytes(32, "big") for i in ids)),
                nodes[1].address,
                keccak(proof),
                keccak(b"".join(x.to_bytes(32, "big") for x in instances)),
            ],
        )
    )
    assert bytes(coordinator.batchSeal(ids, nodes[1].address, proof, instances)) == want


def test_stand_in_without_a_seal_is_refused(
    chain, coordinator, node_registry, make, batch_model, nodes
):
    reqs = make(2)
    node_b = nodes[1]
    node_registry.addModel(batch_model, sender=node_b)
    chain.pending_timestamp = reqs[1].field("windowEnd")
    _refused(
        coordinator,
        reqs,
        node_b,
        coordinator.FulfillmentNotSealed,
        batch_args(reqs),
        requestId=reqs[0].request_id,
        node=node_b.address,
        sealedAtBlock=0,
    )
    # A seal of a single request's fulfilment does not cover a batch.
    args = batch_args(reqs)
    single = coordinator.fulfillmentSeal(reqs[0].request_id, node_b, PROOF, args[3])
    coordinator.sealFulfillment(reqs[0].request_id, single, sender=node_b)
    _refused(coordinator, reqs, node_b, coordinator.FulfillmentNotSealed, args)


def test_ineligible_stand_in_is_refused(chain, coordinator, make, nodes, operator):
    reqs = make(2)
    args = batch_args(reqs)
    _seal(coordinator, operator, args, reqs[0].request_id)
    chain.pending_timestamp = reqs[1].field("windowEnd")
    _refused(
        coordinator,
        reqs,
        operator,
        coordinator.NodeNotEligible,
        args,
        requestId=reqs[0].request_id,
        node=operator.address,
    )


def test_sealed_stand_in_settles_and_slashes_per_request(
    chain, coordinator, node_registry, consumer, make, batch_model, nodes, owner
):
    """Each request's primary is slashed at the terms that request was made under, in its
    requester's favour; the seal is spent once."""
    node_a, node_b = nodes
    first = make(1)
    node_registry.setSlashParams(10**17, 5_000, sender=owner)
    second = make(1, start=1)
    reqs = first + second
    node_registry.addModel(batch_model, sender=node_b)
    args = batch_args(reqs)
    seal = _seal(coordinator, node_b, args, reqs[1].request_id)
    chain.pending_timestamp = reqs[1].field("windowEnd")
    stake_before = node_registry.getNode(node_a).stake
    receipt = coordinator.fulfillBatch(*args, sender=node_b)
    slashes = list(receipt.events.filter(node_registry.NodeSlashed))
    terms = [(PARAMS.slash_amount, PARAMS.harmed_share_bps), (10**17, 5_000)]
    assert [(s.node, s.harmedParty) for s in slashes] == [(node_a.address, consumer.address)] * 2
    assert [(int(s.amount), int(s.harmedShare)) for s in slashes] == [
        (amount, amount * bps // 10_000) for amount, bps in terms
    ]
    logs = fulfilled_logs(coordinator, receipt)
    assert [(log.node, int(log.slashed)) for log in logs] == [
        (node_b.address, amount) for amount, _ in terms
    ]
    assert node_registry.getNode(node_a).stake == stake_before - sum(a for a, _ in terms)
    assert coordinator.credits(node_b) == 2 * FEE
    assert coordinator.sealedAt(node_b, seal) == 0  # spent


def test_stand_in_is_slashed_for_only_the_requests_it_was_not_primary_of(
    chain, coordinator, node_registry, make, batch_model, nodes
):
    """node_b joins after the first request: it is primary of none of that one, and of some of
    the later ones; after the window it settles all of them with one seal."""
    node_a, node_b = nodes
    node_registry.stake(sender=node_a, value=10 * PARAMS.min_stake)  # room for every slash
    early = make(1)
    node_registry.addModel(batch_model, sender=node_b)
    chain.mine()
    late = make(6, start=1)
    reqs = early + late
    assert reqs[0].primary == node_a.address
    args = batch_args(reqs)
    _seal(coordinator, node_b, args, reqs[0].request_id)
    chain.pending_timestamp = reqs[-1].field("windowEnd")
    receipt = coordinator.fulfillBatch(*args, sender=node_b)
    slashed = {int(log.requestId): int(log.slashed) for log in fulfilled_logs(coordinator, receipt)}
    assert slashed == {
        r.request_id: (0 if r.primary == node_b.address else PARAMS.slash_amount) for r in reqs
    }
    slashes = list(receipt.events.filter(node_registry.NodeSlashed))
    assert len(slashes) == sum(1 for r in reqs if r.primary != node_b.address)


def test_a_primary_of_some_cannot_take_the_others_inside_the_window(
    coordinator, node_registry, make, batch_model, nodes
):
    node_a, node_b = nodes
    node_registry.addModel(batch_model, sender=node_b)
    reqs = make(8)
    mine = [r for r in reqs if r.primary == node_b.address]
    theirs = [r for r in reqs if r.primary == node_a.address]
    if not mine or not theirs:
        pytest.skip("the draw gave every request to one node")
    _refused(
        coordinator,
        reqs,
        node_b,
        coordinator.NotPrimaryNode,
        batch_args(reqs),
        requestId=theirs[0].request_id,
        node=node_b.address,
        primary=node_a.address,
        windowEnd=theirs[0].field("windowEnd"),
    )
    # Its own requests alone settle without a seal.
    receipt = fulfil_batch(coordinator, mine, node_b)
    assert len(fulfilled_logs(coordinator, receipt)) == len(mine)


# ---------------------------------------------------------------------------- callbacks


def test_each_callback_gets_its_own_exact_gas_and_fails_alone(
    project, coordinator, requester, make, nodes
):
    reverting = requester.deploy(project.RevertingConsumer, coordinator.address)
    burning = requester.deploy(project.GasBurningConsumer, coordinator.address)
    probe = requester.deploy(project.GasProbeConsumer, coordinator.address)
    recording = requester.deploy(project.RecordingConsumer, coordinator.address)
    limits = [90_000, 150_000, 70_000, 200_000, 110_000]
    vias = [reverting, burning, probe, recording, probe]
    reqs = [
        make(1, via, gas=limit, start=i)[0]
        for i, (via, limit) in enumerate(zip(vias, limits, strict=True))
    ]
    args = batch_args(reqs)
    assert list(coordinator.fulfillBatch.call(*args, sender=nodes[0])) == [
        REVERTED,
        OUT_OF_GAS,
        DELIVERED,
        DELIVERED,
        DELIVERED,
    ]
    receipt = coordinator.fulfillBatch(*args, sender=nodes[0])
    assert [log.result for log in fulfilled_logs(coordinator, receipt)] == [
        REVERTED,
        OUT_OF_GAS,
        DELIVERED,
        DELIVERED,
        DELIVERED,
    ]
    # Each probe got its own limit: at entry it has the limit less the call's dispatch.
    for req, limit in ((reqs[2], 70_000), (reqs[4], 110_000)):
        left = probe.gasAtEntry(req.request_id)
        assert limit - 1_000 < left <= limit
    assert recording.deliveries() == 1 and list(recording.lastOutput()) == output_of(3)
    assert receipt.gas_used > sum(limits[:2])  # the burner used all of its limit
    assert coordinator.credits(nodes[0]) == 5 * FEE


def test_too_little_gas_for_the_callbacks_reverts(coordinator, make, nodes, consumer):
    reqs = make(2, gas=900_000)
    args = batch_args(reqs)
    want = 2 * (900_000 * 64 // 63 + 5_000)
    before = state(coordinator, reqs, [nodes[0], consumer])
    with ape.reverts(coordinator.InsufficientGasForCallbacks, want=want):
        coordinator.fulfillBatch(*args, sender=nodes[0], gas=700_000)
    assert state(coordinator, reqs, [nodes[0], consumer]) == before
    receipt = coordinator.fulfillBatch(*args, sender=nodes[0], gas=2_500_000)
    assert len(fulfilled_logs(coordinator, receipt)) == 2


def _reentrant_batch(project, coordinator, requester, make):
    reentrant = requester.deploy(project.ReentrantConsumer, coordinator.address)
    first = make(1, reentrant, gas=400_000)
    later = make(2, start=1)
    return reentrant, first + later


def test_a_reentrant_consumer_cannot_settle_a_later_request_of_its_batch(
    project, coordinator, requester, consumer, make, nodes
):
    reentrant, reqs = _reentrant_batch(project, coordinator, requester, make)
    later = reqs[1]
    single = [to_felt(v) for v in later.input] + [to_felt(v) for v in output_of(1)]
    reentrant.arm(
        coordinator.fulfill.encode_input(later.request_id, later.commitment, PROOF, single),
        sender=requester,
    )
    receipt = fulfil_batch(coordinator, reqs, nodes[0])
    assert len(fulfilled_logs(coordinator, receipt)) == 3
    assert reentrant.deliveries() == 1 and not reentrant.reentrySucceeded()
    selector = keccak(b"RequestNotPending(uint256)")[:4]
    assert bytes(reentrant.reentryRevertData()) == selector + encode(
        ["uint256"], [later.request_id]
    )
    assert consumer.deliveries() == 2  # each later request delivered once
    assert coordinator.credits(nodes[0]) == 3 * FEE
    assert coordinator.credits(reentrant) == 0


def test_a_reentrant_consumer_cannot_replay_the_batch(
    project, coordinator, requester, consumer, make, nodes
):
    reentrant, reqs = _reentrant_batch(project, coordinator, requester, make)
    reentrant.arm(coordinator.fulfillBatch.encode_input(*batch_args(reqs[1:])), sender=requester)
    fulfil_batch(coordinator, reqs, nodes[0])
    assert not reentrant.reentrySucceeded()
    assert bytes(reentrant.reentryRevertData()) == keccak(b"NothingToSettle()")[:4]
    assert consumer.deliveries() == 2
    assert coordinator.credits(nodes[0]) == 3 * FEE


# ---------------------------------------------------------------------------- accounting


def test_balance_is_pending_fees_plus_credits_after_batches(
    chain, coordinator, node_registry, consumer, make, batch_model, nodes, accounts
):
    node_a, node_b = nodes
    reqs = make(6)
    fulfil_batch(coordinator, reqs[:3], node_a)
    node_registry.addModel(batch_model, sender=node_b)
    args = batch_args(reqs[3:5])
    _seal(coordinator, node_b, args, reqs[3].request_id)
    chain.pending_timestamp = reqs[4].field("windowEnd")
    coordinator.fulfillBatch(*args, sender=node_b)
    pending_fees = sum(
        FEE
        for request_id in range(1, coordinator.requestCount() + 1)
        if coordinator.commitmentOf(request_id) != b"\x00" * 32
    )
    holders = [*accounts[:10], consumer]
    credits = sum(coordinator.credits(a) for a in holders)
    assert credits == 5 * FEE
    assert pending_fees >= FEE  # reqs[5] at least
    assert coordinator.balance == pending_fees + credits
