"""Fixtures of the contract suite, named by role.

Contracts are deployed once per session through :mod:`oracle_node.deploy` from this project's
fresh build; Ape reverts the chain after every test, so each test starts from the same state.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oracle_node.deploy import Protocol, ProtocolParams, deploy_model, deploy_protocol
from oracle_node.protocol.committed import CommittedInput, commit

from .helpers import Request, parse_request

ETHER = 10**18
FEE = 10**16
INPUT_LEN = 3
OUTPUT_LEN = 2
CALLBACK_GAS = 200_000

PARAMS = ProtocolParams(
    min_stake=ETHER,
    unbonding_period=24 * 3600,
    max_models_per_node=3,
    slash_amount=4 * 10**17,
    harmed_share_bps=2_500,
    exclusive_window=60,
    request_timeout=300,
    max_callback_gas_limit=1_000_000,
)

MOCK_SPEC_HASHES = tuple(bytes([i + 1]) * 32 for i in range(4))
MAX_ABS_INPUT = 2**100
MODEL_CALLBACK_GAS = 1_000_000


@pytest.fixture(scope="session")
def owner(accounts: Any) -> Any:
    return accounts[0]


@pytest.fixture(scope="session")
def treasury(accounts: Any) -> Any:
    return accounts[1]


@pytest.fixture(scope="session")
def node_a(accounts: Any) -> Any:
    return accounts[2]


@pytest.fixture(scope="session")
def node_b(accounts: Any) -> Any:
    return accounts[3]


@pytest.fixture(scope="session")
def operator(accounts: Any) -> Any:
    """A third operator, staked by no fixture."""
    return accounts[4]


@pytest.fixture(scope="session")
def requester(accounts: Any) -> Any:
    return accounts[5]


@pytest.fixture(scope="session")
def stranger(accounts: Any) -> Any:
    return accounts[6]


@pytest.fixture(scope="session")
def project_containers(project: Any) -> Callable[[str], Any]:
    return lambda name: project.get_contract(name)


@pytest.fixture(scope="session")
def protocol(owner: Any, treasury: Any, project_containers: Any) -> Protocol:
    return deploy_protocol(
        owner, treasury=treasury.address, params=PARAMS, containers=project_containers
    )


@pytest.fixture(scope="session")
def model_registry(protocol: Protocol) -> Any:
    return protocol.model_registry


@pytest.fixture(scope="session")
def node_registry(protocol: Protocol) -> Any:
    return protocol.node_registry


@pytest.fixture(scope="session")
def coordinator(protocol: Protocol) -> Any:
    return protocol.coordinator


@pytest.fixture(scope="session")
def mock_verifier(owner: Any, project: Any) -> Any:
    return owner.deploy(project.MockVerifier)


def mock_spec(
    verifier: str,
    *,
    fee: int = FEE,
    input_len: int = INPUT_LEN,
    max_abs_input: int = MAX_ABS_INPUT,
    max_callback_gas: int = MODEL_CALLBACK_GAS,
    batch_size: int = 1,
    output_len: int = OUTPUT_LEN,
    challenge_window: int = 0,
    bond: int = 0,
    committed: bool = False,
) -> tuple[Any, ...]:
    return (
        *MOCK_SPEC_HASHES,
        verifier,
        input_len,
        output_len,
        7,
        7,
        fee,
        max_abs_input,
        max_callback_gas,
        batch_size,
        challenge_window,
        bond,
        committed,
        "23.0.5",
        "ipfs://mock",
    )


@pytest.fixture(scope="session")
def model_id(model_registry: Any, mock_verifier: Any, owner: Any) -> int:
    """A model checked by the mock verifier: 3 inputs, 2 outputs, fee FEE."""
    model_registry.registerModel(mock_spec(mock_verifier.address), sender=owner)
    return int(model_registry.modelCount())


@pytest.fixture(scope="session")
def staked(node_registry: Any, model_id: int, node_a: Any, node_b: Any) -> list[Any]:
    """node_a and node_b staked at the minimum and serving the mock model."""
    for node in (node_a, node_b):
        node_registry.stake(sender=node, value=PARAMS.min_stake)
        node_registry.addModel(model_id, sender=node)
    return [node_a, node_b]


@pytest.fixture(scope="session")
def consumer(project: Any, coordinator: Any, requester: Any) -> Any:
    return requester.deploy(project.RecordingConsumer, coordinator.address)


@pytest.fixture(scope="session")
def request_via(coordinator: Any, model_id: int, requester: Any) -> Callable[..., Request]:
    """Make a request through a consumer contract; returns it as a node sees it."""

    def make(
        consumer: Any,
        values: list[int] | None = None,
        *,
        gas: int = CALLBACK_GAS,
        model: int | None = None,
        fee: int = FEE,
    ) -> Request:
        receipt = consumer.request(
            model or model_id, values or [1, -2, 3], gas, sender=requester, value=fee
        )
        return parse_request(receipt, coordinator)

    return make


@pytest.fixture
def pending(staked: list[Any], consumer: Any, request_via: Callable[..., Request]) -> Request:
    """A fresh request from the recording consumer, input [1, -2, 3]."""
    return request_via(consumer)


def other_node(request: Request, nodes: list[Any]) -> Any:
    [other] = [n for n in nodes if n.address != request.primary]
    return other


def primary_node(request: Request, nodes: list[Any]) -> Any:
    [primary] = [n for n in nodes if n.address == request.primary]
    return primary


# ------------------------------------------------------------------ real circuits and proofs

ROOT = Path(__file__).resolve().parents[2]
REAL_MODELS = ("breast_cancer", "digits")
# A batched variant of a reference model, registered only where a test asks for it.
BATCHED_MODEL = "breast_cancer_b23"


def register_circuit(owner: Any, protocol: Protocol, containers: Any, name: str) -> int:
    """The committed circuit ``circuits/<name>`` registered with its real generated verifier,
    at fee FEE; returns its model id."""
    _, model = deploy_model(
        owner,
        protocol,
        ROOT / "circuits" / name,
        fee=FEE,
        verifier_root=ROOT,
        containers=containers,
    )
    return int(model)


@pytest.fixture(scope="session")
def real_models(owner: Any, protocol: Protocol, project_containers: Any) -> dict[str, int]:
    """Both reference models registered with their real generated verifiers: name -> model id."""
    return {
        name: register_circuit(owner, protocol, project_containers, name) for name in REAL_MODELS
    }


@pytest.fixture(scope="session")
def real_staked(node_registry: Any, real_models: dict[str, int], staked: list[Any]) -> list[Any]:
    """node_a and node_b also serve both reference models."""
    for node in staked:
        for model in real_models.values():
            node_registry.addModel(model, sender=node)
    return staked


@pytest.fixture(scope="session")
def held_out_inputs() -> Callable[[str, int], list[int]]:
    """Held-out sample ``index`` of a reference model, as ints at the model's input scale."""
    from oracle_node.circuits.datasets import held_out
    from oracle_node.circuits.manifest import read_manifest
    from oracle_node.encoding import float_to_int

    def sample(name: str, index: int) -> list[int]:
        scale = read_manifest(ROOT / "circuits" / name).input_scale
        features, _ = held_out(name)
        return [float_to_int(v, scale) for v in features[index]]

    return sample


