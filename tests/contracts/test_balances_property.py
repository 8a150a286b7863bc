"""Stateful property test of the protocol's economics, over the real contracts, the real
generated verifiers of ``breast_cancer`` and of its batched variant ``breast_cancer_b23`` (23
samples a proof), and real EZKL proofs (made once per session).

Actors: two consumer contracts and an account that request; a diligent honest node (``node_a``)
that always answers its own requests before time moves on; an honest but unreliable node
(``node_b``) that answers late or as a stand-in when it feels like it; a dishonest node
(``operator``) that only ever posts tampered proofs or copies it did not seal in time; an
attacker contract that stakes as a node, predicts the old primary draw to pick a victim, and
tries to land copied proofs; a contract that requests and settles in one transaction; and a
keeper that pins draws. Both models are served by the three nodes; the attacker serves the
unbatched one.

Rules:

* requests to either model, from any requester; the attacker's request when its prediction
  names its victim; an out-of-range input, refused; a request settled in its own block (one
  request through ``fulfill``, one through ``fulfillBatch``), refused;
* single fulfilments: the primary answers; ``node_b`` stands in, sealing first (refused inside
  the primary's window); cheaters are refused: a tampered proof, an unsealed copy, a copy sealed
  and posted in one transaction;
* a seal made ahead: the dishonest node seals a fulfilment for the next request id before that
  request exists, the request comes, the window ends, and its stand-in is refused (also after it
  seals again: the first seal stands, and it was made too early);
* batches: ``fulfillBatch`` with real batched proofs of up to three requests, by their primary or
  by a stand-in that sealed the batch; a member settled elsewhere meanwhile, or past its
  deadline, is skipped; a batch with nothing to settle, or a member whose primary's window is
  still open, is refused whole; the diligent node settles its open batched requests in batches;
* the draw's horizon: a keeper pins a pending request's primary while the hash of its block is
  in reach (refused after it); 257 blocks are mined, a second each; after that a stand-in or a
  cancel slashes the pinned primary, or nobody when none was pinned;
* Optimistic mode (an Optimistic variant of ``breast_cancer``, same verifier, a two-minute
  challenge window): requests; the primary posts an output without a proof, the true one if it
  is honest, a lie if it is the dishonest node (which a rule also makes the primary of a request
  on purpose, and lies at once; every example starts with such a lie, whose window then ends); a challenge with a real proof: a lie is proven
  wrong (the liar loses its bond to the challenger, who takes the fee, and the requester gets the
  proven output), a true posting or a closed window is refused; anyone finalises up to three
  postings at once, a settled one among them skipped, an open window refused; the diligent node
  watches: it challenges every lie before its window can close;
* time passes, requests are cancelled after their deadline, credits are withdrawn, stake is
  topped up.

After EVERY step:

* the coordinator's balance equals the fees of pending and posted requests plus its credits;
* the node registry's balance equals the stakes plus its credits;
* both agree with an independent model of who is owed what (fees, refunds, slashes at the
  terms each request was made under, the pinned primaries);
* each slot of either model's stake tree weighs its node's stake while the node is in the pool;
* the diligent node, which always answers within its window, is never slashed; an honest
  poster is never slashed (its stake agrees with the model, which slashes only missed windows);
* no lie is finalised: a lie is always challenged within its window (one honest watcher), and
  a finalisation that names a challenged lie skips it;
* no requester has received more than it paid, beyond compensation for a request it made that a
  primary could have proven (every input here is a held-out sample, provable by construction)
  and did not answer within its window.

Every example replays the same way, run after run, on Ape's default chain and on anvil:

* no choice Hypothesis makes depends on the chain: a rule picks a request by an index the
  example draws into the machine's list of pending requests, sorted by id;
* every block is stamped from the example's own clock: a fixed start, one second a block, plus
  the time the example lets pass;
* block hashes come from the machine (py-evm draws each block's prevrandao from the OS, and
  the chain before the test carries wall-clock timestamps), so what the contracts draw from them
  comes from the example instead: the example names each request's primary (a point in the
  pool's stake, so each node as often as the real draw would name it) and whether the
  attacker's prediction hits, and the machine mines the request again, varying only its
  transaction's gas limit, until the chain agrees.

A refusal is checked with a call on the pending block (the same code in the same block; a
refused transaction changes nothing), not by sending it: Ape traces a failed transaction on
anvil, which takes seconds, and minutes when it ran a verifier.

Examples: ``PROPERTY_EXAMPLES`` (default 10; e.g. ``PROPERTY_EXAMPLES=300`` for a long run,
figures in bench/results/property.md), steps per example: ``PROPERTY_STEPS`` (default 6); run
with ``-s`` to see what the examples did. Each verifying transaction costs about 1.6 s of
pure-Python pairing on Ape's default chain; the batched proofs take about 30 s once a session.
"""

from __future__ import annotations

import ast
import functools
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from eth_abi import decode
from eth_utils import keccak
from hexbytes import HexBytes
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from oracle_node.chain.contracts import posting_of, posting_tuple

from .conftest import FEE, PARAMS, ROOT
from .helpers import Request, parse_request

pytestmark = [pytest.mark.property, pytest.mark.slow]

# An example does about twice the work it did with the rules before batches, pins and seals
# (and the batched proofs take about 30 s a session): 10 keep `make test` near its old time.
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "10"))
STEPS = int(os.environ.get("PROPERTY_STEPS", "6"))
SAMPLES = (0, 1, 2)  # held-out breast_cancer samples with a precomputed proof each
BATCH_SAMPLE = 0  # every batched request asks about this sample
MAX_BATCH = 3  # batches of 1 to 3 requests, one proof each (the other slots hold filler)
CALLBACK_GAS = 120_000
FULFIL_GAS = 3_000_000  # given explicitly: no gas estimate, which would verify twice
BATCH_GAS = 6_000_000
REQUEST_GAS = 1_000_000  # plus the try's number: each try of a request is another block
SETTLE_GAS = 2_000_000
SEAL_GAS = 500_000
ZERO = "0x" + "00" * 20
BPS = 10_000
HORIZON = 256  # blocks that `blockhash` reaches back
START = 4_000_000_000  # the first block's timestamp: ahead of any wall clock a chain starts at
MAX_TRIES = 2_000
SLACK = 30  # the diligent node answers once its window ends within this many seconds
# What the run did, by kind of outcome (printed at its end; run with -s to see it).
COVERAGE: Counter[str] = Counter()
PICK = st.integers(0, 255)  # an index into the sorted pending requests (modulo their number)
# A point in the pool's stake: the primary it names. Hypothesis favours small integers (0, 1,
# 2, ...), which would all name the pool's first slot; an odd multiplier modulo 2**16 (a
# bijection) spreads them over the pool, and still shrinks to 0.
POINT = st.integers(0, 2**16 - 1).map(lambda p: p * 0x9E37 % 2**16)
OPT_WINDOW = 2 * PARAMS.exclusive_window  # the Optimistic model's challenge window, seconds
OPT_BOND = 3 * 10**17  # what a lie proven wrong costs its poster
MAX_FINALISE = 3


