"""Optimistic requests: an output posted without a proof, final after the model's challenge
window unless someone proves another output first (mock verifier: the proof's output is its
instances'). Every refusal, who is paid and who is slashed, one callback with the final output,
and the books after each test."""

from __future__ import annotations

from typing import Any

import ape
import pytest
from eth_abi import encode

from oracle_node.chain.contracts import POSTING_FIELDS, posting_of, posting_tuple

from .conftest import CALLBACK_GAS, FEE, PARAMS, mock_spec
from .helpers import Request, instances_for, parse_request

WINDOW = 600
BOND = 3 * 10**17
PROOF = b"\x01" * 64
INPUT = [1, -2, 3]
TRUE_OUTPUT = [5, -7]
LIE = [6, -7]
DELIVERED, REVERTED, OUT_OF_GAS, NO_CODE, SKIPPED = range(5)


@pytest.fixture(scope="module")
def nodes(accounts: Any, node_registry: Any) -> list[Any]:
    """Two operators of their own (the shared ones may serve as many models as allowed)."""
    pair = [accounts[7], accounts[8]]
    for node in pair:
        node_registry.stake(sender=node, value=PARAMS.min_stake)
    return pair


@pytest.fixture(scope="module")
def opt_model(model_registry: Any, node_registry: Any, mock_verifier: Any, owner: Any, nodes):
    """A mock model that allows Optimistic requests (600 s window, 0.3 ETH bond)."""
    spec = mock_spec(mock_verifier.address, challenge_window=WINDOW, bond=BOND)
    model_registry.registerModel(spec, sender=owner)
    model = int(model_registry.modelCount())
    for node in nodes:
        node_registry.addModel(model, sender=node)
    return model


@pytest.fixture
def ask(consumer: Any, requester: Any, coordinator: Any, opt_model: int):
    """Make an Optimistic request from the recording consumer (input ``INPUT``)."""

    def make(values: list[int] | None = None, *, via: Any = None) -> Request:
        receipt = (via or consumer).requestOptimistic(
            opt_model, values or INPUT, CALLBACK_GAS, sender=requester, value=FEE
        )
        return parse_request(receipt, coordinator)

    return make


def by_address(nodes: list[Any], address: str) -> Any:
    return next(n for n in nodes if n.address == address)


def other(nodes: list[Any], address: str) -> Any:
    return next(n for n in nodes if n.address != address)


def post(coordinator: Any, req: Request, node: Any, output: list[int]) -> tuple[Any, Any]:
    """Post ``output``; returns (receipt, posting tuple)."""
    receipt = coordinator.postOutput(req.request_id, req.commitment, output, sender=node)
    [log] = list(receipt.events.filter(coordinator.OutputPosted))
    assert list(log.output) == output
    return receipt, posting_tuple(
        posting_of(req.request_id, req.commitment, log.poster, log.finalAt)
    )


def challenge(
    coordinator: Any, req: Request, posting: tuple[Any, ...], challenger: Any, output: list[int],
    values: list[int] | None = None, posted: list[int] | None = None,
) -> Any:  # fmt: skip
    """Seal a challenge (mined in its own block), then send it: a proof of ``values`` (the
    request's input by default) showing ``output``, against the posted output (``LIE`` unless
    told)."""
    instances = instances_for(values or INPUT, output)
    seal = coordinator.challengeSeal(req.request_id, challenger, PROOF, instances)
    coordinator.sealFulfillment(req.request_id, seal, sender=challenger)
    return coordinator.challenge(
        req.request_id, req.commitment, posting, posted or LIE, PROOF, instances, sender=challenger
    )


def field(posting: tuple[Any, ...], name: str) -> Any:
    return posting[POSTING_FIELDS.index(name)]


def books_balance(
    coordinator: Any, node_registry: Any, accounts: Any, extra: list[Any], open_fees: int
):
    """The coordinator holds the fees of open requests plus its credits; the registry holds
    the stakes plus its credits."""
    everyone = {str(a.address) for a in [*accounts, *extra]} | {str(node_registry.treasury())}
    credits = sum(int(coordinator.credits(a)) for a in everyone)
    assert coordinator.balance == open_fees + credits
    stakes = sum(int(node_registry.getNode(a).stake) for a in everyone)
    registry_credits = sum(int(node_registry.credits(a)) for a in everyone)
    assert node_registry.balance == stakes + registry_credits