@pytest.fixture(scope="session")
def provers(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Any]:
    """The prover of a circuit folder by name, one per session, with a shared key cache."""
    from oracle_node.circuits.proving import Prover

    cache = tmp_path_factory.mktemp("proving-keys")
    made: dict[str, Prover] = {}

    def get(name: str) -> Prover:
        if name not in made:
            made[name] = Prover(ROOT / "circuits" / name, cache_dir=cache)
        return made[name]

    return get


@pytest.fixture(scope="session")
def real_proof(
    provers: Callable[[str], Any], held_out_inputs: Callable[[str, int], list[int]]
) -> Callable[[str, int], Any]:
    """Proof of held-out sample ``index`` of a model, made once per session (seconds each)."""
    proofs: dict[tuple[str, int], Any] = {}

    def get(name: str, index: int) -> Any:
        if (name, index) not in proofs:
            proofs[name, index] = provers(name).prove(held_out_inputs(name, index))
        return proofs[name, index]

    return get


@pytest.fixture(scope="session")
def real_batched_model(owner: Any, protocol: Protocol, project_containers: Any) -> int:
    """``breast_cancer_b23`` (23 samples a proof) registered with its real generated verifier.
    No node serves it: the shared nodes already serve as many models as a node may."""
    return register_circuit(owner, protocol, project_containers, BATCHED_MODEL)


