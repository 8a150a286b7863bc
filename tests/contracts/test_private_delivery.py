"""Private deliveries of committed requests and the rules for a delivery a node cannot use, with
the real ``breast_cancer_c1`` circuit, its generated verifier and real EZKL proofs.

A committed request made without a delivery awaits one: once its primary is drawn, the
requester seals the input and salt to the primary's published key (ECIES, ``eciespy``) and
delivers them (``deliverInput``); the primary's window runs from then. A primary that cannot
read a valid opening (another input, a ciphertext replayed from another request, one sealed for
another key) rejects it (``rejectDelivery``): then the request awaits its public opening
(``openInput``). Unopened, it is refunded and nobody is slashed; opened, the primary answers for
it again, and is slashed if it does not. Meanwhile no stand-in may settle it, not even a
requester that knows the input and stakes a node of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ape
import pytest
from coincurve import PrivateKey
from eth_abi import encode
from eth_utils import keccak

from oracle_node.chain.contracts import renewed
from oracle_node.exceptions import BadDelivery
from oracle_node.protocol.committed import CommittedInput, open_sealed

from .conftest import DELIVERED, FEE, PARAMS, SALTS
from .conftest import SINGLE_COMMITTED as SINGLE
from .helpers import Request

# Fixed node keys: every run seals to the same keys (the ciphertexts differ: ECIES draws an
# ephemeral key each time, which changes no outcome here).
NODE_SECRET = keccak(b"committed node's encryption key")
OTHER_SECRET = keccak(b"another node's encryption key")


def public_key(secret: bytes) -> bytes:
    return PrivateKey(secret).public_key.format(compressed=True)


@pytest.fixture
def published(node_registry: Any, committed_node: Any) -> bytes:
    """The committed node publishes its encryption key; returns the key as the chain has it."""
    node_registry.setEncryptionKey(public_key(NODE_SECRET), sender=committed_node)
    return bytes(node_registry.encryptionKeyOf(committed_node))


@pytest.fixture
def private_request(
    request_committed: Callable[..., tuple[Request, Any]], committed_models: dict[str, int]
) -> Callable[[CommittedInput], Request]:
    """A committed request without a delivery, its block over (its primary drawn)."""

    def make(c: CommittedInput) -> Request:
        req, _ = request_committed(committed_models[SINGLE], c)
        ape.chain.mine(1)
        return req

    return make


def renewal(receipt: Any, coordinator: Any, req: Request) -> Request:
    """``req`` with the commitment that the receipt's ``RequestRenewed`` left."""
    [event] = list(receipt.events.filter(coordinator.RequestRenewed))
    assert int(event.requestId) == req.request_id
    commitment = renewed(req.commitment, int(event.windowEnd), int(event.deadline))
    assert (
        coordinator.commitmentOf(req.request_id)
        == Request(req.request_id, commitment, req.input, req.log, req.primary).stored_hash()
    )
    return Request(req.request_id, commitment, req.input, req.log, req.primary)


def node_reads(coordinator: Any, req: Request, c: CommittedInput, data: bytes) -> CommittedInput:
    """What the committed node reads from ``data`` with its own secret."""
    return open_sealed(
        NODE_SECRET,
        data,
        chain_id=ape.chain.chain_id,
        coordinator=coordinator.address,
        request_id=req.request_id,
        expected=c.commitment,
        input_len=len(c.inputs),
    )