# ---------------------------------------------------------------------------- requests


def test_an_optimistic_request_snapshots_the_models_window(ask, coordinator):
    req = ask()
    assert req.field("challengeWindow") == WINDOW
    assert coordinator.commitmentOf(req.request_id) == req.stored_hash()


def test_a_model_without_a_window_takes_proven_requests_only(
    coordinator, consumer, requester, model_id, staked
):
    with ape.reverts(consumer.OptimisticNotAllowed, modelId=model_id):
        consumer.requestOptimistic(model_id, INPUT, CALLBACK_GAS, sender=requester, value=FEE)


def test_a_window_the_stake_cannot_outlast_is_refused(
    coordinator, consumer, requester, model_registry, node_registry, mock_verifier, owner, nodes
):
    longest = int(coordinator.maxChallengeWindow())
    assert longest == PARAMS.unbonding_period - PARAMS.request_timeout - 1
    spec = mock_spec(mock_verifier.address, challenge_window=longest + 1, bond=BOND)
    model_registry.registerModel(spec, sender=owner)
    model = int(model_registry.modelCount())
    node_registry.addModel(model, sender=nodes[0])
    with ape.reverts(consumer.ChallengeWindowTooLong, maxChallengeWindow=longest):
        consumer.requestOptimistic(model, INPUT, CALLBACK_GAS, sender=requester, value=FEE)


# ---------------------------------------------------------------------------- the happy path


def test_an_honest_posting_is_final_after_the_window_and_calls_back_once(
    chain, ask, coordinator, node_registry, consumer, nodes, stranger, accounts
):
    req = ask()
    primary = by_address(nodes, req.primary)
    receipt, posting = post(coordinator, req, primary, TRUE_OUTPUT)
    [log] = list(receipt.events.filter(coordinator.OutputPosted))
    assert (log.requestId, log.poster, list(log.output)) == (
        req.request_id, primary.address, TRUE_OUTPUT,
    )  # fmt: skip
    assert field(posting, "finalAt") == chain.blocks[receipt.block_number].timestamp + WINDOW
    assert coordinator.isPosted(req.request_id, posting, TRUE_OUTPUT)
    assert not coordinator.isPosted(req.request_id, posting, LIE)
    assert consumer.deliveries() == 0 and coordinator.credits(primary) == 0
    books_balance(coordinator, node_registry, accounts, [consumer], FEE)

    chain.pending_timestamp = field(posting, "finalAt")
    done = coordinator.finalize([req.request_id], [posting], [TRUE_OUTPUT], sender=stranger)
    [finalized] = list(done.events.filter(coordinator.OutputsFinalized))
    assert (list(finalized.requestIds), list(finalized.results)) == ([req.request_id], [DELIVERED])
    assert not list(done.events.filter(coordinator.InferenceFulfilled))
    assert consumer.deliveries() == 1 and list(consumer.lastOutput()) == TRUE_OUTPUT
    assert coordinator.credits(primary) == FEE
    assert coordinator.commitmentOf(req.request_id) == b"\x00" * 32
    assert not coordinator.isPosted(req.request_id, posting, TRUE_OUTPUT)
    books_balance(coordinator, node_registry, accounts, [consumer], 0)
    # Finalising twice settles nothing.
    with ape.reverts(coordinator.NothingToSettle):
        coordinator.finalize([req.request_id], [posting], [TRUE_OUTPUT], sender=stranger)


