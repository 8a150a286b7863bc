"""Stateful property test of the protocol's economics, over the real contracts, the real
generated verifier of the ``breast_cancer`` model and real EZKL proofs (made once per session).

Actors: two consumer contracts and an account that request; a diligent honest node (``node_a``)
that always answers its own requests before time moves on; an honest but unreliable node
(``node_b``) that answers late or as a stand-in when it feels like it; a dishonest node
(``operator``) that only ever posts tampered proofs or unsealed copies; and an attacker
contract that stakes as a node, predicts the primary draw to pick a victim, and tries to land
copied proofs. Rules also move time, cancel, withdraw and top up stake.

After EVERY step:

* the coordinator's balance equals the pending fees plus its credits;
* the node registry's balance equals the stakes plus its credits;
* both agree with an independent model of who is owed what (fees, refunds, slashes at the
  terms each request was made under);
* each slot of the draw's stake tree weighs its node's stake while the node is in the pool;
* the diligent node, which always answers within its window, is never slashed;
* no requester has received more than it paid, beyond compensation for a request it made that a
  primary could have proven (every input here is a held-out sample, provable by construction)
  and did not answer within its window.

Examples: ``PROPERTY_EXAMPLES`` (default 20; e.g. ``PROPERTY_EXAMPLES=300`` for a long run).
Each verifying transaction costs about 1.6 s of pure-Python pairing on Ape's default chain.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import ape
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
)

from .conftest import FEE, PARAMS
from .helpers import Request, parse_request

pytestmark = [pytest.mark.property, pytest.mark.slow]

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "20"))
STEPS = int(os.environ.get("PROPERTY_STEPS", "6"))
SAMPLES = (0, 1, 2)  # held-out breast_cancer samples with a precomputed proof each
CALLBACK_GAS = 120_000
FULFIL_GAS = 3_000_000  # given explicitly: no gas estimate, which would verify twice
ZERO = "0x" + "00" * 20
BPS = 10_000


@dataclass
class Pending:
    request: Request
    requester: str
    sample: int

    @property
    def rid(self) -> int:
        return self.request.request_id

    def field(self, name: str) -> Any:
        return self.request.field(name)


class World:
    """Contracts, actors and proofs shared by every example (fixtures cannot reach the
    machine's constructor directly)."""

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


class EconomicsMachine(RuleBasedStateMachine):
    world: World

    requests = Bundle("requests")

    def __init__(self) -> None:
        super().__init__()
        w = self.world
        self.w = w
        self.snapshot = w.chain.snapshot()
        self.model = w.model_id
        # The attacker contract and the dishonest node join the model's pool.
        w.registry.stake(sender=w.dishonest, value=PARAMS.min_stake)
        w.registry.addModel(self.model, sender=w.dishonest)
        self.attacker = w.owner.deploy(w.project.PrimaryPicker, w.coordinator)
        self.attacker.becomeNode(self.model, sender=w.owner, value=PARAMS.min_stake)
        self.nodes = {
            "diligent": w.node_a,
            "unreliable": w.node_b,
            "dishonest": w.dishonest,
        }
        self.requesters = [w.consumer_a, w.consumer_b, w.eoa]
        self.accounts = [
            *(str(n.address) for n in self.nodes.values()),
            str(self.attacker.address),
            *(str(r.address) for r in self.requesters),
            str(w.treasury.address),
        ]
        self.stakers = [*(str(n.address) for n in self.nodes.values()), str(self.attacker.address)]
        self.pending: dict[int, Pending] = {}
        # The independent model of what is owed.
        self.stake = {a: int(w.registry.getNode(a).stake) for a in self.accounts}
        self.coord_credit = {a: int(w.coordinator.credits(a)) for a in self.accounts}
        self.reg_credit = {a: int(w.registry.credits(a)) for a in self.accounts}
        self.paid = {str(r.address): 0 for r in self.requesters}
        self.paid[str(self.attacker.address)] = 0
        self.received = dict.fromkeys(self.paid, 0)
        self.fair_compensation = dict.fromkeys(self.paid, 0)
        self.diligent_stake = self.stake[str(w.node_a.address)]
        self.steps = 0

    def teardown(self) -> None:
        self.w.chain.restore(self.snapshot)

    # ------------------------------------------------------------------ requests

    @rule(target=requests, who=st.integers(0, 2), sample=st.sampled_from(SAMPLES))
    def request(self, who: int, sample: int) -> Any:
        w = self.w
        requester = self.requesters[who]
        inputs = w.proofs[sample].inputs
        if who < 2:
            receipt = requester.request(
                self.model, inputs, CALLBACK_GAS, sender=w.requester_eoa, value=FEE
            )
        else:
            receipt = w.coordinator.requestInference(
                self.model, inputs, CALLBACK_GAS, sender=requester, value=FEE
            )
        return self._record(receipt, str(requester.address), sample)

    @rule(target=requests, victim=st.sampled_from(["diligent", "unreliable"]))
    def attacker_picks_a_victim(self, victim: str) -> Any:
        """Requests only when the old, predictable draw would give `victim`."""
        w = self.w
        inputs = w.proofs[0].inputs
        receipt = self.attacker.requestIfVictim(
            self.model, inputs, self.nodes[victim], CALLBACK_GAS, sender=w.owner, value=FEE
        )
        if not list(receipt.events.filter(w.coordinator.InferenceRequested)):
            return multiple()
        return self._record(receipt, str(self.attacker.address), 0)

    @rule(sign=st.sampled_from([1, -1]))
    def out_of_range_request_is_refused(self, sign: int) -> None:
        w = self.w
        bound = int(w.model_registry.getModel(self.model).maxAbsInput)
        inputs = list(w.proofs[0].inputs)
        inputs[3] = sign * (bound + 1)
        with ape.reverts(w.coordinator.InputOutOfRange, index=3):
            w.coordinator.requestInference(
                self.model, inputs, CALLBACK_GAS, sender=w.eoa, value=FEE
            )

    # ------------------------------------------------------------------ fulfilment

    @rule(req=requests)
    def primary_answers(self, req: Pending) -> None:
        """The drawn primary answers, if it is an honest node and it is still pending."""
        primary = req.request.primary
        honest = {str(self.w.node_a.address), str(self.w.node_b.address)}
        if req.rid not in self.pending or primary not in honest:
            return
        if self.w.chain.pending_timestamp > req.field("deadline"):
            return
        self._fulfil(req, self._account(primary), sealed=False)

    @rule(req=requests)
    def unreliable_node_stands_in(self, req: Pending) -> None:
        """node_b answers someone else's request after the window, sealing first."""
        w = self.w
        node = w.node_b
        if req.rid not in self.pending or req.request.primary == str(node.address):
            return
        now = w.chain.pending_timestamp
        if now < req.field("windowEnd") or now + 1 > req.field("deadline"):
            return
        if not w.registry.isEligible(node, self.model):
            return
        proof = w.proofs[req.sample]
        seal = w.coordinator.fulfillmentSeal(req.rid, node, proof.proof, proof.instances)
        w.coordinator.sealFulfillment(req.rid, seal, sender=node)
        self._fulfil(req, node, sealed=True)

    @rule(req=requests, how=st.sampled_from(["tampered", "unsealed-copy", "attacker-copy"]))
    def cheaters_are_refused(self, req: Pending, how: str) -> None:
        w = self.w
        if req.rid not in self.pending or w.chain.pending_timestamp > req.field("deadline"):
            return
        proof = w.proofs[req.sample]
        args = (req.rid, req.request.commitment)
        if how == "tampered":
            bad = bytearray(proof.proof)
            bad[100] ^= 1
            with ape.reverts():
                w.coordinator.fulfill(
                    *args, bytes(bad), proof.instances, sender=w.dishonest, gas=FULFIL_GAS
                )
        elif how == "unsealed-copy":
            if req.request.primary == str(w.dishonest.address):
                return  # the primary needs no seal; its own proof would be accepted
            with ape.reverts():
                w.coordinator.fulfill(
                    *args, proof.proof, proof.instances, sender=w.dishonest, gas=FULFIL_GAS
                )
        else:
            if req.request.primary == str(self.attacker.address):
                return
            with ape.reverts():
                self.attacker.sealAndFulfil(
                    *args, proof.proof, proof.instances, sender=w.owner, gas=FULFIL_GAS
                )

    # ------------------------------------------------------------------ time and cancels

    @rule(seconds=st.sampled_from([5, PARAMS.exclusive_window, PARAMS.request_timeout + 1]))
    def time_passes(self, seconds: int) -> None:
        """The diligent node answers its open requests before time moves on."""
        w = self.w
        for req in list(self.pending.values()):
            if req.request.primary == str(
                w.node_a.address
            ) and w.chain.pending_timestamp < req.field("windowEnd"):
                self._fulfil(req, w.node_a, sealed=False)
        w.chain.pending_timestamp = w.chain.pending_timestamp + seconds

    @rule(req=requests)
    def cancel(self, req: Pending) -> None:
        w = self.w
        if req.rid not in self.pending:
            return
        if w.chain.pending_timestamp <= req.field("deadline"):
            with ape.reverts(w.coordinator.RequestNotExpired, requestId=req.rid):
                w.coordinator.cancelRequest(req.rid, req.request.commitment, sender=w.eoa)
            return
        receipt = w.coordinator.cancelRequest(req.rid, req.request.commitment, sender=w.eoa)
        del self.pending[req.rid]
        self.coord_credit[req.requester] += FEE
        self.received[req.requester] += FEE
        [log] = list(receipt.events.filter(w.coordinator.InferenceCancelled))
        primary = req.request.primary
        assert log.primary == primary
        self._expect_slash(receipt, req, primary, missed=True)

    # ------------------------------------------------------------------ money out

    @rule(who=st.integers(0, 3))
    def withdraw_coordinator_credit(self, who: int) -> None:
        w = self.w
        account = [w.node_a, w.node_b, w.consumer_a, w.eoa][who]
        address = str(account.address)
        if self.coord_credit[address] == 0:
            return
        if who == 2:
            account.withdrawRefunds(w.stranger, sender=w.stranger)
        else:
            w.coordinator.withdraw(account, sender=account)
        self.coord_credit[address] = 0

    @rule(who=st.integers(0, 3))
    def withdraw_registry_credit(self, who: int) -> None:
        w = self.w
        account = [w.node_b, w.consumer_a, w.consumer_b, w.eoa][who]
        address = str(account.address)
        if self.reg_credit[address] == 0:
            return
        if who in (1, 2):
            account.withdrawCompensation(w.stranger, sender=w.stranger)
        else:
            w.registry.withdrawCredit(account, sender=account)
        self.reg_credit[address] = 0

    @rule()
    def unreliable_node_tops_up(self) -> None:
        w = self.w
        w.registry.stake(sender=w.node_b, value=PARAMS.slash_amount)
        self.stake[str(w.node_b.address)] += PARAMS.slash_amount

    # ------------------------------------------------------------------ invariants

    @invariant()
    def books_balance_and_agree_with_the_model(self) -> None:
        """Each value is read once per step (a view call costs about 20 ms on py-evm)."""
        w = self.w
        coord = {a: int(w.coordinator.credits(a)) for a in self.accounts}
        reg = {a: int(w.registry.credits(a)) for a in self.accounts}
        stakes = {a: int(w.registry.getNode(a).stake) for a in self.stakers}
        assert w.coordinator.balance == FEE * len(self.pending) + sum(coord.values())
        assert w.registry.balance == sum(stakes.values()) + sum(reg.values())
        assert coord == self.coord_credit
        assert reg == self.reg_credit
        assert stakes == {a: self.stake[a] for a in self.stakers}

    @invariant()
    def draw_weights_are_the_pool_members_stakes(self) -> None:
        """Each slot of the model's stake tree weighs its node's stake while the node is in the
        pool and nothing otherwise (slashes, top-ups and leaves all reach the tree)."""
        w = self.w
        count = int(w.registry.poolSlotCount(self.model))
        head = w.chain.blocks.head.number
        sums = [int(w.registry.poolStakeAt(self.model, i, head)) for i in range(count + 1)]
        for slot in range(1, count + 1):
            node = str(w.registry.nodeAtSlot(self.model, slot))
            live = w.registry.isEligible(node, self.model)
            assert sums[slot] - sums[slot - 1] == (self.stake[node] if live else 0), node

    @invariant()
    def a_diligent_node_is_never_slashed(self) -> None:
        assert int(self.w.registry.getNode(self.w.node_a).stake) == self.diligent_stake

    @invariant()
    def no_requester_profits_beyond_fair_compensation(self) -> None:
        for r, paid in self.paid.items():
            assert self.received[r] <= paid + self.fair_compensation[r], r

    # ------------------------------------------------------------------ helpers

    def _record(self, receipt: Any, requester: str, sample: int) -> Pending:
        req = Pending(parse_request(receipt, self.w.coordinator), requester, sample)
        assert req.field("slashAmount") == self.w.registry.slashAmount()
        self.pending[req.rid] = req
        self.paid[requester] += FEE
        return req

    def _fulfil(self, req: Pending, node: Any, *, sealed: bool) -> None:
        w = self.w
        proof = w.proofs[req.sample]
        receipt = w.coordinator.fulfill(
            req.rid,
            req.request.commitment,
            proof.proof,
            proof.instances,
            sender=node,
            gas=FULFIL_GAS,
        )
        del self.pending[req.rid]
        self.coord_credit[str(node.address)] += FEE
        [log] = list(receipt.events.filter(w.coordinator.InferenceFulfilled))
        assert list(log.output) == proof.outputs
        primary = req.request.primary
        if str(node.address) == primary:
            assert log.slashed == 0 and not sealed
            assert not list(receipt.events.filter(w.registry.NodeSlashed))
        else:
            # A stand-in: the window is over, and the primary missed it.
            self._expect_slash(receipt, req, primary, missed=True)

    def _expect_slash(self, receipt: Any, req: Pending, primary: str, *, missed: bool) -> None:
        w = self.w
        logs = list(receipt.events.filter(w.registry.NodeSlashed))
        if primary == ZERO:
            assert not logs
            return
        assert missed
        assert primary != str(w.node_a.address) or self._diligent_could_not(req)
        amount = min(int(req.field("slashAmount")), self.stake[primary])
        if amount == 0:
            assert not logs
            return
        [log] = logs
        harmed = amount * int(req.field("harmedShareBps")) // BPS
        assert (log.node, log.harmedParty) == (primary, req.requester)
        assert (log.amount, log.harmedShare) == (amount, harmed)
        self.stake[primary] -= amount
        self.reg_credit[req.requester] += harmed
        self.reg_credit[str(w.treasury.address)] += amount - harmed
        # The primary could have proven this input (a held-out sample) and did not answer in
        # its window: compensation for it is fair.
        self.received[req.requester] += harmed
        self.fair_compensation[req.requester] += harmed

    def _diligent_could_not(self, req: Pending) -> bool:
        return False  # the diligent node answers every request of its before time moves

    def _account(self, address: str) -> Any:
        return next(n for n in (self.w.node_a, self.w.node_b) if str(n.address) == address)


def test_economics_hold_after_every_step(
    chain,
    project,
    owner,
    treasury,
    coordinator,
    node_registry,
    model_registry,
    real_models,
    real_staked,
    real_proof,
    operator,
    requester,
    stranger,
    accounts,
):
    from hypothesis.stateful import run_state_machine_as_test

    proofs = {i: real_proof("breast_cancer", i) for i in SAMPLES}
    consumer_a = requester.deploy(project.RecordingConsumer, coordinator)
    consumer_b = requester.deploy(project.RecordingConsumer, coordinator)
    node_a, node_b = real_staked
    EconomicsMachine.world = World(
        chain=chain,
        project=project,
        owner=owner,
        treasury=treasury,
        coordinator=coordinator,
        registry=node_registry,
        model_registry=model_registry,
        model_id=real_models["breast_cancer"],
        proofs=proofs,
        node_a=node_a,
        node_b=node_b,
        dishonest=operator,
        consumer_a=consumer_a,
        consumer_b=consumer_b,
        eoa=accounts[7],
        requester_eoa=requester,
        stranger=stranger,
    )
    run_state_machine_as_test(
        EconomicsMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