def test_a_private_request_is_fulfilled_and_its_input_appears_nowhere_on_chain(
    coordinator,
    consumer,
    node_registry,
    committed_node,
    committed_inputs,
    committed_proof,
    private_request,
    published,
    provers,
):
    c = committed_inputs[0]
    first_block = ape.chain.blocks.head.number + 1
    req = private_request(c)
    assert (req.field("windowEnd"), req.primary) == (0, committed_node.address)
    assert req.field("deadline") == ape.chain.blocks[req.field("requestBlock")].timestamp + int(
        coordinator.exclusiveWindow()
    )
    primary = coordinator.primaryOf(req.request_id, req.commitment)
    sealed = c.sealed(
        bytes(node_registry.encryptionKeyOf(primary)),
        chain_id=ape.chain.chain_id,
        coordinator=coordinator.address,
        request_id=req.request_id,
    )
    assert published == public_key(NODE_SECRET)
    receipt = consumer.deliverInput(req.request_id, req.commitment, sealed, sender=committed_node)
    print(f"deliverInput of {len(sealed)} sealed bytes via a consumer: {receipt.gas_used:,} gas")
    [delivered] = list(receipt.events.filter(coordinator.InputDelivered))
    req = renewal(receipt, coordinator, req)
    assert req.field("windowEnd") == receipt.timestamp + int(coordinator.exclusiveWindow())
    assert req.field("deadline") == receipt.timestamp + int(coordinator.requestTimeout())

    assert node_reads(coordinator, req, c, bytes(delivered.data)) == c
    proof = committed_proof(SINGLE, (0,))
    done = coordinator.fulfill(
        req.request_id, req.commitment, proof.proof, proof.instances, sender=committed_node
    )
    [event] = list(done.events.filter(coordinator.InferenceFulfilled))
    expected = provers(SINGLE).witness_outputs(list(c.inputs))
    assert (event.result, list(event.output)) == (DELIVERED, expected)

    # Neither the input's words nor the salt's are in any transaction or log of its life.
    words = [
        encode(["int256[]"], [list(c.inputs)])[64:],
        encode(["uint256[]"], [list(c.salt)])[64:],
    ]
    web3 = ape.chain.provider.web3
    seen = 0
    for number in range(first_block, done.block_number + 1):
        for tx in web3.eth.get_block(number, full_transactions=True)["transactions"]:
            blobs = [bytes(tx["input"] if "input" in tx else tx["data"])]
            blobs += [
                bytes(log["data"]) for log in web3.eth.get_transaction_receipt(tx["hash"])["logs"]
            ]
            for blob in blobs:
                seen += 1
                assert not any(w in blob for w in words)
    assert seen >= 6


@pytest.mark.parametrize(
    "fault", ["another opening", "replayed from another request", "sealed for another key"]
)
def test_a_delivery_the_primary_cannot_read_is_refunded_without_a_slash(
    coordinator,
    consumer,
    node_registry,
    committed_node,
    committed_models,
    committed_inputs,
    committed_proof,
    private_request,
    published,
    accounts,
    fault,
):
    c = committed_inputs[0]
    req = private_request(c)
    where = {"chain_id": ape.chain.chain_id, "coordinator": coordinator.address}
    if fault == "another opening":
        sealed = committed_inputs[1].sealed(published, request_id=req.request_id, **where)
        message = "does not open the request's commitment"
    elif fault == "replayed from another request":
        sealed = c.sealed(published, request_id=req.request_id - 1, **where)
        message = f"not request {req.request_id} "
    else:
        sealed = c.sealed(public_key(OTHER_SECRET), request_id=req.request_id, **where)
        message = "does not decrypt with this node's key"
    req = renewal(
        consumer.deliverInput(req.request_id, req.commitment, sealed, sender=committed_node),
        coordinator,
        req,
    )
    with pytest.raises(BadDelivery, match=message):
        node_reads(coordinator, req, c, sealed)

    receipt = coordinator.rejectDelivery(req.request_id, req.commitment, sender=committed_node)
    if fault == "another opening":
        print(f"rejectDelivery: {receipt.gas_used:,} gas")
    [event] = list(receipt.events.filter(coordinator.DeliveryRejected))
    assert (event.requestId, event.node) == (req.request_id, committed_node.address)
    req = renewal(receipt, coordinator, req)
    assert req.field("windowEnd") == 0
    assert req.field("deadline") == receipt.timestamp + int(coordinator.exclusiveWindow())

    # The requester knows the input and stakes a node of its own: it still cannot stand in.
    own = accounts[8]
    node_registry.stake(sender=own, value=PARAMS.min_stake)
    node_registry.addModel(committed_models[SINGLE], sender=own)
    proof = committed_proof(SINGLE, (0,))
    coordinator.sealFulfillment(
        req.request_id,
        coordinator.fulfillmentSeal(req.request_id, own, proof.proof, proof.instances),
        sender=own,
    )
    ape.chain.mine(1)
    with ape.reverts(coordinator.NotPrimaryNode, requestId=req.request_id):
        coordinator.fulfill(
            req.request_id, req.commitment, proof.proof, proof.instances, sender=own
        )

    # Nobody opens it: after the deadline the fee goes back and nobody is slashed.
    stake = node_registry.getNode(committed_node).stake
    node_credit = coordinator.credits(committed_node)
    ape.chain.pending_timestamp = req.field("deadline") + 1
    cancelled = coordinator.cancelRequest(req.request_id, req.commitment, sender=accounts[9])
    [event] = list(cancelled.events.filter(coordinator.InferenceCancelled))
    assert (event.primary, int(event.refund), int(event.slashed)) == (
        "0x" + "00" * 20,
        FEE,
        0,
    )
    assert coordinator.credits(consumer) == FEE
    assert node_registry.getNode(committed_node).stake == stake
    assert coordinator.credits(committed_node) == node_credit