def test_finalising_many_pays_each_poster_and_skips_the_settled(
    chain, ask, coordinator, node_registry, consumer, nodes, stranger, accounts
):
    reqs = [ask([i, i + 1, i + 2]) for i in range(5)]
    postings = []
    for req in reqs:
        postings.append(post(coordinator, req, by_address(nodes, req.primary), TRUE_OUTPUT)[1])
    chain.pending_timestamp = max(field(p, "finalAt") for p in postings)
    ids = [r.request_id for r in reqs]
    outputs = [TRUE_OUTPUT] * 5
    # The first alone, then all five: the first is skipped.
    coordinator.finalize(ids[:1], postings[:1], outputs[:1], sender=stranger)
    results = coordinator.finalize.call(ids, postings, outputs, sender=stranger)
    assert list(results) == [SKIPPED] + [DELIVERED] * 4
    receipt = coordinator.finalize(ids, postings, outputs, sender=stranger)
    [finalized] = list(receipt.events.filter(coordinator.OutputsFinalized))
    assert list(finalized.requestIds) == ids[1:] and list(finalized.results) == [DELIVERED] * 4
    assert consumer.deliveries() == 5
    for node in nodes:
        assert coordinator.credits(node) == FEE * sum(r.primary == node.address for r in reqs)
    books_balance(coordinator, node_registry, accounts, [consumer], 0)


def test_a_node_may_still_answer_an_optimistic_request_with_a_proof(ask, coordinator, nodes):
    req = ask()
    primary = by_address(nodes, req.primary)
    receipt = coordinator.fulfill(
        req.request_id, req.commitment, PROOF, instances_for(INPUT, TRUE_OUTPUT), sender=primary
    )
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert log.node == primary.address and coordinator.credits(primary) == FEE


# ---------------------------------------------------------------------------- challenges


def test_a_lie_is_challenged_the_liar_slashed_and_the_proven_output_delivered_once(
    chain, ask, coordinator, node_registry, consumer, nodes, stranger, accounts
):
    req = ask()
    liar = by_address(nodes, req.primary)
    _, posting = post(coordinator, req, liar, LIE)
    stake = int(node_registry.getNode(liar).stake)
    receipt = challenge(coordinator, req, posting, stranger, TRUE_OUTPUT)
    [challenged] = list(receipt.events.filter(coordinator.PostingChallenged))
    assert (challenged.poster, challenged.challenger, challenged.slashed) == (
        liar.address, stranger.address, BOND,
    )  # fmt: skip
    [fulfilled] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert (fulfilled.node, list(fulfilled.output), fulfilled.slashed) == (
        stranger.address, TRUE_OUTPUT, BOND,
    )  # fmt: skip
    [slash] = list(receipt.events.filter(node_registry.NodeSlashed))
    assert (slash.node, slash.harmedParty, slash.harmedShare) == (
        liar.address,
        stranger.address,
        BOND,
    )
    assert int(node_registry.getNode(liar).stake) == stake - BOND
    assert node_registry.credits(stranger) == BOND  # the whole bond to the challenger
    assert coordinator.credits(stranger) == FEE and coordinator.credits(liar) == 0
    assert consumer.deliveries() == 1 and list(consumer.lastOutput()) == TRUE_OUTPUT
    books_balance(coordinator, node_registry, accounts, [consumer], 0)
    # Settled: no finalising, no second challenge, no cancel.
    chain.pending_timestamp = field(posting, "finalAt")
    with ape.reverts(coordinator.NothingToSettle):
        coordinator.finalize([req.request_id], [posting], [LIE], sender=stranger)
    with ape.reverts(coordinator.RequestNotPosted, requestId=req.request_id):
        coordinator.challenge(
            req.request_id, req.commitment, posting, LIE, PROOF,
            instances_for(INPUT, TRUE_OUTPUT), sender=stranger,
        )  # fmt: skip


def test_a_challenge_needs_its_own_seal_from_an_earlier_block(
    project, ask, coordinator, nodes, stranger, operator
):
    """A challenge copied from a pending transaction cannot be landed first: the copier has no
    seal of it, and one made in the same transaction does not count."""
    req = ask()
    _, posting = post(coordinator, req, by_address(nodes, req.primary), LIE)
    instances = instances_for(INPUT, TRUE_OUTPUT)
    args = (req.request_id, req.commitment, posting, LIE, PROOF, instances)
    with ape.reverts(coordinator.FulfillmentNotSealed, node=operator.address, sealedAtBlock=0):
        coordinator.challenge(*args, sender=operator)
    # The honest challenger's seal does not cover a copier.
    seal = coordinator.challengeSeal(req.request_id, stranger, PROOF, instances)
    coordinator.sealFulfillment(req.request_id, seal, sender=stranger)
    with ape.reverts(coordinator.FulfillmentNotSealed, node=operator.address):
        coordinator.challenge(*args, sender=operator)
    coordinator.challenge(*args, sender=stranger)