@dataclass
class Posted:
    """An Optimistic request with an output posted on it."""

    req: Any  # Pending
    poster: str
    output: list[int]
    final_at: int
    posting: tuple[Any, ...]
    lie: bool


@dataclass
class Pending:
    request: Request
    requester: str
    sample: int

    @property
    def rid(self) -> int:
        return self.request.request_id

    @property
    def model(self) -> int:
        return int(self.field("modelId"))

    @property
    def block(self) -> int:
        return int(self.field("requestBlock"))

    def field(self, name: str) -> Any:
        return self.request.field(name)


class World:
    """Contracts, actors and proofs shared by every example (fixtures cannot reach the
    machine's constructor directly)."""

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


class Clock:
    """The example's clock. Every block the machine makes is stamped from it: one second after
    the block before, or later by the time the example lets pass. Between transactions the
    chain's next block is ``peek()``: the head's successor, at ``now``."""

    def __init__(self, chain: Any, start: int) -> None:
        self.chain = chain
        self.now = start
        self.anvil = chain.provider.name == "foundry"
        if self.anvil:
            # Mined blocks follow their parent by a second, not by the wall clock (py-evm does
            # so by itself while the chain's time is ahead of the wall clock).
            chain.provider.make_request("anvil_setBlockTimestampInterval", [1])
        chain.pending_timestamp = start  # py-evm mines an empty block at `start - 1` for it

    def peek(self) -> tuple[int, int]:
        """The number and the timestamp of the next block."""
        return self.chain.blocks.height + 1, self.now

    @contextmanager
    def blocks(self) -> Iterator[None]:
        """Stamp the next block; the clock moves a second for each block mined meanwhile (none
        when the transaction is refused before it is mined)."""
        head = self.chain.blocks.height
        self.chain.pending_timestamp = self.now
        try:
            yield
        finally:
            self.now += self.chain.blocks.height - head

    def advance(self, seconds: int) -> None:
        self.now += seconds
        self.chain.pending_timestamp = self.now

    def mine(self, count: int) -> None:
        with self.blocks():
            self.chain.mine(count)

    def close(self) -> None:
        if self.anvil:
            self.chain.provider.make_request("anvil_removeBlockTimestampInterval", [])


def revert_data(chain: Any, txn: Any) -> bytes | None:
    """What `txn` reverts with when called on the pending block, or None if it succeeds."""
    from eth_tester.exceptions import TransactionFailed
    from web3.exceptions import ContractLogicError

    params = {
        "from": txn.sender,
        "to": txn.receiver,
        "data": HexBytes(txn.data),
        "value": txn.value,
        "gas": txn.gas_limit,
    }
    try:
        chain.provider.web3.eth.call(params, "pending")
    except ContractLogicError as err:  # anvil
        return HexBytes(err.data or b"")
    except TransactionFailed as err:  # py-evm: "execution reverted: b'...'"
        text = str(err.args[0]).removeprefix("execution reverted: ")
        return ast.literal_eval(text) if text.startswith(("b'", 'b"')) else b""
    return None


def note(kind: str, outcome: str) -> None:
    COVERAGE[f"{kind}: {outcome}"] += 1


def step(rule_function: Callable[..., None]) -> Callable[..., None]:
    """A rule that first lets the diligent node answer what it must answer before time moves
    (only long runs, where blocks alone move the clock towards a window's end, need it)."""

    @functools.wraps(rule_function)
    def run(self: EconomicsMachine, **kw: Any) -> None:
        note("rule", rule_function.__name__)
        self._diligent_answers(ending_within=SLACK)
        rule_function(self, **kw)

    return run