@pytest.mark.parametrize("then", ["the primary proves it", "the primary stays silent"])
def test_an_opened_request_binds_its_primary_again(
    coordinator,
    consumer,
    node_registry,
    committed_node,
    committed_inputs,
    committed_proof,
    request_committed,
    committed_models,
    accounts,
    then,
):
    """The delivery in the clear was good and the primary rejected it anyway (or the delivery
    was bad and the requester fixes it): the opening puts the primary back on the hook."""
    c = committed_inputs[0]
    req, _ = request_committed(committed_models[SINGLE], c, delivery=c.delivery())
    ape.chain.mine(1)
    req = renewal(
        coordinator.rejectDelivery(req.request_id, req.commitment, sender=committed_node),
        coordinator,
        req,
    )
    anyone = accounts[9]
    with ape.reverts(coordinator.OpeningMismatch, requestId=req.request_id):
        coordinator.openInput(
            req.request_id, req.commitment, list(c.inputs), list(SALTS[3]), sender=anyone
        )
    receipt = coordinator.openInput(
        req.request_id, req.commitment, list(c.inputs), list(c.salt), sender=anyone
    )
    if then == "the primary proves it":
        print(f"openInput of 30 values and a 6-value salt: {receipt.gas_used:,} gas")
    [event] = list(receipt.events.filter(coordinator.InputOpened))
    assert (list(event.input), list(event.salt)) == (list(c.inputs), list(c.salt))
    req = renewal(receipt, coordinator, req)
    assert req.field("windowEnd") == receipt.timestamp + int(coordinator.exclusiveWindow())
    with ape.reverts(coordinator.DeliveryAlreadyRejected, requestId=req.request_id):
        coordinator.rejectDelivery(req.request_id, req.commitment, sender=committed_node)

    stake = node_registry.getNode(committed_node).stake
    if then == "the primary proves it":
        proof = committed_proof(SINGLE, (0,))
        credit = coordinator.credits(committed_node)
        coordinator.fulfill(
            req.request_id, req.commitment, proof.proof, proof.instances, sender=committed_node
        )
        assert coordinator.credits(committed_node) == credit + FEE
        assert node_registry.getNode(committed_node).stake == stake
    else:
        ape.chain.pending_timestamp = req.field("deadline") + 1
        cancelled = coordinator.cancelRequest(req.request_id, req.commitment, sender=anyone)
        [event] = list(cancelled.events.filter(coordinator.InferenceCancelled))
        assert event.primary == committed_node.address
        assert int(event.slashed) == PARAMS.slash_amount
        assert node_registry.getNode(committed_node).stake == stake - PARAMS.slash_amount