def test_a_proof_of_the_posted_output_is_refused(ask, coordinator, nodes, stranger):
    req = ask()
    _, posting = post(coordinator, req, by_address(nodes, req.primary), TRUE_OUTPUT)
    with ape.reverts(coordinator.PostingNotWrong, requestId=req.request_id):
        challenge(coordinator, req, posting, stranger, TRUE_OUTPUT, posted=TRUE_OUTPUT)
    with ape.reverts(coordinator.PostingMismatch, requestId=req.request_id):
        challenge(coordinator, req, posting, stranger, TRUE_OUTPUT)  # claims the posting was LIE


def test_a_challenge_after_the_window_is_refused(chain, ask, coordinator, nodes, stranger):
    req = ask()
    _, posting = post(coordinator, req, by_address(nodes, req.primary), LIE)
    chain.pending_timestamp = field(posting, "finalAt")
    with ape.reverts(coordinator.ChallengeWindowClosed, finalAt=field(posting, "finalAt")):
        challenge(coordinator, req, posting, stranger, TRUE_OUTPUT)


def test_a_challenge_with_a_proof_of_another_input_is_refused(
    ask, coordinator, nodes, stranger, mock_verifier
):
    req = ask()
    _, posting = post(coordinator, req, by_address(nodes, req.primary), LIE)
    with ape.reverts(coordinator.InputInstancesMismatch, requestId=req.request_id):
        challenge(coordinator, req, posting, stranger, TRUE_OUTPUT, [9, 9, 9])
    mock_verifier.setMode(2, sender=stranger)  # the real verifier reverts on a bad proof
    try:
        with ape.reverts(coordinator.InvalidProof, requestId=req.request_id):
            challenge(coordinator, req, posting, stranger, TRUE_OUTPUT)
    finally:
        mock_verifier.setMode(0, sender=stranger)


def test_finalising_before_the_window_ends_is_refused(ask, coordinator, nodes, stranger):
    req = ask()
    _, posting = post(coordinator, req, by_address(nodes, req.primary), TRUE_OUTPUT)
    with ape.reverts(coordinator.ChallengeWindowOpen, finalAt=field(posting, "finalAt")):
        coordinator.finalize([req.request_id], [posting], [TRUE_OUTPUT], sender=stranger)


def test_finalising_with_another_output_or_posting_is_refused(
    chain, ask, coordinator, nodes, stranger
):
    req = ask()
    _, posting = post(coordinator, req, by_address(nodes, req.primary), TRUE_OUTPUT)
    chain.pending_timestamp = field(posting, "finalAt")
    with ape.reverts(coordinator.PostingMismatch, requestId=req.request_id):
        coordinator.finalize([req.request_id], [posting], [LIE], sender=stranger)
    forged = list(posting)
    forged[POSTING_FIELDS.index("poster")] = stranger.address
    with ape.reverts(coordinator.PostingMismatch, requestId=req.request_id):
        coordinator.finalize([req.request_id], [tuple(forged)], [TRUE_OUTPUT], sender=stranger)


# ---------------------------------------------------------------------------- who may post


def test_a_non_primary_posting_inside_the_window_is_refused(ask, coordinator, nodes):
    req = ask()
    intruder = other(nodes, req.primary)
    with ape.reverts(coordinator.NotPrimaryNode, requestId=req.request_id):
        coordinator.postOutput(req.request_id, req.commitment, TRUE_OUTPUT, sender=intruder)


def test_a_posting_on_a_proven_request_is_refused(coordinator, pending, staked):
    primary = by_address(staked, pending.primary)
    with ape.reverts(coordinator.NotOptimistic, requestId=pending.request_id):
        coordinator.postOutput(pending.request_id, pending.commitment, TRUE_OUTPUT, sender=primary)


