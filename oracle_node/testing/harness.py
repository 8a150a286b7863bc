"""An in-process oracle network for Ape tests: deploy, register, stake, prove and fulfil."""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ape import chain
from ape.api import AccountAPI
from ape.contracts import ContractInstance

from oracle_node.chain.contracts import (
    COMMITMENT_FIELDS,
    commitment_tuple,
    draw_seed,
    posting_of,
    posting_tuple,
    renewed,
)
from oracle_node.chain.sealing import ZERO_ADDRESS, fulfillment_seal
from oracle_node.chain.verifier_code import check_verifier
from oracle_node.circuits.manifest import Manifest
from oracle_node.deploy import (
    Protocol,
    ProtocolParams,
    artifact_container,
    deploy_protocol,
    register_model,
)
from oracle_node.deploy import deploy_verifier as _deploy_verifier
from oracle_node.exceptions import BadDelivery, HarnessError
from oracle_node.protocol import registration_for
from oracle_node.protocol.committed import (
    CommittedInput,
    commit,
    new_encryption_key,
    open_sealed,
    read_delivery,
)

# Gas for a fulfilment on top of the request's callback gas: the verifier (verifyProof
# 442k-475k for the reference circuits, bench/results/gas.md; about 1.5k-2k more per public
# instance) plus the coordinator's own work (35k-83k), with headroom for larger circuits.
FULFILL_GAS_OVERHEAD = 1_500_000


class UnscaledInputWarning(UserWarning):
    """A request's input looks like values that were not multiplied by 2**input_scale."""


@dataclass(frozen=True)
class RegisteredModel:
    """A model registered by the harness."""

    model_id: int
    model_dir: Path
    manifest: Manifest
    verifier: ContractInstance


@dataclass(frozen=True)
class PendingRequest:
    """A request as a node sees it in ``InferenceRequested``, still open on-chain."""

    request_id: int
    model_id: int
    requester: str
    primary: str  # the zero address when the request has no primary
    input: list[int]
    commitment: tuple[Any, ...]
    window_end: int
    deadline: int
    # A committed request (``requestCommitted``: ``input`` is its one commitment) and its
    # input and salt as read from its delivery (``InputDelivered``, in the clear or sealed for
    # one of the harness's nodes) or its opening (``InputOpened``), checked against the
    # commitment; None without one that opens it. ``window_end`` is 0 while the request awaits
    # its requester (a private delivery, or an opening after a rejection).
    committed: bool = False
    opening: CommittedInput | None = field(default=None, repr=False)

    @property
    def optimistic(self) -> bool:
        """Whether it was made with ``requestOptimistic`` (its commitment has a window)."""
        return int(self.commitment[COMMITMENT_FIELDS.index("challengeWindow")]) > 0


@dataclass(frozen=True)
class Posting:
    """An Optimistic request's posted output, open to challenge until ``final_at``."""

    request_id: int
    poster: str
    output: list[int]
    final_at: int
    posting: tuple[Any, ...]  # the coordinator's ``Posting``, for challenge and finalize
    commitment: tuple[Any, ...]
    input: list[int] = field(repr=False)
    model_id: int = 0


@dataclass(frozen=True)
class Fulfillment:
    """What ``fulfill`` did: the proven output, who fulfilled and how the callback went.

    ``callback_error`` says why the consumer's callback failed (``result`` 1 or 2): the
    coordinator never copies a callback's revert data (a consumer could bomb the caller with
    it), so the kit replays the callback as a call from the coordinator and decodes the
    reason with the consumer's ABI.
    """

    request_id: int
    node: str
    output: list[int]
    result: int
    gas_used: int
    receipt: Any = field(repr=False)
    callback_error: str | None = None


@dataclass(frozen=True)
class Cancellation:
    """What ``cancel`` did: the fee refunded to the requester (a coordinator credit) and what
    the primary lost, of which ``compensation`` went to the requester (a registry credit)."""

    request_id: int
    requester: str
    primary: str
    refund: int
    slashed: int
    compensation: int
    receipt: Any = field(repr=False)


def _selector(signature: str) -> bytes:
    from eth_utils.crypto import keccak

    return bytes(keccak(text=signature))[:4]