class EconomicsMachine(RuleBasedStateMachine):
    world: World

    def __init__(self) -> None:
        super().__init__()
        w = self.world
        self.w = w
        self.snapshot = w.chain.snapshot()
        self.clock = Clock(w.chain, START)
        self.model = w.model_id
        self.batched = w.batched_model_id
        self.opt = w.optimistic_model_id
        # The attacker contract and the dishonest node join the pools.
        self._send(w.registry.stake, sender=w.dishonest, value=PARAMS.min_stake)
        for model in (self.model, self.batched, self.opt):
            self._send(w.registry.addModel, model, sender=w.dishonest)
        self.attacker = self._send(w.owner.deploy, w.project.PrimaryPicker, w.coordinator)
        self._send(self.attacker.becomeNode, self.model, sender=w.owner, value=PARAMS.min_stake)
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
        self.posted: dict[int, Posted] = {}
        self.settled: dict[int, Pending] = {}
        self.lies: set[int] = set()  # requests a lie was posted on
        self.finished: dict[int, Posted] = {}  # postings finalised or proven wrong
        self.pinned: dict[int, str] = {}
        self.slot_nodes: dict[tuple[int, int], str] = {}
        # The independent model of what is owed.
        self.stake = {a: int(w.registry.getNode(a).stake) for a in self.accounts}
        self.coord_credit = {a: int(w.coordinator.credits(a)) for a in self.accounts}
        self.reg_credit = {a: int(w.registry.credits(a)) for a in self.accounts}
        self.paid = {str(r.address): 0 for r in self.requesters}
        self.paid[str(self.attacker.address)] = 0
        self.received = dict.fromkeys(self.paid, 0)
        self.fair_compensation = dict.fromkeys(self.paid, 0)
        self.diligent_stake = self.stake[str(w.node_a.address)]

    def teardown(self) -> None:
        self.clock.close()
        self.w.chain.restore(self.snapshot)

    # ------------------------------------------------------------------ requests

    @initialize(
        first=st.lists(
            st.tuples(
                st.sampled_from(["proven", "batched", "optimistic"]),
                st.integers(0, 2),
                st.sampled_from(SAMPLES),
                POINT,
            ),
            min_size=1,
            max_size=3,
        )
    )
    def first_requests(self, first: list[tuple[str, int, int, int]]) -> None:
        """Every example starts with one to three requests, to any of the three models."""
        note("rule", "first_requests")
        for kind, who, sample, point in first:
            if kind == "batched":
                self._request(self.batched, who, BATCH_SAMPLE, point)
            else:
                self._request(self.opt if kind == "optimistic" else self.model, who, sample, point)

    @initialize(who=st.integers(0, 2), sample=st.sampled_from(SAMPLES))
    def first_lie(self, who: int, sample: int) -> None:
        """Every example also starts with a lie whose window then ends (the rule below), so
        that every example needs the watcher's challenge: with a watcher that never
        challenges, the first example fails."""
        note("rule", "first_lie")
        self._lie(who, sample, window_ends=True)

    @rule(who=st.integers(0, 2), sample=st.sampled_from(SAMPLES), point=POINT)
    @step
    def request(self, who: int, sample: int, point: int) -> None:
        self._request(self.model, who, sample, point)

    @rule(who=st.integers(0, 2), point=POINT)
    @step
    def request_a_batched_model(self, who: int, point: int) -> None:
        self._request(self.batched, who, BATCH_SAMPLE, point)

    @rule(who=st.integers(0, 2), sample=st.sampled_from(SAMPLES), point=POINT)
    @step
    def request_optimistic(self, who: int, sample: int, point: int) -> None:
        self._request(self.opt, who, sample, point)

    @rule(who=st.integers(0, 2), sample=st.sampled_from(SAMPLES), window_ends=st.booleans())
    @step
    def the_liar_is_drawn_and_lies(self, who: int, sample: int, window_ends: bool) -> None:
        """An Optimistic request whose primary is the dishonest node, which posts a lie at once
        (so that every long run proves lies wrong, whatever primaries its points name); then,
        if the example says so, time passes beyond its window as in `time_passes`."""
        self._lie(who, sample, window_ends)

    def _lie(self, who: int, sample: int, window_ends: bool) -> None:
        liar = str(self.w.dishonest.address)
        if not any(weight for _, weight in self._weights(self.opt, {liar})):
            note("posting", "no lie: the liar has left the pool")
            return
        req = self._request(self.opt, who, sample, 0, among={liar})
        self._post(req, liar)
        if window_ends:
            self._diligent_answers()
            self.clock.advance(OPT_WINDOW + 1)

    @rule(victim=st.sampled_from(["diligent", "unreliable"]), hits=st.booleans(), point=POINT)
    @step
    def attacker_picks_a_victim(self, victim: str, hits: bool, point: int) -> None:
        """Requests only when the old, predictable draw would give `victim` (from the hash of
        the block before and prevrandao); the example says whether it does."""
        w = self.w
        wanted = self._node_at(self.model, point)
        inputs = w.proofs[0].inputs

        def attempt(n: int) -> Request | None:
            # The block before the request, whose hash the prediction reads, differs per try.
            self._send(w.stranger.transfer, w.stranger, 0, gas=21_000 + n)
            receipt = self._send(
                self.attacker.requestIfVictim,
                self.model,
                inputs,
                self.nodes[victim],
                CALLBACK_GAS,
                sender=w.owner,
                value=FEE,
                gas=REQUEST_GAS,
            )
            if not list(receipt.events.filter(w.coordinator.InferenceRequested)):
                return None
            return parse_request(receipt, w.coordinator, w.registry)

        made = self._until(
            attempt,
            lambda req: (req is not None) == hits and (req is None or req.primary == wanted),
        )
        if made is not None:
            self._record(made, str(self.attacker.address), 0)

    @rule(sign=st.sampled_from([1, -1]))
    @step
    def out_of_range_request_is_refused(self, sign: int) -> None:
        w = self.w
        bound = int(w.model_registry.getModel(self.model).maxAbsInput)
        inputs = list(w.proofs[0].inputs)
        inputs[3] = sign * (bound + 1)
        self._refused(
            (w.coordinator.InputOutOfRange, {"index": 3, "value": inputs[3]}),
            w.coordinator.requestInference,
            self.model,
            inputs,
            CALLBACK_GAS,
            sender=w.eoa,
            value=FEE,
            gas=REQUEST_GAS,
        )

    @rule(batched=st.booleans(), sample=st.sampled_from(SAMPLES))
    @step
    def settling_in_the_request_block_is_refused(self, batched: bool, sample: int) -> None:
        """A node that knows an input in advance requests and settles in one transaction (one
        block, before the draw): refused."""
        w = self.w
        next_id = int(w.coordinator.requestCount()) + 1
        number, _ = self.clock.peek()
        if batched:
            call, model, proof = w.settler.requestAndFulfilBatch, self.batched, w.batch_proofs[1]
            inputs = proof.inputs[0]
            proof = proof.result
        else:
            call, model, proof = w.settler.requestAndFulfil, self.model, w.proofs[sample]
            inputs = proof.inputs
        self._refused(
            (w.coordinator.RequestNotYetOpen, {"requestId": next_id, "requestBlock": number}),
            call,
            model,
            inputs,
            CALLBACK_GAS,
            proof.proof,
            proof.instances,
            sender=w.keeper,
            value=FEE,
            gas=SETTLE_GAS,
        )

    # ------------------------------------------------------------------ fulfilment

    @rule(pick=PICK)
    @step
    def primary_answers(self, pick: int) -> None:
        """The primary answers, if it is an honest node (by the time the request's block left
        the draw's reach, only a pinned primary still is one)."""
        req = self._pick(self.model, pick)
        if req is None:
            return
        number, now = self.clock.peek()
        primary = self._primary(req, number)
        if primary not in self._honest() or now > req.field("deadline"):
            return
        self._fulfil(req, self._account(primary))

    @rule(pick=PICK)
    @step
    def unreliable_node_stands_in(self, pick: int) -> None:
        """node_b answers someone else's request, sealing first: refused inside the primary's
        window, accepted after it or when the request has no primary any more."""
        w = self.w
        node = w.node_b
        req = self._pick(self.model, pick)
        if req is None:
            return
        number, now = self.clock.peek()
        if self._primary(req, number + 1) == str(node.address):
            return  # its own request: the primary's rule
        if now + 1 > req.field("deadline"):
            return
        proof = w.proofs[req.sample]
        seal = w.coordinator.fulfillmentSeal(req.rid, node, proof.proof, proof.instances)
        self._send(w.coordinator.sealFulfillment, req.rid, seal, sender=node)
        number, now = self.clock.peek()
        primary = self._primary(req, number)
        args = (req.rid, req.request.commitment, proof.proof, proof.instances)
        refusal = None
        if not w.registry.isEligible(node, self.model):
            note("stand-in", "refused: not eligible")
            refusal = (w.coordinator.NodeNotEligible, {"requestId": req.rid, "node": node})
        elif primary != ZERO and now < req.field("windowEnd"):
            note("stand-in", "refused: inside the window")
            expected = {"requestId": req.rid, "node": node, "primary": primary}
            refusal = (
                w.coordinator.NotPrimaryNode,
                {**expected, "windowEnd": req.field("windowEnd")},
            )
        if refusal is not None:
            self._refused(refusal, w.coordinator.fulfill, *args, sender=node, gas=FULFIL_GAS)
        else:
            self._fulfil(req, node)

    @rule(pick=PICK, how=st.sampled_from(["tampered", "unsealed-copy", "attacker-copy"]))
    @step
    def cheaters_are_refused(self, pick: int, how: str) -> None:
        w = self.w
        req = self._pick(self.model, pick)
        if req is None:
            return
        number, now = self.clock.peek()
        if now > req.field("deadline"):
            return
        primary = self._primary(req, number)
        proof = w.proofs[req.sample]
        args = (req.rid, req.request.commitment)
        if how == "tampered":
            bad = bytearray(proof.proof)
            bad[100] ^= 1
            self._refused(
                None,
                w.coordinator.fulfill,
                *args,
                bytes(bad),
                proof.instances,
                sender=w.dishonest,
                gas=FULFIL_GAS,
            )
        elif how == "unsealed-copy":
            if primary == str(w.dishonest.address):
                return  # the primary needs no seal; its own proof would be accepted
            self._refused(
                None,
                w.coordinator.fulfill,
                *args,
                proof.proof,
                proof.instances,
                sender=w.dishonest,
                gas=FULFIL_GAS,
            )
        else:
            if primary == str(self.attacker.address):
                return
            self._refused(
                None,
                self.attacker.sealAndFulfil,
                *args,
                proof.proof,
                proof.instances,
                sender=w.owner,
                gas=FULFIL_GAS,
            )

    @rule(sample=st.sampled_from(SAMPLES), who=st.integers(0, 2), point=POINT, pick=PICK)
    @step
    def a_seal_made_ahead_does_not_count(
        self, sample: int, who: int, point: int, pick: int
    ) -> None:
        """The dishonest node, which knows `sample` will be asked, seals its fulfilment under the
        next request id (naming a pending request, since a seal must name one). The request
        comes (its primary neither the dishonest nor the diligent node), its window ends, and the
        dishonest node seals again and stands in: refused, its seal is older than the request."""
        w = self.w
        node = w.dishonest
        late = {str(w.node_b.address), str(self.attacker.address)}
        if not any(weight for _, weight in self._weights(self.model, among=late)):
            return
        proof = w.proofs[sample]
        next_id = int(w.coordinator.requestCount()) + 1
        seal = w.coordinator.fulfillmentSeal(next_id, node, proof.proof, proof.instances)
        named = self._pick(None, pick)
        if named is None:
            # Nothing pending to name, and the next request does not exist yet.
            self._refused(
                (w.coordinator.RequestNotPending, {"requestId": next_id}),
                w.coordinator.sealFulfillment,
                next_id,
                seal,
                sender=node,
                gas=SEAL_GAS,
            )
            sealed_at = 0
        else:
            sealed_at = self._send(
                w.coordinator.sealFulfillment, named.rid, seal, sender=node
            ).block_number
        req = self._request(self.model, who, sample, point, among=late)
        assert req.rid == next_id
        self._diligent_answers()
        self.clock.advance(max(0, int(req.field("windowEnd")) - self.clock.now))
        if sealed_at:
            self._send(w.coordinator.sealFulfillment, req.rid, seal, sender=node)
            assert int(w.coordinator.sealedAt(node, seal)) == sealed_at
        args = (req.rid, req.request.commitment, proof.proof, proof.instances)
        if not w.registry.isEligible(node, self.model):
            refusal = (w.coordinator.NodeNotEligible, {"requestId": req.rid, "node": node})
        else:
            note(
                "seal made ahead",
                "refused" if sealed_at else "refused (none stored: nothing to name)",
            )
            expected = {"requestId": req.rid, "node": node, "sealedAtBlock": sealed_at}
            refusal = (w.coordinator.FulfillmentNotSealed, expected)
        self._refused(refusal, w.coordinator.fulfill, *args, sender=node, gas=FULFIL_GAS)

    # ------------------------------------------------------------------ batches

    @rule(
        who=st.sampled_from(["diligent", "unreliable"]),
        count=st.integers(1, MAX_BATCH),
        with_settled=st.booleans(),
        pick=PICK,
    )
    @step
    def a_node_settles_a_batch(self, who: str, count: int, with_settled: bool, pick: int) -> None:
        """An honest node settles up to three pending batched requests (consecutive in id from
        the picked one) in one `fulfillBatch`, sealing first where it stands in; with a request
        settled meanwhile among them when the example asks for one."""
        pending = self._pending(self.batched)
        if not pending:
            return
        settled = sorted(
            (r for r in self.settled.values() if r.model == self.batched), key=lambda r: r.rid
        )
        count = min(count, len(pending), MAX_BATCH - (1 if with_settled and settled else 0))
        start = pick % len(pending)
        members = [pending[(start + i) % len(pending)] for i in range(count)]
        if with_settled and settled:
            members.append(settled[pick % len(settled)])
        self._settle_batch(self.nodes[who], sorted(members, key=lambda r: r.rid))

    # ------------------------------------------------------------------ Optimistic mode

    @rule(pick=PICK)
    @step
    def primary_posts(self, pick: int) -> None:
        """The primary of an Optimistic request posts its output: the true one if it is an
        honest node, a lie if it is the dishonest one. Another node posting inside the window
        is refused first."""
        w = self.w
        req = self._pick(self.opt, pick)
        if req is None:
            return
        number, now = self.clock.peek()
        primary = self._primary(req, number)
        if now > req.field("deadline") or primary not in {
            *self._honest(),
            str(w.dishonest.address),
        }:
            return
        if now < req.field("windowEnd"):
            other = next(n for n in (w.node_b, w.node_a) if str(n.address) != primary)
            if not w.registry.isEligible(other, self.opt):
                refusal = (w.coordinator.NodeNotEligible, {"requestId": req.rid, "node": other})
            else:
                expected = {"requestId": req.rid, "node": other, "primary": primary}
                refusal = (w.coordinator.NotPrimaryNode, expected)
            self._refused(
                refusal, w.coordinator.postOutput, req.rid, req.request.commitment,
                w.proofs[req.sample].outputs, sender=other, gas=SEAL_GAS,
            )  # fmt: skip
        self._post(req, primary)

    @rule(pick=PICK, who=st.sampled_from(["unreliable", "diligent"]))
    @step
    def a_posting_is_challenged(self, pick: int, who: str) -> None:
        """A node proves the posted output wrong with a real proof: accepted for a lie inside
        its window, refused for a true output or once the window is closed."""
        posted = self._pick_posted(pick)
        if posted is None:
            return
        self._challenge(posted, self.nodes[who])

    @rule(pick=PICK, count=st.integers(1, MAX_FINALISE), with_settled=st.booleans())
    @step
    def postings_are_finalised(self, pick: int, count: int, with_settled: bool) -> None:
        """Anyone finalises up to three postings in one call, with a settled Optimistic request
        (finalised, or a challenged lie) among them when the example asks: skipped. Refused
        whole while one window is open, or when nothing is left to settle."""
        w = self.w
        posted = sorted(self.posted.values(), key=lambda p: p.req.rid)
        gone = sorted(self.finished.values(), key=lambda p: p.req.rid)
        members = [posted[(pick + i) % len(posted)] for i in range(min(count, len(posted)))]
        if with_settled and gone:
            members.append(gone[pick % len(gone)])
        if not members:
            return
        members = sorted({p.req.rid: p for p in members}.values(), key=lambda p: p.req.rid)
        _, now = self.clock.peek()
        args = (
            [p.req.rid for p in members],
            [p.posting for p in members],
            [p.output for p in members],
        )
        live = [p for p in members if p.req.rid in self.posted]
        still_open = next((p for p in live if now < p.final_at), None)
        if still_open is not None or not live:
            if still_open is not None:
                error = w.coordinator.ChallengeWindowOpen
                refusal = (error, {"requestId": still_open.req.rid, "finalAt": still_open.final_at})
            else:
                refusal = (w.coordinator.NothingToSettle, {})
            note("finalise", f"refused: {refusal[0].__name__}")
            self._refused(refusal, w.coordinator.finalize, *args, sender=w.keeper, gas=SETTLE_GAS)
            return
        # The watcher challenged every lie before its window closed: none can be final.
        assert not [p.req.rid for p in live if p.lie], "a lie outlived its challenge window"
        note("finalise", f"{len(live)} finalised, {len(members) - len(live)} skipped")
        receipt = self._send(w.coordinator.finalize, *args, sender=w.keeper, gas=SETTLE_GAS)
        [log] = list(receipt.events.filter(w.coordinator.OutputsFinalized))
        assert list(log.requestIds) == [p.req.rid for p in live]
        for p in live:
            self.coord_credit[p.poster] += int(p.req.field("fee"))
            self._finish(p)

    def _post(self, req: Pending, poster: str) -> None:
        w = self.w
        node = next(n for n in self.nodes.values() if str(n.address) == poster)
        output = list(w.proofs[req.sample].outputs)
        lie = poster == str(w.dishonest.address)
        if lie:
            output[0] += 1
        note("posting", "a lie" if lie else "the true output")
        receipt = self._send(
            w.coordinator.postOutput, req.rid, req.request.commitment, output, sender=node
        )
        [log] = list(receipt.events.filter(w.coordinator.OutputPosted))
        assert (log.poster, list(log.output)) == (poster, output)
        assert int(log.finalAt) == int(w.chain.blocks.head.timestamp) + OPT_WINDOW
        assert not list(receipt.events.filter(w.registry.NodeSlashed))
        posting = posting_tuple(posting_of(req.rid, req.request.commitment, poster, log.finalAt))
        del self.pending[req.rid]
        self.posted[req.rid] = Posted(req, poster, output, int(log.finalAt), posting, lie)
        if lie:
            self.lies.add(req.rid)

    def _challenge(self, posted: Posted, node: Any) -> None:
        w = self.w
        req = posted.req
        proof = w.proofs[req.sample]
        args = (req.rid, req.request.commitment, posted.posting, posted.output, proof.proof,
                proof.instances)  # fmt: skip
        _, now = self.clock.peek()
        refusal = None
        if now >= posted.final_at:
            note("challenge", "refused: window closed")
            expected = {"requestId": req.rid, "finalAt": posted.final_at}
            refusal = (w.coordinator.ChallengeWindowClosed, expected)
        elif not posted.lie:
            note("challenge", "refused: the posting is true")
            refusal = (w.coordinator.PostingNotWrong, {"requestId": req.rid})
        elif now + 1 >= posted.final_at:
            return  # its seal takes a block of its own, and the window closes in that one
        if refusal is not None:
            self._refused(refusal, w.coordinator.challenge, *args, sender=node, gas=FULFIL_GAS)
            return
        seal = w.coordinator.challengeSeal(req.rid, node, proof.proof, proof.instances)
        self._send(w.coordinator.sealFulfillment, req.rid, seal, sender=node)
        note("challenge", "a lie proven wrong")
        receipt = self._send(w.coordinator.challenge, *args, sender=node, gas=FULFIL_GAS)
        challenger = str(node.address)
        amount = min(OPT_BOND, self.stake[posted.poster])
        [log] = list(receipt.events.filter(w.coordinator.PostingChallenged))
        assert (log.poster, log.challenger, log.slashed) == (posted.poster, challenger, amount)
        [fulfilled] = list(receipt.events.filter(w.coordinator.InferenceFulfilled))
        assert list(fulfilled.output) == proof.outputs  # the requester gets the proven output
        slashes = list(receipt.events.filter(w.registry.NodeSlashed))
        expected = [(posted.poster, challenger, amount, amount)] if amount else []
        assert [(x.node, x.harmedParty, x.amount, x.harmedShare) for x in slashes] == expected
        self.stake[posted.poster] -= amount
        self.reg_credit[challenger] += amount
        self.coord_credit[challenger] += int(req.field("fee"))
        self._finish(posted)

    def _finish(self, posted: Posted) -> None:
        del self.posted[posted.req.rid]
        self.finished[posted.req.rid] = posted
        self.settled[posted.req.rid] = posted.req

    def _pick_posted(self, pick: int) -> Posted | None:
        posted = sorted(self.posted.values(), key=lambda p: p.req.rid)
        return posted[pick % len(posted)] if posted else None

    def _watch(self, ending_within: int | None) -> None:
        """The diligent node challenges every lie (or those whose window closes within
        `ending_within` seconds) while it still can."""
        _, now = self.clock.peek()
        for posted in sorted(self.posted.values(), key=lambda p: p.req.rid):
            if posted.lie and (ending_within is None or posted.final_at <= now + ending_within):
                self._challenge(posted, self.w.node_a)

    # ------------------------------------------------------------------ the draw's horizon

    @rule(pick=PICK)
    @step
    def keeper_pins(self, pick: int) -> None:
        """A keeper records a pending request's draw: while its block's hash is in reach (again:
        a no-op), refused after it when nobody pinned it in time."""
        w = self.w
        req = self._pick(None, pick)
        if req is None:
            return
        number, _ = self.clock.peek()
        args = (req.rid, req.request.commitment)
        if req.rid not in self.pinned and not self._in_reach(req, number):
            note("pin", "refused: out of reach")
            expected = {"requestId": req.rid, "requestBlock": req.block}
            refusal = (w.coordinator.DrawOutOfReach, expected)
            self._refused(refusal, w.coordinator.pinPrimary, *args, sender=w.keeper, gas=SEAL_GAS)
            return
        receipt = self._send(w.coordinator.pinPrimary, *args, sender=w.keeper)
        logs = list(receipt.events.filter(w.coordinator.PrimaryPinned))
        if req.rid in self.pinned:
            note("pin", "again")
            assert not logs
            return
        note("pin", "pinned")
        [log] = logs
        assert (log.requestId, log.primary) == (req.rid, req.request.primary)
        self.pinned[req.rid] = req.request.primary

    @rule()
    @step
    def blocks_pass(self) -> None:
        """257 blocks, a second each: every request made so far leaves the draw's reach. The
        diligent node answers its requests first."""
        self._diligent_answers()
        self.clock.mine(HORIZON + 1)

    # ------------------------------------------------------------------ time and cancels

    @rule(seconds=st.sampled_from([5, PARAMS.exclusive_window, PARAMS.request_timeout + 1]))
    @step
    def time_passes(self, seconds: int) -> None:
        """The diligent node answers its open requests before time moves on."""
        self._diligent_answers()
        self.clock.advance(seconds)

    @rule(pick=PICK)
    @step
    def cancel(self, pick: int) -> None:
        w = self.w
        req = self._pick(None, pick)
        if req is None:
            return
        number, now = self.clock.peek()
        args = (req.rid, req.request.commitment)
        if now <= req.field("deadline"):
            expected = {"requestId": req.rid, "deadline": req.field("deadline")}
            refusal = (w.coordinator.RequestNotExpired, expected)
            self._refused(refusal, w.coordinator.cancelRequest, *args, sender=w.eoa, gas=SEAL_GAS)
            return
        primary = self._primary(req, number)
        note("cancel", self._whose(req, primary))
        receipt = self._send(w.coordinator.cancelRequest, *args, sender=w.eoa)
        self._settled(req)
        self.coord_credit[req.requester] += int(req.field("fee"))
        self.received[req.requester] += int(req.field("fee"))
        [log] = list(receipt.events.filter(w.coordinator.InferenceCancelled))
        assert log.primary == primary
        [slashed] = self._expect_slashes(receipt, [(req, primary)])
        assert log.slashed == slashed

    # ------------------------------------------------------------------ money out

    @rule(who=st.integers(0, 3))
    @step
    def withdraw_coordinator_credit(self, who: int) -> None:
        w = self.w
        account = [w.node_a, w.node_b, w.consumer_a, w.eoa][who]
        address = str(account.address)
        if self.coord_credit[address] == 0:
            return
        if who == 2:
            self._send(account.withdrawRefunds, w.stranger, sender=w.stranger)
        else:
            self._send(w.coordinator.withdraw, account, sender=account)
        self.coord_credit[address] = 0

    @rule(who=st.integers(0, 3))
    @step
    def withdraw_registry_credit(self, who: int) -> None:
        w = self.w
        account = [w.node_b, w.consumer_a, w.consumer_b, w.eoa][who]
        address = str(account.address)
        if self.reg_credit[address] == 0:
            return
        if who in (1, 2):
            self._send(account.withdrawCompensation, w.stranger, sender=w.stranger)
        else:
            self._send(w.registry.withdrawCredit, account, sender=account)
        self.reg_credit[address] = 0

    @rule()
    @step
    def unreliable_node_tops_up(self) -> None:
        w = self.w
        self._send(w.registry.stake, sender=w.node_b, value=PARAMS.slash_amount)
        self.stake[str(w.node_b.address)] += PARAMS.slash_amount

    # ------------------------------------------------------------------ invariants

    @invariant()
    def books_balance_and_agree_with_the_model(self) -> None:
        """Each value is read once per step (a view call costs about 20 ms on py-evm)."""
        w = self.w
        coord = {a: int(w.coordinator.credits(a)) for a in self.accounts}
        reg = {a: int(w.registry.credits(a)) for a in self.accounts}
        stakes = {a: int(w.registry.getNode(a).stake) for a in self.stakers}
        fees = sum(int(r.field("fee")) for r in self.pending.values())
        fees += sum(int(p.req.field("fee")) for p in self.posted.values())
        assert w.coordinator.balance == fees + sum(coord.values())
        assert w.registry.balance == sum(stakes.values()) + sum(reg.values())
        assert coord == self.coord_credit
        assert reg == self.reg_credit
        assert stakes == {a: self.stake[a] for a in self.stakers}

    @invariant()
    def draw_weights_are_the_pool_members_stakes(self) -> None:
        """Each slot of each model's stake tree weighs its node's stake while the node is in
        the pool (every node here serves its models and stays bonded, so while it has the
        minimum stake) and nothing otherwise: slashes, top-ups and leaves all reach the tree."""
        for model in (self.model, self.batched, self.opt):
            for node, weight in self._weights(model):
                live = self.stake[node] >= PARAMS.min_stake
                assert weight == (self.stake[node] if live else 0), (model, node)

    @invariant()
    def a_diligent_node_is_never_slashed(self) -> None:
        assert int(self.w.registry.getNode(self.w.node_a).stake) == self.diligent_stake

    @invariant()
    def no_lie_outlives_its_window(self) -> None:
        """One honest watcher is enough: every lie still posted has its window open."""
        _, now = self.clock.peek()
        assert all(now < p.final_at for p in self.posted.values() if p.lie)

    @invariant()
    def no_requester_profits_beyond_fair_compensation(self) -> None:
        for r, paid in self.paid.items():
            assert self.received[r] <= paid + self.fair_compensation[r], r

    # ------------------------------------------------------------------ chain and clock

    def _send(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """One transaction, in a block stamped from the example's clock."""
        with self.clock.blocks():
            return method(*args, **kwargs)

    def _refused(
        self, refusal: tuple[Any, dict[str, Any]] | None, method: Any, *args: Any, **kwargs: Any
    ) -> None:
        """`method(*args, **kwargs)` in the next block is refused: with `refusal`'s error and
        arguments (a subset of them), or with any error when `refusal` is None. Checked with a
        call on the pending block: the same code in the same block, and a refused transaction
        changes nothing (Ape's own check of one traces it, which takes seconds on anvil, minutes
        when it ran a verifier)."""
        txn = method.as_transaction(*args, **kwargs)
        with self.clock.blocks():  # stamps the pending block; mines nothing
            data = revert_data(self.w.chain, txn)
        assert data is not None, f"{method} was not refused"
        if refusal is None:
            return
        error, expected = refusal
        abi = error.abi
        assert data[:4] == keccak(text=abi.selector)[:4], (abi.selector, data.hex())
        names = [arg.name for arg in abi.inputs]
        values = decode([arg.canonical_type for arg in abi.inputs], data[4:])
        got = dict(zip(names, values, strict=True))
        for name, want in expected.items():
            if hasattr(want, "address"):
                want = want.address
            if isinstance(want, str):
                assert str(got[name]).lower() == want.lower(), (abi.selector, name, got[name])
            else:
                assert got[name] == want, (abi.selector, name, got[name], want)

    def _until(self, attempt: Callable[[int], Any], agrees: Callable[[Any], bool]) -> Any:
        """``attempt(0)``, ``attempt(1)``, ... from the same chain and clock until the chain
        agrees with the example; the tries differ only in a gas limit, so in block hashes.

        They start from an empty block: reverting to a block runs its transactions again on
        py-evm (a verifying one takes seconds), and a block whose transaction read prevrandao
        would not agree with itself (py-evm draws a block's prevrandao after running it)."""
        chain = self.w.chain
        self.clock.mine(1)
        for n in range(MAX_TRIES):
            snapshot = chain.snapshot()
            now = self.clock.now
            outcome = attempt(n)
            if agrees(outcome):
                note("tries for the example's draw", "1" if n == 0 else "2-4" if n < 4 else "5+")
                return outcome
            chain.restore(snapshot)
            self.clock.now = now
        raise AssertionError(f"no block of {MAX_TRIES} gave the example's draw")

    def _weights(self, model: int, among: set[str] | None = None) -> list[tuple[str, int]]:
        """Each pool slot's node and its weight in the draw now, in slot order (among the
        nodes `among` if given)."""
        w = self.w
        count = int(w.registry.poolSlotCount(model))
        head = w.chain.blocks.height
        sums = [0, *(int(w.registry.poolStakeAt(model, i, head)) for i in range(1, count + 1))]
        slots = []
        for slot in range(1, count + 1):
            if (model, slot) not in self.slot_nodes:  # a slot keeps its node for good
                self.slot_nodes[model, slot] = str(w.registry.nodeAtSlot(model, slot))
            slots.append((self.slot_nodes[model, slot], sums[slot] - sums[slot - 1]))
        return [(node, weight) for node, weight in slots if among is None or node in among]

    def _node_at(self, model: int, point: int, among: set[str] | None = None) -> str:
        """The node at `point` (of 2**16) along the pool's stake, among `among` if given."""
        weights = [(node, weight) for node, weight in self._weights(model, among) if weight]
        target = point * sum(weight for _, weight in weights) >> 16
        for node, weight in weights:
            if target < weight:
                return node
            target -= weight
        raise AssertionError("no stake in the pool")

    def _request(
        self, model: int, who: int, sample: int, point: int, among: set[str] | None = None
    ) -> Pending:
        """A request whose primary is the node the example names."""
        w = self.w
        requester = self.requesters[who]
        inputs = w.proofs[sample].inputs
        wanted = self._node_at(model, point, among)

        def attempt(n: int) -> Request:
            kwargs = {"value": FEE, "gas": REQUEST_GAS + n}
            optimistic = model == self.opt
            if who < 2:
                call = requester.requestOptimistic if optimistic else requester.request
                sender = w.requester_eoa
            else:
                coordinator = w.coordinator
                call = coordinator.requestOptimistic if optimistic else coordinator.requestInference
                sender = requester
            receipt = self._send(call, model, inputs, CALLBACK_GAS, sender=sender, **kwargs)
            return parse_request(receipt, w.coordinator, w.registry)

        made = self._until(attempt, lambda req: req.primary == wanted)
        return self._record(made, str(requester.address), sample)

    # ------------------------------------------------------------------ the model

    def _record(self, request: Request, requester: str, sample: int) -> Pending:
        req = Pending(request, requester, sample)
        assert req.field("slashAmount") == self.w.registry.slashAmount()
        self.pending[req.rid] = req
        self.paid[requester] += int(req.field("fee"))
        return req

    def _settled(self, req: Pending) -> None:
        del self.pending[req.rid]
        self.settled[req.rid] = req

    def _pending(self, model: int | None) -> list[Pending]:
        return sorted(
            (r for r in self.pending.values() if model is None or r.model == model),
            key=lambda r: r.rid,
        )

    def _pick(self, model: int | None, pick: int) -> Pending | None:
        pending = self._pending(model)
        return pending[pick % len(pending)] if pending else None

    def _in_reach(self, req: Pending, number: int) -> bool:
        """Whether a transaction in block `number` can read the hash of the request's block."""
        return number - HORIZON <= req.block < number

    def _primary(self, req: Pending, number: int) -> str:
        """The request's primary for a transaction in block `number`: its draw while the hash
        of its block is in reach, then the pinned draw, or nobody."""
        if self._in_reach(req, number):
            return req.request.primary
        return self.pinned.get(req.rid, ZERO)

    def _whose(self, req: Pending, primary: str) -> str:
        """Which primary a stand-in or a cancel slashes (for the run's statistics)."""
        if primary == ZERO:
            return "slashes nobody (out of reach, not pinned)"
        return "slashes the pinned primary" if req.rid in self.pinned else "slashes the primary"

    def _honest(self) -> set[str]:
        return {str(self.w.node_a.address), str(self.w.node_b.address)}

    def _diligent_answers(self, ending_within: int | None = None) -> None:
        """The diligent node answers every pending request it is the primary of (or, with
        `ending_within`, those whose window ends within that many seconds); batched ones in
        batches."""
        w = self.w
        node = str(w.node_a.address)
        number, now = self.clock.peek()
        mine = [
            r
            for r in self._pending(None)
            if self._primary(r, number) == node
            and now <= r.field("deadline")
            and (ending_within is None or r.field("windowEnd") <= now + ending_within)
        ]
        for req in mine:
            if req.model == self.model:
                self._fulfil(req, w.node_a)
            elif req.model == self.opt:
                self._post(req, node)
        batched = [r for r in mine if r.model == self.batched]
        for i in range(0, len(batched), MAX_BATCH):
            self._settle_batch(w.node_a, batched[i : i + MAX_BATCH])
        self._watch(ending_within)

    def _fulfil(self, req: Pending, node: Any) -> None:
        w = self.w
        number, _ = self.clock.peek()
        primary = self._primary(req, number)
        proof = w.proofs[req.sample]
        note(
            "fulfil",
            "by the primary" if str(node.address) == primary else self._whose(req, primary),
        )
        receipt = self._send(
            w.coordinator.fulfill,
            req.rid,
            req.request.commitment,
            proof.proof,
            proof.instances,
            sender=node,
            gas=FULFIL_GAS,
        )
        self._settled(req)
        self.coord_credit[str(node.address)] += int(req.field("fee"))
        [log] = list(receipt.events.filter(w.coordinator.InferenceFulfilled))
        assert list(log.output) == proof.outputs
        if str(node.address) == primary:
            assert log.slashed == 0
            assert not list(receipt.events.filter(w.registry.NodeSlashed))
        else:
            # A stand-in: the window is over (or the request has no primary any more).
            [slashed] = self._expect_slashes(receipt, [(req, primary)])
            assert log.slashed == slashed

    def _settle_batch(self, node: Any, members: list[Pending]) -> None:
        """`node` settles `members` (ascending ids) in one `fulfillBatch` with the proof of as
        many batch samples, sealing it first when it stands in for someone; the outcome is what
        the model expects, refusal included."""
        w = self.w
        address = str(node.address)
        proof = w.batch_proofs[len(members)].result
        ids = [m.rid for m in members]
        args = (ids, [m.request.commitment for m in members], proof.proof, proof.instances)
        if any(self._batch_plan(node, members)[2]):
            seal = w.coordinator.batchSeal(ids, node, proof.proof, proof.instances)
            named = next(m for m in members if m.rid in self.pending)
            self._send(w.coordinator.sealFulfillment, named.rid, seal, sender=node)
        settle, refusal, stand_ins = self._batch_plan(node, members)
        if refusal is None and not settle:
            refusal = (w.coordinator.NothingToSettle, {})
        if refusal is None and any(stand_ins) and not w.registry.isEligible(node, self.batched):
            first = next(m.rid for m, stands in zip(settle, stand_ins, strict=True) if stands)
            refusal = (w.coordinator.NodeNotEligible, {"requestId": first, "node": node})
        if refusal is not None:
            note("batch", f"refused: {refusal[0].__name__}")
            self._refused(refusal, w.coordinator.fulfillBatch, *args, sender=node, gas=BATCH_GAS)
            return
        number, _ = self.clock.peek()
        primaries = [self._primary(m, number) for m in settle]
        skipped = len(members) - len(settle)
        stood_in = sum(p != address for p in primaries)
        note("batch", f"{len(settle)} settled ({stood_in} by a stand-in), {skipped} skipped")
        receipt = self._send(w.coordinator.fulfillBatch, *args, sender=node, gas=BATCH_GAS)
        logs = list(receipt.events.filter(w.coordinator.InferenceFulfilled))
        assert [log.requestId for log in logs] == [m.rid for m in settle]
        output = w.batch_proofs[1].outputs[0]
        for log in logs:
            assert log.node == address
            assert list(log.output) == output
        standing = [(m, p) for m, p in zip(settle, primaries, strict=True) if p != address]
        slashed = iter(self._expect_slashes(receipt, standing))
        for log, primary in zip(logs, primaries, strict=True):
            assert log.slashed == (0 if primary == address else next(slashed))
        for m in settle:
            self._settled(m)
            self.coord_credit[address] += int(m.field("fee"))

    def _batch_plan(
        self, node: Any, members: list[Pending]
    ) -> tuple[list[Pending], tuple[Any, dict[str, Any]] | None, list[bool]]:
        """What `fulfillBatch` by `node` in the next block does with `members`: those it
        settles, the refusal of the whole batch if one of them is refused, and for each settled
        member whether `node` stands in for its primary."""
        w = self.w
        address = str(node.address)
        number, now = self.clock.peek()
        settle: list[Pending] = []
        stand_ins: list[bool] = []
        for m in members:
            if m.rid not in self.pending or now > m.field("deadline"):
                continue  # skipped
            primary = self._primary(m, number)
            if primary != address and primary != ZERO and now < m.field("windowEnd"):
                expected = {
                    "requestId": m.rid,
                    "node": node,
                    "primary": primary,
                    "windowEnd": m.field("windowEnd"),
                }
                return settle, (w.coordinator.NotPrimaryNode, expected), stand_ins
            settle.append(m)
            stand_ins.append(primary != address)
        return settle, None, stand_ins

    def _expect_slashes(self, receipt: Any, cases: list[tuple[Pending, str]]) -> list[int]:
        """The slashes of `receipt`, in order: each (request, primary) slashes the primary at the
        request's terms, as far as its stake goes, in the requester's favour; nobody when there
        is no primary. Returns the amount each took."""
        w = self.w
        expected, taken = [], []
        for req, primary in cases:
            if primary == ZERO:
                taken.append(0)
                continue
            assert primary != str(w.node_a.address) or self._diligent_could_not(req)
            amount = min(int(req.field("slashAmount")), self.stake[primary])
            taken.append(amount)
            if amount == 0:
                continue
            harmed = amount * int(req.field("harmedShareBps")) // BPS
            expected.append((primary, req.requester, amount, harmed))
            self.stake[primary] -= amount
            self.reg_credit[req.requester] += harmed
            self.reg_credit[str(w.treasury.address)] += amount - harmed
            # The primary could have proven this input (a held-out sample) and did not answer
            # in its window: compensation for it is fair.
            self.received[req.requester] += harmed
            self.fair_compensation[req.requester] += harmed
        logs = list(receipt.events.filter(w.registry.NodeSlashed))
        assert [(x.node, x.harmedParty, x.amount, x.harmedShare) for x in logs] == expected
        return taken

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
    real_batched_model,
    real_batch_proof,
    operator,
    requester,
    stranger,
    accounts,
    protocol,
    project_containers,
    model_id,
):
    from oracle_node.deploy import deploy_model

    proofs = {i: real_proof("breast_cancer", i) for i in SAMPLES}
    batch_proofs = {k: real_batch_proof((BATCH_SAMPLE,) * k) for k in range(1, MAX_BATCH + 1)}
    assert batch_proofs[1].inputs[0] == proofs[BATCH_SAMPLE].inputs
    consumer_a = requester.deploy(project.RecordingConsumer, coordinator)
    consumer_b = requester.deploy(project.RecordingConsumer, coordinator)
    settler = stranger.deploy(project.SameBlockSettler, coordinator)
    node_a, node_b = real_staked
    # breast_cancer again, Optimistic this time: the same verifier code, a window and a bond.
    _, optimistic_model = deploy_model(
        owner, protocol, ROOT / "circuits" / "breast_cancer", fee=FEE, verifier_root=ROOT,
        containers=project_containers, challenge_window=OPT_WINDOW, bond=OPT_BOND,
    )  # fmt: skip
    assert int(coordinator.maxChallengeWindow()) >= OPT_WINDOW
    # Both nodes serve the batched and the Optimistic model in place of digits and the mock
    # model (a node serves at most three).
    for node in real_staked:
        node_registry.removeModel(model_id, sender=node)
        node_registry.removeModel(real_models["digits"], sender=node)
        node_registry.addModel(real_batched_model, sender=node)
        node_registry.addModel(optimistic_model, sender=node)
    EconomicsMachine.world = World(
        chain=chain,
        project=project,
        owner=owner,
        treasury=treasury,
        coordinator=coordinator,
        registry=node_registry,
        model_registry=model_registry,
        model_id=real_models["breast_cancer"],
        batched_model_id=real_batched_model,
        optimistic_model_id=optimistic_model,
        proofs=proofs,
        batch_proofs=batch_proofs,
        node_a=node_a,
        node_b=node_b,
        dishonest=operator,
        consumer_a=consumer_a,
        consumer_b=consumer_b,
        settler=settler,
        eoa=accounts[7],
        requester_eoa=requester,
        stranger=stranger,
        keeper=stranger,
    )
    run_machine(EconomicsMachine, COVERAGE)


def run_machine(machine: type[RuleBasedStateMachine], coverage: Counter[str]) -> None:
    """Run ``machine`` for ``PROPERTY_EXAMPLES`` examples of up to ``PROPERTY_STEPS`` steps, then
    print what its examples did (``coverage``, counted by its rules; replays included)."""
    from hypothesis.stateful import run_state_machine_as_test

    coverage.clear()
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print("\nwhat the examples did (including replays):")
    for what, times in sorted(coverage.items()):
        print(f"  {times:5d}  {what}")
