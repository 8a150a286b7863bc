"""Stateful property test of committed requests' economics, over the real contracts, the real
generated verifier of ``breast_cancer_c1`` (a circuit that hashes its input with a salt) and
real EZKL proofs (made once per session).

Models: ``honest`` (``breast_cancer_c1``, served by an honest node alone) and ``dishonest`` (the
same circuit registered again, served by a dishonest node alone), so every request's primary is
known without a draw to steer. A requester node (staked, a requester's accomplice that knows the
inputs) joins the honest model's pool only to try to stand in, and leaves it at once (its slot
then weighs nothing).

Rules:

* requests from a consumer contract or an account, to either model, of four kinds: the delivery
  in the clear; a clear delivery that does not open the commitment; a clear delivery of an
  unprovable opening (a value above the model's bound); no delivery (private);
* the requester delivers a private request sealed for its primary (ECIES to the key the node
  published), with the true opening or another one;
* the honest node acts on every request of its before anything else happens: it reads the
  delivery (in the clear, sealed or opened on-chain) and proves it, disputes an unprovable
  opening, or rejects a delivery it cannot use; it waits while a request awaits its requester;
* the dishonest node rejects deliveries it could use, and never answers;
* anyone opens a request that awaits its requester, with the true opening;
* the requester node tries to stand in on an honest request that awaits its requester or whose
  window is open: refused;
* time passes; requests are cancelled after their deadline.

After every step:

* the coordinator's balance equals the pending fees plus its credits, the registry's the stakes
  plus its credits (beyond what the session's other tests left there), and both agree with an independent model: fees to the node that proves or
  disputes, refunds on cancellation, and a slash only of a primary that answered for the request
  (its window had started and it did not settle it);
* the honest node is never slashed: no delivery, rejection or opening a requester chooses can
  cost it stake.

Examples: ``PROPERTY_EXAMPLES`` (default 10), steps: ``PROPERTY_STEPS`` (default 6); ``-s``
prints what the examples did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from coincurve import PrivateKey
from eth_utils import keccak
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from oracle_node.chain.contracts import renewed
from oracle_node.circuits import poseidon
from oracle_node.exceptions import BadDelivery
from oracle_node.protocol.committed import CommittedInput, open_sealed, read_delivery

from .conftest import FEE, PARAMS, SINGLE_COMMITTED, register_circuit
from .helpers import Request, parse_request
from .test_balances_property import START, Clock, World, revert_data, run_machine

pytestmark = [pytest.mark.property, pytest.mark.slow]

SAMPLES = (0, 1, 2)  # committed held-out samples with a proof each
CALLBACK_GAS = 120_000
GAS = 3_000_000
ZERO = "0x" + "00" * 20
BPS = 10_000
KINDS = ("clear", "clear, not the opening", "clear, unprovable", "private")
HONEST_SECRET = keccak(b"honest node's encryption key")
DISHONEST_SECRET = keccak(b"dishonest node's encryption key")
PICK = st.integers(0, 255)
REQUEST = st.tuples(
    st.integers(0, 1), st.booleans(), st.sampled_from(KINDS), st.sampled_from(SAMPLES)
)
COVERAGE: Counter[str] = Counter()


def note(kind: str, outcome: str) -> None:
    COVERAGE[f"{kind}: {outcome}"] += 1


@dataclass
class Committed:
    """A pending committed request as the machine knows it."""

    request: Request
    requester: Any  # the consumer contract or the account
    honest: bool  # to the honest model (else the dishonest one)
    opening: CommittedInput  # what the requester committed to (it knows it)
    sample: int | None  # the held-out sample committed to (None: unprovable)
    delivered: bytes | None = None  # the delivery's bytes, once made
    rejected: bool = False

    @property
    def rid(self) -> int:
        return self.request.request_id

    def field(self, name: str) -> int:
        return int(self.request.field(name))

    def renew(self, receipt: Any, coordinator: Any) -> None:
        [event] = list(receipt.events.filter(coordinator.RequestRenewed))
        commitment = renewed(self.request.commitment, int(event.windowEnd), int(event.deadline))
        self.request = Request(
            self.rid, commitment, self.request.input, self.request.log, self.request.primary
        )


class CommittedMachine(RuleBasedStateMachine):
    world: World

    def __init__(self) -> None:
        super().__init__()
        w = self.w = self.world
        self.snapshot = w.chain.snapshot()
        self.clock = Clock(w.chain, START)
        self.pending: dict[int, Committed] = {}
        self.requesters = [w.consumer, w.eoa]
        self.accounts = [
            str(a.address)
            for a in (w.honest, w.dishonest, w.accomplice, w.consumer, w.eoa, w.treasury)
        ]
        self.stakers = [str(a.address) for a in (w.honest, w.dishonest, w.accomplice)]
        self.stake = {a: int(w.registry.getNode(a).stake) for a in self.accounts}
        self.coord_credit = {a: int(w.coordinator.credits(a)) for a in self.accounts}
        self.reg_credit = {a: int(w.registry.credits(a)) for a in self.accounts}
        self.honest_stake = self.stake[str(w.honest.address)]
        # What the session's other tests left in both contracts (stakes, credits, requests),
        # which nothing here touches.
        self.coord_base = int(w.coordinator.balance) - sum(self.coord_credit.values())
        self.reg_base = int(w.registry.balance) - sum(self.reg_credit.values())
        self.reg_base -= sum(self.stake[a] for a in self.stakers)

    def teardown(self) -> None:
        self.clock.close()
        self.w.chain.restore(self.snapshot)

    # ------------------------------------------------------------------ requests

    @initialize(first=st.lists(REQUEST, min_size=1, max_size=3))
    def first_requests(self, first: list[tuple[int, bool, str, int]]) -> None:
        """Every example starts with one to three requests."""
        for who, honest, kind, sample in first:
            self.request(who=who, honest=honest, kind=kind, sample=sample)

    @rule(
        who=st.integers(0, 1),
        honest=st.booleans(),
        kind=st.sampled_from(KINDS),
        sample=st.sampled_from(SAMPLES),
    )
    def request(self, who: int, honest: bool, kind: str, sample: int) -> None:
        self._honest_acts()
        w = self.w
        requester = self.requesters[who]
        model = w.honest_model if honest else w.dishonest_model
        opening: CommittedInput = w.openings[sample]
        known: int | None = sample
        delivery = opening.delivery()
        if kind == "clear, not the opening":
            delivery = w.openings[(sample + 1) % len(SAMPLES)].delivery()
        elif kind == "clear, unprovable":
            opening, known = w.unprovable, None
            delivery = opening.delivery()
        elif kind == "private":
            delivery = b""
        call = w.consumer.requestCommitted if who == 0 else w.coordinator.requestCommitted
        receipt = self._send(
            call, model, opening.commitment, CALLBACK_GAS, delivery,
            sender=w.requester if who == 0 else w.eoa, value=FEE, gas=GAS,
        )  # fmt: skip
        self.clock.mine(1)  # the draw reads the request block's hash
        req = parse_request(receipt, w.coordinator, w.registry)
        primary = w.honest if honest else w.dishonest
        assert req.primary == str(primary.address)
        self.pending[req.request_id] = Committed(
            req, requester, honest, opening, known, delivery or None
        )
        note("request", f"{'honest' if honest else 'dishonest'} model, {kind}")

    @rule(pick=PICK, true_opening=st.booleans())
    def requester_delivers(self, pick: int, true_opening: bool) -> None:
        """A private request's requester seals an opening for the primary and delivers it."""
        self._honest_acts()
        w = self.w
        req = self._pick(pick, lambda r: r.delivered is None and not r.rejected)
        if req is None:
            return
        _, now = self.clock.peek()
        if now > req.field("deadline"):
            return
        key = bytes(w.registry.encryptionKeyOf(req.request.primary))
        opening = req.opening if true_opening else w.openings[((req.sample or 0) + 1) % 3]
        if not true_opening and opening.commitment == req.opening.commitment:
            opening = w.unprovable
        sealed = opening.sealed(
            key, chain_id=w.chain.chain_id, coordinator=str(w.coordinator.address),
            request_id=req.rid,
        )  # fmt: skip
        if req.requester is w.consumer:
            receipt = self._send(
                w.consumer.deliverInput, req.rid, req.request.commitment, sealed,
                sender=w.requester, gas=GAS,
            )  # fmt: skip
        else:
            receipt = self._send(
                w.coordinator.deliverInput, req.rid, req.request.commitment, sealed,
                sender=w.eoa, gas=GAS,
            )  # fmt: skip
        req.delivered = sealed
        req.renew(receipt, w.coordinator)
        note("delivery", "sealed, the true opening" if true_opening else "sealed, another")

    @rule(pick=PICK)
    def anyone_opens(self, pick: int) -> None:
        """A request awaiting its requester (undelivered, or rejected) is opened on-chain."""
        self._honest_acts()
        w = self.w
        req = self._pick(pick, lambda r: r.field("windowEnd") == 0)
        if req is None:
            return
        _, now = self.clock.peek()
        if now > req.field("deadline"):
            return
        receipt = self._send(
            w.coordinator.openInput, req.rid, req.request.commitment,
            list(req.opening.inputs), list(req.opening.salt), sender=w.stranger, gas=GAS,
        )  # fmt: skip
        note("opening", "after a rejection" if req.rejected else "instead of a delivery")
        req.rejected = True  # no rejection after an opening
        req.delivered = req.opening.delivery()  # public now: in InputOpened
        req.renew(receipt, w.coordinator)

    # ------------------------------------------------------------------ nodes

    @rule(pick=PICK)
    def dishonest_node_rejects(self, pick: int) -> None:
        """The dishonest primary rejects a delivery, whatever it held, within its window."""
        self._honest_acts()
        w = self.w
        _, now = self.clock.peek()
        req = self._pick(
            pick,
            lambda r: not r.honest and not r.rejected and now < r.field("windowEnd"),
        )
        if req is None:
            return
        receipt = self._send(
            w.coordinator.rejectDelivery, req.rid, req.request.commitment,
            sender=w.dishonest, gas=GAS,
        )  # fmt: skip
        req.rejected = True
        req.renew(receipt, w.coordinator)
        note("rejection", "by the dishonest node")

    @rule(pick=PICK)
    def accomplice_tries_to_stand_in(self, pick: int) -> None:
        """The requester's node, which knows the input, tries to settle an honest request while
        it awaits its requester or its primary's window is open: refused."""
        self._honest_acts()
        w = self.w
        _, now = self.clock.peek()
        req = self._pick(pick, lambda r: r.honest and r.sample is not None)
        if req is None or now + 10 > req.field("deadline"):
            return  # the seal and its block move the clock on by a few seconds
        proof = w.proofs[req.sample]
        accomplice = w.accomplice
        self._send(w.registry.addModel, w.honest_model, sender=accomplice)
        seal = w.coordinator.fulfillmentSeal(req.rid, accomplice, proof.proof, proof.instances)
        self._send(w.coordinator.sealFulfillment, req.rid, seal, sender=accomplice)
        self.clock.mine(1)
        self._refused_with(
            w.coordinator.NotPrimaryNode,
            w.coordinator.fulfill, req.rid, req.request.commitment, proof.proof,
            proof.instances, sender=accomplice, gas=GAS,
        )  # fmt: skip
        self._send(w.registry.removeModel, w.honest_model, sender=accomplice)
        note("stand-in", "refused, awaiting" if req.field("windowEnd") == 0 else "refused")

    def _honest_acts(self) -> None:
        """The honest node settles every request of its that it can, at once."""
        w = self.w
        for req in sorted(self.pending.values(), key=lambda r: r.rid):
            if not req.honest or req.delivered is None or req.field("windowEnd") == 0:
                continue
            _, now = self.clock.peek()
            if now > req.field("deadline"):
                continue
            opening = self._read(req)
            if opening is None:
                assert not req.rejected  # a delivery it could not use, rejected once
                receipt = self._send(
                    w.coordinator.rejectDelivery, req.rid, req.request.commitment,
                    sender=w.honest, gas=GAS,
                )  # fmt: skip
                req.rejected = True
                req.renew(receipt, w.coordinator)
                note("rejection", "by the honest node")
            elif opening.commitment == w.unprovable.commitment:
                self._send(
                    w.coordinator.disputeInput, req.rid, req.request.commitment,
                    list(opening.inputs), list(opening.salt), sender=w.honest, gas=GAS,
                )  # fmt: skip
                self._settle(req, fee_to=str(w.honest.address))
                note("settled", "an unprovable input disputed")
            else:
                assert req.sample is not None
                proof = w.proofs[req.sample]
                self._send(
                    w.coordinator.fulfill, req.rid, req.request.commitment, proof.proof,
                    proof.instances, sender=w.honest, gas=GAS,
                )  # fmt: skip
                self._settle(req, fee_to=str(w.honest.address))
                note("settled", "proven by the honest node")

    def _read(self, req: Committed) -> CommittedInput | None:
        """What the honest node reads from the request's delivery (clear, sealed or opened)."""
        assert req.delivered is not None
        expected, input_len = req.opening.commitment, len(req.opening.inputs)
        try:
            return read_delivery(req.delivered, expected, input_len)
        except BadDelivery:
            pass
        try:
            return open_sealed(
                HONEST_SECRET, req.delivered, chain_id=self.w.chain.chain_id,
                coordinator=str(self.w.coordinator.address), request_id=req.rid,
                expected=expected, input_len=input_len,
            )  # fmt: skip
        except BadDelivery:
            return None

    # ------------------------------------------------------------------ time and cancels

    @rule(seconds=st.sampled_from([5, PARAMS.exclusive_window, PARAMS.request_timeout + 1]))
    def time_passes(self, seconds: int) -> None:
        self._honest_acts()
        self.clock.advance(seconds)
        note("time passes", f"{seconds} s")

    @rule(pick=PICK, wait=st.booleans())
    def cancel(self, pick: int, wait: bool) -> None:
        """A request is cancelled; if the example says so, once time passes its deadline."""
        self._honest_acts()
        w = self.w
        req = self._pick(pick, lambda r: True)
        if req is None:
            return
        _, now = self.clock.peek()
        if wait and now <= req.field("deadline"):
            # The honest node has just acted: what it still holds awaits a requester.
            self.clock.advance(req.field("deadline") + 1 - now)
            _, now = self.clock.peek()
        args = (req.rid, req.request.commitment)
        if now <= req.field("deadline"):
            self._refused_with(w.coordinator.RequestNotExpired, w.coordinator.cancelRequest,
                               *args, sender=w.stranger, gas=GAS)  # fmt: skip
            note("cancel", "refused before the deadline")
            return
        answerable = req.field("windowEnd") != 0
        receipt = self._send(w.coordinator.cancelRequest, *args, sender=w.stranger, gas=GAS)
        [log] = list(receipt.events.filter(w.coordinator.InferenceCancelled))
        requester = str(req.requester.address)
        primary = req.request.primary if answerable else ZERO
        assert log.primary == primary
        slashed = 0
        if primary != ZERO:
            slashed = min(req.field("slashAmount"), self.stake[primary])
            harmed = slashed * req.field("harmedShareBps") // BPS
            self.stake[primary] -= slashed
            self.reg_credit[requester] += harmed
            self.reg_credit[str(w.treasury.address)] += slashed - harmed
        assert int(log.slashed) == slashed
        self._settle(req, fee_to=requester)
        note("cancel", "the primary slashed" if answerable else "refunded, nobody slashed")

    # ------------------------------------------------------------------ invariants

    @invariant()
    def books_balance_and_agree_with_the_model(self) -> None:
        w = self.w
        coord = {a: int(w.coordinator.credits(a)) for a in self.accounts}
        reg = {a: int(w.registry.credits(a)) for a in self.accounts}
        stakes = {a: int(w.registry.getNode(a).stake) for a in self.stakers}
        fees = sum(r.field("fee") for r in self.pending.values())
        assert w.coordinator.balance == self.coord_base + fees + sum(coord.values())
        assert w.registry.balance == self.reg_base + sum(stakes.values()) + sum(reg.values())
        assert coord == self.coord_credit
        assert reg == self.reg_credit
        assert stakes == {a: self.stake[a] for a in self.stakers}

    @invariant()
    def the_honest_node_is_never_slashed(self) -> None:
        assert int(self.w.registry.getNode(self.w.honest).stake) == self.honest_stake

    # ------------------------------------------------------------------ helpers

    def _settle(self, req: Committed, fee_to: str) -> None:
        del self.pending[req.rid]
        self.coord_credit[fee_to] += req.field("fee")
        assert self.w.coordinator.commitmentOf(req.rid) == b"\x00" * 32

    def _pick(self, pick: int, keep: Callable[[Committed], bool]) -> Committed | None:
        candidates = [r for _, r in sorted(self.pending.items()) if keep(r)]
        return candidates[pick % len(candidates)] if candidates else None

    def _send(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        with self.clock.blocks():
            return method(*args, **kwargs)

    def _refused_with(self, error: Any, method: Any, *args: Any, **kwargs: Any) -> None:
        """``method`` in the next block reverts with ``error`` (checked with a call)."""
        txn = method.as_transaction(*args, **kwargs)
        with self.clock.blocks():
            data = revert_data(self.w.chain, txn)
        assert data is not None, f"{method} was not refused"
        assert data[:4] == keccak(text=error.abi.selector)[:4], (error.abi.selector, data.hex())


def test_committed_requests_keep_the_books_and_never_slash_the_honest_node(
    chain,
    project,
    owner,
    treasury,
    coordinator,
    node_registry,
    model_registry,
    protocol,
    project_containers,
    committed_models,
    committed_node,
    committed_inputs,
    committed_proof,
    held_out_inputs,
    consumer,
    requester,
    stranger,
    accounts,
):
    honest_model = committed_models[SINGLE_COMMITTED]
    dishonest_model = register_circuit(owner, protocol, project_containers, SINGLE_COMMITTED)
    dishonest, accomplice = accounts[8], accounts[9]
    # The dishonest node holds enough stake to stay in its pool through an example's slashes.
    node_registry.stake(sender=dishonest, value=10 * PARAMS.min_stake)
    node_registry.addModel(dishonest_model, sender=dishonest)
    node_registry.stake(sender=accomplice, value=PARAMS.min_stake)
    for node, secret in ((committed_node, HONEST_SECRET), (dishonest, DISHONEST_SECRET)):
        key = PrivateKey(secret).public_key.format(compressed=True)
        node_registry.setEncryptionKey(key, sender=node)
    bound = int(model_registry.getModelTerms(honest_model).maxAbsInput)
    inputs = held_out_inputs("breast_cancer", 3)
    inputs[4] = bound + 1
    salt = [11, 12, 13, 14, 15, 16]
    unprovable = CommittedInput(
        tuple(inputs),
        tuple(salt),
        poseidon.hash_felts([v % poseidon.FIELD_MODULUS for v in (*inputs, *salt)]),
    )
    CommittedMachine.world = World(
        chain=chain,
        coordinator=coordinator,
        registry=node_registry,
        treasury=treasury,
        honest=committed_node,
        dishonest=dishonest,
        accomplice=accomplice,
        honest_model=honest_model,
        dishonest_model=dishonest_model,
        openings={i: committed_inputs[i] for i in SAMPLES},
        proofs={i: committed_proof(SINGLE_COMMITTED, (i,)) for i in SAMPLES},
        unprovable=unprovable,
        consumer=consumer,
        requester=requester,
        eoa=stranger,
        stranger=stranger,
    )
    run_machine(CommittedMachine, COVERAGE)