def _encode(types: list[str], values: list[Any]) -> bytes:
    from eth_abi.abi import encode

    return encode(types, values)


def _revert_bytes(exc: Exception) -> bytes | None:
    """The revert data carried by a failed ``eth_call``, whichever client raised it."""
    for value in (getattr(exc, "data", None), *getattr(exc, "args", ())):
        if isinstance(value, bytes | bytearray):
            return bytes(value)
        if isinstance(value, str):
            text = value.removeprefix("execution reverted: ").strip()
            if text.startswith("0x"):
                try:
                    return bytes.fromhex(text[2:])
                except ValueError:
                    continue
            if text.startswith(("b'", 'b"')):
                import ast

                try:
                    literal = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    continue
                if isinstance(literal, bytes):
                    return literal
    return None


def _decode_error(address: str, raw: bytes) -> str | None:
    """``Name(arg=value, ...)`` of a revert, from the ABI Ape knows for ``address``."""
    from eth_abi.abi import decode

    if raw[:4] == _selector("Error(string)"):
        return f"Error({decode(['string'], raw[4:])[0]!r})"
    try:
        contract_type = chain.contracts.get(address)
    except Exception:  # no ABI known for it
        return None
    for error in getattr(contract_type, "errors", None) or []:
        if _selector(error.selector) == raw[:4]:
            types = [i.canonical_type for i in error.inputs]
            values = decode(types, raw[4:])
            args = ", ".join(f"{i.name}={v}" for i, v in zip(error.inputs, values, strict=True))
            return f"{error.name}({args})"
    return None


def logs_between(event: Any, start: int, head: int) -> list[Any]:
    """The logs of an Ape contract event in blocks ``start..head`` (both included), read with
    those explicit bounds; none when ``start > head``. Callers read ``head`` once and pass it,
    so a block mined meanwhile is read on the next pass instead of making an empty or inverted
    range (Ape refuses a range whose stop falls before its start)."""
    if start > head:
        return []
    return list(event.range(start, head + 1))


def _verifier_container(name: str) -> Any:
    """The verifier from the current Ape project when it compiles one by that name (your own
    model), else from the artifacts shipped with the package (the reference models)."""
    from ape import project

    try:
        return getattr(project, name)
    except AttributeError:
        return artifact_container(name)