@pytest.fixture(scope="session")
def real_batch_proof(provers: Callable[[str], Any]) -> Callable[[tuple[int, ...]], Any]:
    """One proof of ``breast_cancer_b23`` over the held-out samples ``indices`` in its first
    slots (filler samples in the rest), made once per session (seconds to tens of seconds)."""
    from oracle_node.circuits.datasets import BATCHED_MODELS, held_out
    from oracle_node.encoding import float_to_int

    proofs: dict[tuple[int, ...], Any] = {}

    def get(indices: tuple[int, ...]) -> Any:
        if indices not in proofs:
            prover = provers(BATCHED_MODEL)
            features, _ = held_out(BATCHED_MODELS[BATCHED_MODEL])
            scale = prover.manifest.input_scale
            samples = [[float_to_int(v, scale) for v in features[i]] for i in indices]
            proofs[indices] = prover.prove_batch(samples)
        return proofs[indices]

    return get


# --- committed models: real circuits that hash their inputs ---------------------------------

SINGLE_COMMITTED = "breast_cancer_c1"
BATCHED_COMMITTED = "breast_cancer_c22"
DELIVERED = 0
# Fixed salts, so that the session's proofs are made once and every run checks the same values.
SALTS = [[(1 + i) * 1_000_003 + j for j in range(6)] for i in range(4)]


@pytest.fixture(scope="module")
def committed_node(accounts: Any, node_registry: Any, real_staked: list[Any]) -> Any:
    """An operator of its own, staked at the minimum: the only node serving the committed
    models, so the primary of every request. (The session's public reference models, which
    some tests request too, are set up first, as Ape's isolation wants.)"""
    node = accounts[7]
    node_registry.stake(sender=node, value=PARAMS.min_stake)
    return node


@pytest.fixture(scope="module")
def committed_models(
    owner: Any, protocol: Any, project_containers: Any, node_registry: Any, committed_node: Any
) -> dict[str, int]:
    ids = {}
    for name in (SINGLE_COMMITTED, BATCHED_COMMITTED):
        model = register_circuit(owner, protocol, project_containers, name)
        node_registry.addModel(model, sender=committed_node)
        ids[name] = model
    return ids


@pytest.fixture(scope="session")
def committed_inputs(held_out_inputs: Callable[[str, int], list[int]]) -> list[CommittedInput]:
    """Held-out breast_cancer samples 0..3 committed with the fixed salts."""
    return [commit(held_out_inputs("breast_cancer", i), SALTS[i]) for i in range(4)]


@pytest.fixture(scope="session")
def committed_proof(
    provers: Callable[[str], Any], committed_inputs: list[CommittedInput]
) -> Callable[[str, tuple[int, ...]], Any]:
    """A proof of the committed samples ``indices`` (one circuit's slots, in order), made once
    per session."""
    made: dict[tuple[str, tuple[int, ...]], Any] = {}

    def get(name: str, indices: tuple[int, ...]) -> Any:
        if (name, indices) not in made:
            prover = provers(name)
            samples = [list(committed_inputs[i].inputs) for i in indices]
            salts = [list(committed_inputs[i].salt) for i in indices]
            if prover.batch_size == 1:
                made[name, indices] = prover.prove(samples[0], salts[0])
            else:
                made[name, indices] = prover.prove_batch(samples, salts).result
        return made[name, indices]

    return get


@pytest.fixture(scope="module")
def request_committed(
    coordinator: Any, consumer: Any, requester: Any
) -> Callable[..., tuple[Request, Any]]:
    """A committed request through the recording consumer: (the request, its receipt)."""

    def make(model: int, c: CommittedInput, *, delivery: bytes = b"") -> tuple[Request, Any]:
        receipt = consumer.requestCommitted(
            model, c.commitment, CALLBACK_GAS, delivery, sender=requester, value=FEE
        )
        return parse_request(receipt, coordinator), receipt

    return make