def test_a_stand_in_posts_after_the_window_with_a_seal_and_the_primary_is_slashed(
    chain, ask, coordinator, node_registry, consumer, nodes, accounts
):
    req = ask()
    stand_in = other(nodes, req.primary)
    chain.pending_timestamp = req.field("windowEnd")
    with ape.reverts(coordinator.FulfillmentNotSealed, requestId=req.request_id):
        coordinator.postOutput(req.request_id, req.commitment, TRUE_OUTPUT, sender=stand_in)
    seal = coordinator.postingSeal(req.request_id, stand_in, TRUE_OUTPUT)
    coordinator.sealFulfillment(req.request_id, seal, sender=stand_in)
    receipt, posting = post(coordinator, req, stand_in, TRUE_OUTPUT)
    [log] = list(receipt.events.filter(coordinator.OutputPosted))
    assert log.poster == stand_in.address
    [slash] = list(receipt.events.filter(node_registry.NodeSlashed))
    assert (slash.node, slash.amount) == (req.primary, PARAMS.slash_amount)
    books_balance(coordinator, node_registry, accounts, [consumer], FEE)


def test_a_posting_needs_the_outputs_length_and_an_open_request(chain, ask, coordinator, nodes):
    req = ask()
    primary = by_address(nodes, req.primary)
    with ape.reverts(coordinator.OutputLengthMismatch, got=1, want=2):
        coordinator.postOutput(req.request_id, req.commitment, [1], sender=primary)
    post(coordinator, req, primary, TRUE_OUTPUT)
    with ape.reverts(coordinator.RequestAlreadyPosted, requestId=req.request_id):
        coordinator.postOutput(req.request_id, req.commitment, TRUE_OUTPUT, sender=primary)
    with ape.reverts(coordinator.RequestAlreadyPosted, requestId=req.request_id):
        coordinator.fulfill(
            req.request_id, req.commitment, PROOF, instances_for(INPUT, TRUE_OUTPUT), sender=primary
        )
    chain.pending_timestamp = req.field("deadline") + 1
    with ape.reverts(coordinator.RequestAlreadyPosted, requestId=req.request_id):
        coordinator.cancelRequest(req.request_id, req.commitment, sender=primary)
    late = ask()
    chain.pending_timestamp = late.field("deadline") + 1
    with ape.reverts(coordinator.RequestExpired, requestId=late.request_id):
        coordinator.postOutput(
            late.request_id, late.commitment, TRUE_OUTPUT, sender=by_address(nodes, late.primary)
        )


# ---------------------------------------------------------------------------- escapes


@pytest.mark.parametrize("escape", ["requestUnstake", "removeModel"])
def test_a_liar_that_leaves_during_its_window_is_still_slashed(
    chain, ask, coordinator, node_registry, consumer, nodes, stranger, accounts, opt_model, escape
):
    req = ask()
    liar = by_address(nodes, req.primary)
    _, posting = post(coordinator, req, liar, LIE)
    if escape == "requestUnstake":
        node_registry.requestUnstake(sender=liar)
    else:
        node_registry.removeModel(opt_model, sender=liar)
    assert not node_registry.isEligible(liar, opt_model)
    chain.pending_timestamp = field(posting, "finalAt") - 10  # a seal, then the challenge
    receipt = challenge(coordinator, req, posting, stranger, TRUE_OUTPUT)
    [slash] = list(receipt.events.filter(node_registry.NodeSlashed))
    assert (slash.node, slash.amount) == (liar.address, BOND)
    if escape == "requestUnstake":  # its stake cannot leave before the window ends
        assert node_registry.getNode(liar).unlockAt > field(posting, "finalAt")
    books_balance(coordinator, node_registry, accounts, [consumer], 0)


def test_a_lie_costs_at_most_the_liars_stake(
    chain, ask, coordinator, node_registry, model_registry, mock_verifier, owner, consumer,
    requester, accounts, stranger,
):  # fmt: skip
    """A bond above the stake takes the whole stake, and no more."""
    node = accounts[9]
    node_registry.stake(sender=node, value=PARAMS.min_stake)
    spec = mock_spec(mock_verifier.address, challenge_window=WINDOW, bond=5 * PARAMS.min_stake)
    model_registry.registerModel(spec, sender=owner)
    model = int(model_registry.modelCount())
    node_registry.addModel(model, sender=node)
    receipt = consumer.requestOptimistic(model, INPUT, CALLBACK_GAS, sender=requester, value=FEE)
    req = parse_request(receipt, coordinator)
    _, posting = post(coordinator, req, node, LIE)
    done = challenge(coordinator, req, posting, stranger, TRUE_OUTPUT)
    [slash] = list(done.events.filter(node_registry.NodeSlashed))
    assert (slash.amount, slash.remainingStake) == (PARAMS.min_stake, 0)
    books_balance(coordinator, node_registry, accounts, [consumer], 0)