class OracleHarness:
    """The protocol on the connected test chain, served by the given node accounts.

    Each node stakes ``params.min_stake`` and serves every model registered through
    :meth:`register_model`. Proofs are made in-process with :class:`oracle_node.circuits.proving.Prover`
    (proving keys are cached beside each circuit folder, or in ``cache_dir``; verifiers compiled
    to check the deployed ones, in ``cache_dir/verifiers`` or else for the process only).
    """

    def __init__(
        self,
        deployer: AccountAPI,
        nodes: list[AccountAPI],
        *,
        params: ProtocolParams | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        if not nodes:
            raise HarnessError("the harness needs at least one node account")
        self.deployer = deployer
        self.nodes = {str(node.address): node for node in nodes}
        self.params = params or ProtocolParams()
        self.cache_dir = cache_dir
        self.protocol: Protocol = deploy_protocol(deployer, params=self.params)
        for node in nodes:
            self.protocol.node_registry.stake(sender=node, value=self.params.min_stake)
        self._models: dict[int, RegisteredModel] = {}
        self._provers: dict[int, Any] = {}
        # Each node's encryption secret for private deliveries, published when a committed
        # model is registered (fresh per harness: the kit's nodes live for one test chain).
        self._secrets: dict[str, bytes] = {}
        self._scanned_to = chain.blocks.head.number

    @property
    def coordinator(self) -> ContractInstance:
        return self.protocol.coordinator

    def register_model(
        self,
        model_dir: Path | str,
        *,
        fee: int = 10**15,
        challenge_window: int = 0,
        bond: int = 0,
    ) -> RegisteredModel:
        """Deploy the circuit's verifier, register the model and let every node serve it.
        ``challenge_window`` (seconds) and ``bond`` (wei) allow Optimistic requests.

        As a node would, it refuses (:class:`VerifierCodeError`, before registering) a verifier
        whose code is not what the circuit folder's own verifier source compiles to.
        """
        path = Path(model_dir).resolve()
        registration = registration_for(
            path, fee=fee, artifacts_uri=path.as_uri(), challenge_window=challenge_window,
            bond=bond,
        )  # fmt: skip
        manifest, source = registration.manifest, registration.verifier
        compiled_cache = self.cache_dir / "verifiers" if self.cache_dir else None
        verifier = _deploy_verifier(self.deployer, manifest, containers=_verifier_container)
        code = bytes(chain.provider.get_code(verifier.address))
        check_verifier(code, source, recorded_hash=None, cache_dir=compiled_cache)
        model_id = register_model(
            self.deployer, self.protocol.model_registry, registration, verifier
        )
        record = self.protocol.model_registry.getModel(model_id)
        check_verifier(
            code, source, recorded_hash=bytes(record.verifierCodeHash), cache_dir=compiled_cache
        )
        for address, node in self.nodes.items():
            self.protocol.node_registry.addModel(model_id, sender=node)
            if manifest.committed and address not in self._secrets:
                secret, key = new_encryption_key()
                self.protocol.node_registry.setEncryptionKey(key, sender=node)
                self._secrets[address] = secret
        model = RegisteredModel(model_id, path, manifest, verifier)
        self._models[model_id] = model
        return model

    def pending_requests(self) -> list[PendingRequest]:
        """Requests made since the harness started that are still open on-chain, each with its
        commitment as it stands now (after any ``RequestRenewed``)."""
        head = chain.blocks.head.number
        renewals = {
            int(log.requestId): (int(log.windowEnd), int(log.deadline))
            for log in logs_between(self.coordinator.RequestRenewed, self._scanned_to, head)
        }
        pending = []
        for log in logs_between(self.coordinator.InferenceRequested, self._scanned_to, head):
            request_id = int(log.requestId)
            if int.from_bytes(bytes(self.coordinator.commitmentOf(request_id)), "big") == 0:
                continue
            commitment = commitment_tuple(log.commitment)
            if request_id in renewals:
                commitment = renewed(commitment, *renewals[request_id])
            fields = dict(zip(COMMITMENT_FIELDS, commitment, strict=True))
            primary = self.protocol.node_registry.drawNode(
                fields["modelId"],
                draw_seed(request_id, bytes(chain.blocks[log.block_number].hash)),
                fields["poolHistoryLength"],
                fields["requestBlock"],
            )
            model = self._models.get(int(log.modelId))
            committed = model is not None and model.manifest.committed
            request = PendingRequest(
                request_id=request_id,
                model_id=int(log.modelId),
                requester=str(commitment[1]),
                primary=str(primary),
                input=[int(v) for v in log.input],
                commitment=commitment,
                window_end=int(fields["windowEnd"]),
                deadline=int(fields["deadline"]),
                committed=committed,
            )
            if committed and model:
                opening = self._opening(request, model, int(log.block_number), head)
                request = dataclasses.replace(request, opening=opening)
            pending.append(request)
        return pending

    def _opening(
        self, request: PendingRequest, model: RegisteredModel, start: int, head: int
    ) -> CommittedInput | None:
        """The committed request's input and salt: from an ``InputOpened``, or from an
        ``InputDelivered`` in the clear or sealed for one of the harness's nodes (None when
        nothing opens the commitment)."""
        expected, input_len = request.input[0], model.manifest.input_len
        for opened in logs_between(self.coordinator.InputOpened, start, head):
            if int(opened.requestId) == request.request_id:
                return commit([int(v) for v in opened.input], [int(v) for v in opened.salt])
        secret = self._secrets.get(request.primary)
        for delivered in logs_between(self.coordinator.InputDelivered, start, head):
            if int(delivered.requestId) != request.request_id:
                continue
            data = bytes(delivered.data)
            try:
                return read_delivery(data, expected, input_len)
            except BadDelivery:
                pass
            if secret is None:
                continue
            try:
                return open_sealed(
                    secret,
                    data,
                    chain_id=chain.chain_id,
                    coordinator=str(self.coordinator.address),
                    request_id=request.request_id,
                    expected=expected,
                    input_len=input_len,
                )
            except BadDelivery:
                continue
        return None

    def seal(self, request: PendingRequest, opening: CommittedInput) -> bytes:
        """``opening`` sealed for the committed request's drawn primary, as its requester
        delivers it (``deliverInput``; ``ScreeningGate.deliverScreening`` in the example)."""
        if chain.blocks.head.number <= request.commitment[COMMITMENT_FIELDS.index("requestBlock")]:
            chain.mine()  # the primary is drawn from the request block's hash
        key = bytes(self.protocol.node_registry.encryptionKeyOf(request.primary))
        return opening.sealed(
            key,
            chain_id=chain.chain_id,
            coordinator=str(self.coordinator.address),
            request_id=request.request_id,
        )

    def prove(self, model_id: int, inputs: list[int]) -> Any:
        """A real EZKL proof of the registered model on ``inputs`` (a ``ProofResult``)."""
        self._warn_if_unscaled(model_id, inputs)
        return self._prover(model_id).prove(inputs)

    def _registered(self, model_id: int) -> RegisteredModel:
        if model_id not in self._models:
            raise HarnessError(
                f"model {model_id} was not registered through this harness: "
                "register it with oracle.register_model(...) or the oracle_model fixture"
            )
        return self._models[model_id]

    def _warn_if_unscaled(self, model_id: int, inputs: list[int]) -> None:
        """A request's input is ints at the model's input scale; values that are all tiny next
        to 2**scale were most likely sent unscaled (say 0.73 sent as 1): the coordinator cannot
        tell and accepts them, and the model answers for another input. Warn."""
        scale = self._registered(model_id).manifest.input_scale
        if scale >= 4 and any(inputs) and max(abs(int(v)) for v in inputs) <= 16:
            warnings.warn(
                f"request input {inputs[:4]}... for model {model_id} looks unscaled: inputs are "
                f"ints at the model's input scale, round(v * 2**{scale}); "
                "use oracle.scale_inputs(model_id, floats)",
                UnscaledInputWarning,
                stacklevel=3,
            )

    def _callback_error(
        self, request: PendingRequest, output: list[int], result: int
    ) -> str | None:
        """Why the callback failed: replayed as an ``eth_call`` from the coordinator with the
        request's callback gas, its revert data decoded with the consumer's ABI."""
        if result not in (1, 2):
            return None
        if result == 2:
            return f"ran out of its {self._callback_gas(request):,} gas"
        web3 = chain.provider.web3
        data = (
            "0x"
            + (_selector("rawFulfill(uint256,int256[])")).hex()
            + _encode(["uint256", "int256[]"], [request.request_id, output]).hex()
        )
        call = {
            "from": self.coordinator.address,
            "to": request.requester,
            "data": data,
            "gas": self._callback_gas(request),
            "maxFeePerGas": int(web3.eth.get_block("latest")["baseFeePerGas"]),
            "maxPriorityFeePerGas": 0,
        }
        try:
            web3.eth.call(call)
        except Exception as exc:  # web3 and eth-tester raise different types for a revert
            raw = _revert_bytes(exc)
            if raw is None:
                return f"reverted; replaying the callback to find why failed: {exc}"
            return _decode_error(request.requester, raw) or f"reverted with 0x{raw.hex()}"
        return "reverted (the callback succeeds when replayed now: it depends on state)"

    def _callback_gas(self, request: PendingRequest) -> int:
        return int(request.commitment[COMMITMENT_FIELDS.index("callbackGasLimit")])

    def fulfill(self, request: PendingRequest) -> Fulfillment:
        """Prove and fulfil one request from the node allowed to do so now (a committed
        request with the input and salt of its delivery)."""
        node = self._node_for(request)
        if request.committed:
            if request.opening is None:
                raise HarnessError(
                    f"committed request {request.request_id} has no delivery that opens its "
                    "commitment: request it with the delivery of "
                    "oracle_node.protocol.committed.commit(inputs), or deliver "
                    "oracle.seal(request, opening) for its primary"
                )
            opening = request.opening
            proof = self._prover(request.model_id).prove(list(opening.inputs), list(opening.salt))
        else:
            proof = self.prove(request.model_id, request.input)
        if chain.blocks.head.number <= request.commitment[COMMITMENT_FIELDS.index("requestBlock")]:
            chain.mine()  # the draw's seed is the request block's hash, seen from the next block
        if request.primary != str(node.address):
            # A stand-in seals its fulfilment first; the seal's transaction is its own block.
            seal = fulfillment_seal(request.request_id, node.address, proof.proof, proof.instances)
            self.coordinator.sealFulfillment(request.request_id, seal, sender=node)
        gas = request.commitment[COMMITMENT_FIELDS.index("callbackGasLimit")]
        receipt = self.coordinator.fulfill(
            request.request_id,
            request.commitment,
            proof.proof,
            proof.instances,
            sender=node,
            gas=int(gas) + FULFILL_GAS_OVERHEAD,
        )
        [log] = list(receipt.events.filter(self.coordinator.InferenceFulfilled))
        output = [int(v) for v in log.output]
        return Fulfillment(
            request_id=request.request_id,
            node=str(node.address),
            output=output,
            result=int(log.result),
            gas_used=int(receipt.gas_used),
            receipt=receipt,
            callback_error=self._callback_error(request, output, int(log.result)),
        )

    def cancel(self, request: PendingRequest) -> Cancellation:
        """The timeout path: move the chain's clock past the request's deadline (nobody
        answered) and cancel it from the deployer. The requester is credited its fee back in
        the coordinator (``coordinator.withdraw``, or ``_withdrawRefunds`` in a consumer) and
        the primary is slashed in its favour (``_withdrawCompensation``)."""
        if chain.pending_timestamp <= request.deadline:
            chain.pending_timestamp = request.deadline + 1
        registry = self.protocol.node_registry
        before = int(registry.credits(request.requester))
        receipt = self.coordinator.cancelRequest(
            request.request_id, request.commitment, sender=self.deployer
        )
        [log] = list(receipt.events.filter(self.coordinator.InferenceCancelled))
        return Cancellation(
            request_id=request.request_id,
            requester=request.requester,
            primary=str(log.primary),
            refund=int(log.refund),
            slashed=int(log.slashed),
            compensation=int(registry.credits(request.requester)) - before,
            receipt=receipt,
        )

    def scale_inputs(self, model_id: int, values: list[float]) -> list[int]:
        """Floats as the model's request input: ``round(v * 2**input_scale)`` each."""
        from oracle_node.encoding import float_to_int

        scale = self._registered(model_id).manifest.input_scale
        return [float_to_int(float(v), scale) for v in values]

    def fulfill_pending(self) -> list[Fulfillment]:
        """Prove and fulfil every open request, oldest first."""
        return [self.fulfill(request) for request in self.pending_requests()]

    # ------------------------------------------------------------------ Optimistic requests

    def circuit_output(self, model_id: int, inputs: list[int]) -> list[int]:
        """The registered circuit's quantised output for ``inputs`` (EZKL's witness, no proof):
        what an honest node posts for an Optimistic request."""
        self._warn_if_unscaled(model_id, inputs)
        return list(self._prover(model_id).witness_outputs(inputs))

    def post(self, request: PendingRequest, output: list[int] | None = None) -> Posting:
        """Post the output of an Optimistic request from the node allowed to now: the circuit's
        output, or ``output`` (a wrong one, to test a challenge)."""
        if not request.optimistic:
            raise HarnessError(f"request {request.request_id} is a Proven request: fulfil it")
        node = self._node_for(request)
        posted = (
            list(output)
            if output is not None
            else self.circuit_output(request.model_id, request.input)
        )
        if chain.blocks.head.number <= request.commitment[COMMITMENT_FIELDS.index("requestBlock")]:
            chain.mine()
        if request.primary != str(node.address):
            seal = self.coordinator.postingSeal(request.request_id, node, posted)
            self.coordinator.sealFulfillment(request.request_id, seal, sender=node)
        receipt = self.coordinator.postOutput(
            request.request_id, request.commitment, posted, sender=node
        )
        [log] = list(receipt.events.filter(self.coordinator.OutputPosted))
        return Posting(
            request_id=request.request_id,
            poster=str(node.address),
            output=posted,
            final_at=int(log.finalAt),
            posting=posting_tuple(
                posting_of(request.request_id, request.commitment, node.address, log.finalAt)
            ),
            commitment=request.commitment,
            input=request.input,
            model_id=request.model_id,
        )

    def post_pending(self) -> list[Posting]:
        """Post the circuit's output for every open Optimistic request, oldest first."""
        return [self.post(r) for r in self.pending_requests() if r.optimistic]

    def finalize(self, postings: list[Posting], *, travel: bool = True) -> list[int]:
        """Finalise ``postings`` in one transaction, first moving the chain's clock to the last
        one's ``final_at`` (``travel=False`` leaves the clock alone). Returns each entry's
        result (``FulfillmentResult``; 4 for an entry already settled)."""
        if not postings:
            raise HarnessError("nothing to finalise")
        if travel:
            latest = max(p.final_at for p in postings)
            if chain.pending_timestamp < latest:
                chain.pending_timestamp = latest
        gas = sum(int(p.commitment[COMMITMENT_FIELDS.index("callbackGasLimit")]) for p in postings)
        receipt = self.coordinator.finalize(
            [p.request_id for p in postings],
            [p.posting for p in postings],
            [p.output for p in postings],
            sender=self.deployer,
            gas=gas + FULFILL_GAS_OVERHEAD,
        )
        [log] = list(receipt.events.filter(self.coordinator.OutputsFinalized))
        done = {int(rid): int(res) for rid, res in zip(log.requestIds, log.results, strict=True)}
        return [done.get(p.request_id, 4) for p in postings]

    def challenge(self, posting: Posting, challenger: AccountAPI | None = None) -> Fulfillment:
        """Prove the posting's request for real and challenge it from ``challenger`` (the
        deployer by default), sealing first. The proof's output must differ from the posted
        one, or the coordinator refuses (``PostingNotWrong``)."""
        who = challenger or self.deployer
        proof = self.prove(posting.model_id, posting.input)
        seal = self.coordinator.challengeSeal(posting.request_id, who, proof.proof, proof.instances)
        self.coordinator.sealFulfillment(posting.request_id, seal, sender=who)
        gas = posting.commitment[COMMITMENT_FIELDS.index("callbackGasLimit")]
        receipt = self.coordinator.challenge(
            posting.request_id,
            posting.commitment,
            posting.posting,
            posting.output,
            proof.proof,
            proof.instances,
            sender=who,
            gas=int(gas) + FULFILL_GAS_OVERHEAD,
        )
        [log] = list(receipt.events.filter(self.coordinator.InferenceFulfilled))
        return Fulfillment(
            request_id=posting.request_id,
            node=str(who.address),
            output=[int(v) for v in log.output],
            result=int(log.result),
            gas_used=int(receipt.gas_used),
            receipt=receipt,
        )

    def settle_pending(self) -> tuple[list[Fulfillment], list[int]]:
        """Settle every open request the way an honest network would: fulfil the Proven ones
        with proofs, post the Optimistic ones, move time past their windows and finalise them.
        Returns the fulfilments and the finalised postings' results."""
        pending = self.pending_requests()
        fulfilled = [self.fulfill(r) for r in pending if not r.optimistic]
        postings = [self.post(r) for r in pending if r.optimistic]
        results = self.finalize(postings) if postings else []
        return fulfilled, results

    def _prover(self, model_id: int) -> Any:
        self._registered(model_id)
        if model_id not in self._provers:
            from oracle_node.circuits.proving import Prover

            self._provers[model_id] = Prover(self._models[model_id].model_dir, self.cache_dir)
        return self._provers[model_id]

    def _node_for(self, request: PendingRequest) -> AccountAPI:
        if request.primary in self.nodes:
            return self.nodes[request.primary]
        now = chain.pending_timestamp
        if now < request.window_end and request.primary != ZERO_ADDRESS:
            raise HarnessError(
                f"request {request.request_id} is assigned to {request.primary}, which this "
                f"harness does not control, and its exclusive window runs until {request.window_end}"
            )
        return next(iter(self.nodes.values()))