def test_the_rules_of_delivery_rejection_and_opening(
    coordinator,
    consumer,
    node_registry,
    committed_node,
    committed_inputs,
    request_committed,
    committed_models,
    private_request,
    published,
    real_models,
    request_via,
    accounts,
):
    c = committed_inputs[2]
    where = {"chain_id": ape.chain.chain_id, "coordinator": coordinator.address}
    req = private_request(c)
    args = (req.request_id, req.commitment)
    sealed = c.sealed(published, request_id=req.request_id, **where)
    # Only the requester delivers; the primary has nothing to reject and nothing is opened yet.
    with ape.reverts(coordinator.NotRequester, requestId=req.request_id):
        coordinator.deliverInput(*args, sealed, sender=accounts[9])
    with ape.reverts(coordinator.NotPrimaryNode, requestId=req.request_id):
        coordinator.rejectDelivery(*args, sender=committed_node)
    req = renewal(consumer.deliverInput(*args, sealed, sender=accounts[9]), coordinator, req)
    args = (req.request_id, req.commitment)
    with ape.reverts(coordinator.DeliveryNotAwaited, requestId=req.request_id):
        consumer.deliverInput(*args, sealed, sender=accounts[9])
    with ape.reverts(coordinator.OpeningNotAwaited, requestId=req.request_id):
        coordinator.openInput(*args, list(c.inputs), list(c.salt), sender=accounts[9])
    # Only the primary rejects, and only within its window.
    with ape.reverts(coordinator.NotPrimaryNode, requestId=req.request_id):
        coordinator.rejectDelivery(*args, sender=accounts[9])
    ape.chain.pending_timestamp = req.field("windowEnd")
    with ape.reverts(coordinator.NotPrimaryNode, requestId=req.request_id):
        coordinator.rejectDelivery(*args, sender=committed_node)

    # A request with its delivery in the clear awaits none.
    clear, _ = request_committed(committed_models[SINGLE], c, delivery=c.delivery())
    ape.chain.mine(1)
    with ape.reverts(coordinator.DeliveryNotAwaited, requestId=clear.request_id):
        consumer.deliverInput(clear.request_id, clear.commitment, sealed, sender=accounts[9])
    # A public request has no delivery to reject.
    public = request_via(consumer, [1, -2, 3] * 10, model=real_models["breast_cancer"])
    ape.chain.mine(1)
    with ape.reverts(coordinator.ModelTakesPublicInputs):
        coordinator.rejectDelivery(public.request_id, public.commitment, sender=accounts[9])

    # A private request never delivered: refunded at its deadline, nobody slashed.
    late = private_request(committed_inputs[3])
    stake = node_registry.getNode(committed_node).stake
    ape.chain.pending_timestamp = late.field("deadline") + 1
    with ape.reverts(coordinator.RequestExpired, requestId=late.request_id):
        consumer.deliverInput(late.request_id, late.commitment, sealed, sender=accounts[9])
    cancelled = coordinator.cancelRequest(late.request_id, late.commitment, sender=accounts[9])
    [event] = list(cancelled.events.filter(coordinator.InferenceCancelled))
    assert (int(event.refund), int(event.slashed)) == (FEE, 0)
    assert node_registry.getNode(committed_node).stake == stake


def test_a_node_publishes_a_well_formed_encryption_key(node_registry, accounts):
    node = accounts[9]
    key = public_key(OTHER_SECRET)
    receipt = node_registry.setEncryptionKey(key, sender=node)
    [event] = list(receipt.events.filter(node_registry.EncryptionKeySet))
    assert (event.node, bytes(event.key)) == (node.address, key)
    assert bytes(node_registry.encryptionKeyOf(node)) == key
    for bad in (key[1:], b"\x04" + key[1:], key + b"\x00"):
        with ape.reverts(node_registry.EncryptionKeyMalformed, length=len(bad)):
            node_registry.setEncryptionKey(bad, sender=node)
    assert bytes(node_registry.encryptionKeyOf(accounts[8])) == b""