@pytest.mark.parametrize("replay", ["finalize", "challenge", "cancelRequest"])
def test_a_consumer_that_re_enters_from_its_callback_gains_nothing(
    chain, project, ask, coordinator, node_registry, requester, nodes, stranger, accounts, replay
):
    """The callback of a finalised (or challenged) request replays finalise, challenge or cancel
    for the same request: each is refused, and the callback ran once."""
    reentrant = requester.deploy(project.ReentrantConsumer, coordinator)
    req = ask(via=reentrant)
    poster = by_address(nodes, req.primary)
    lie = replay == "challenge"
    _, posting = post(coordinator, req, poster, LIE if lie else TRUE_OUTPUT)
    proof_args = (
        req.request_id, req.commitment, posting, LIE, PROOF, instances_for(INPUT, TRUE_OUTPUT),
    )  # fmt: skip
    calls = {
        "finalize": coordinator.finalize.encode_input([req.request_id], [posting], [TRUE_OUTPUT]),
        "challenge": coordinator.challenge.encode_input(*proof_args),
        "cancelRequest": coordinator.cancelRequest.encode_input(req.request_id, req.commitment),
    }
    reentrant.arm(calls[replay], sender=requester)
    if lie:
        challenge(coordinator, req, posting, stranger, TRUE_OUTPUT)
    else:
        chain.pending_timestamp = max(field(posting, "finalAt"), req.field("deadline") + 1)
        coordinator.finalize([req.request_id], [posting], [TRUE_OUTPUT], sender=stranger)
    assert reentrant.deliveries() == 1
    assert not reentrant.reentrySucceeded()
    paid = stranger if lie else poster
    assert coordinator.credits(paid) == FEE
    books_balance(coordinator, node_registry, accounts, [reentrant], 0)


def test_a_batch_proof_skips_a_posted_request(
    chain, model_registry, node_registry, mock_verifier, owner, consumer, requester, coordinator,
    accounts,
):  # fmt: skip
    """`fulfillBatch` leaves an open posting to its challenge window."""
    node = accounts[9]
    node_registry.stake(sender=node, value=PARAMS.min_stake)
    spec = mock_spec(mock_verifier.address, challenge_window=WINDOW, bond=BOND, batch_size=2)
    model_registry.registerModel(spec, sender=owner)
    model = int(model_registry.modelCount())
    node_registry.addModel(model, sender=node)
    reqs = [
        parse_request(
            consumer.requestOptimistic(model, v, CALLBACK_GAS, sender=requester, value=FEE),
            coordinator,
        )
        for v in ([1, 1, 1], [2, 2, 2])
    ]
    post(coordinator, reqs[0], node, TRUE_OUTPUT)
    instances = (
        instances_for([1, 1, 1], []) + instances_for([2, 2, 2], [])
        + instances_for([], TRUE_OUTPUT) + instances_for([], TRUE_OUTPUT)
    )  # fmt: skip
    results = coordinator.fulfillBatch.call(
        [r.request_id for r in reqs], [r.commitment for r in reqs], PROOF, instances, sender=node
    )
    assert list(results) == [SKIPPED, DELIVERED]


def test_the_posting_seal_is_the_documented_one(coordinator, stranger):
    from eth_utils import keccak

    output_hash = keccak(b"".join(v.to_bytes(32, "big", signed=True) for v in TRUE_OUTPUT))
    want = keccak(
        encode(["uint256", "address", "bytes32", "uint256"], [7, stranger.address, output_hash, 1])
    )
    assert bytes(coordinator.postingSeal(7, stranger, TRUE_OUTPUT)) == want
