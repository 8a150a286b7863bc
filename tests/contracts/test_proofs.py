"""Real EZKL proofs from the circuits pipeline, checked by the real generated verifiers
through the coordinator."""

from __future__ import annotations

import ape
import pytest

from .conftest import primary_node
from .helpers import to_felt

pytestmark = pytest.mark.slow

DELIVERED = 0


@pytest.fixture
def bc_request(real_models, real_staked, consumer, request_via, real_proof):
    proof = real_proof("breast_cancer", 0)
    req = request_via(consumer, proof.inputs, model=real_models["breast_cancer"])
    return req, proof


def _fulfil(coordinator, req, node, proof_bytes, instances):
    return coordinator.fulfill(req.request_id, req.commitment, proof_bytes, instances, sender=node)


def test_real_proof_is_accepted_and_delivered(coordinator, consumer, bc_request, real_staked):
    req, proof = bc_request
    assert proof.instances[: len(proof.inputs)] == [to_felt(x) for x in proof.inputs]
    receipt = _fulfil(
        coordinator, req, primary_node(req, real_staked), proof.proof, proof.instances
    )
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert log.result == DELIVERED
    assert list(log.output) == proof.outputs
    assert consumer.lastOutput() == proof.outputs


def test_real_digits_proof_is_accepted(
    coordinator, consumer, real_models, real_staked, request_via, real_proof
):
    proof = real_proof("digits", 0)
    # Storing ten outputs takes ten fresh storage slots: give the callback room for them.
    req = request_via(consumer, proof.inputs, model=real_models["digits"], gas=400_000)
    receipt = _fulfil(
        coordinator, req, primary_node(req, real_staked), proof.proof, proof.instances
    )
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert log.result == DELIVERED
    assert consumer.lastOutput() == proof.outputs
    assert len(proof.outputs) == 10


@pytest.mark.parametrize("position", [0, 1000, -1], ids=["first", "middle", "last"])
def test_proof_with_one_flipped_byte_is_rejected(coordinator, bc_request, real_staked, position):
    req, proof = bc_request
    tampered = bytearray(proof.proof)
    tampered[position] ^= 0x01
    with ape.reverts(coordinator.InvalidProof, requestId=req.request_id):
        _fulfil(coordinator, req, primary_node(req, real_staked), bytes(tampered), proof.instances)


def test_proof_with_one_input_instance_changed_is_rejected(coordinator, bc_request, real_staked):
    req, proof = bc_request
    instances = list(proof.instances)
    instances[3] = to_felt(proof.inputs[3] + 1)
    with ape.reverts(coordinator.InputInstancesMismatch, requestId=req.request_id):
        _fulfil(coordinator, req, primary_node(req, real_staked), proof.proof, instances)


def test_proof_with_a_forged_output_is_rejected(coordinator, bc_request, real_staked):
    req, proof = bc_request
    instances = list(proof.instances)
    instances[-1] = to_felt(proof.outputs[-1] + 1000)
    with ape.reverts(coordinator.InvalidProof, requestId=req.request_id):
        _fulfil(coordinator, req, primary_node(req, real_staked), proof.proof, instances)


def test_proof_replayed_for_another_request_is_rejected(
    coordinator, consumer, real_models, real_staked, request_via, real_proof, held_out_inputs
):
    """A proof of sample 0 cannot answer a request about sample 1."""
    proof = real_proof("breast_cancer", 0)
    other = request_via(
        consumer, held_out_inputs("breast_cancer", 1), model=real_models["breast_cancer"]
    )
    with ape.reverts(coordinator.InputInstancesMismatch, requestId=other.request_id):
        _fulfil(coordinator, other, primary_node(other, real_staked), proof.proof, proof.instances)


def test_proof_replayed_after_fulfilment_is_rejected(coordinator, bc_request, real_staked):
    req, proof = bc_request
    primary = primary_node(req, real_staked)
    _fulfil(coordinator, req, primary, proof.proof, proof.instances)
    with ape.reverts(coordinator.RequestNotPending, requestId=req.request_id):
        _fulfil(coordinator, req, primary, proof.proof, proof.instances)


def test_proof_is_bound_to_the_input_not_the_request(
    coordinator, consumer, real_models, real_staked, request_via, real_proof
):
    """The same input asked twice is answered by the same proof: it proves the model's output
    on that input, which is the answer to both (see docs/contracts.md, trust limits)."""
    proof = real_proof("breast_cancer", 0)
    for _ in range(2):
        req = request_via(consumer, proof.inputs, model=real_models["breast_cancer"])
        _fulfil(coordinator, req, primary_node(req, real_staked), proof.proof, proof.instances)
    assert consumer.deliveries() == 2


def test_registered_model_binds_the_manifest(model_registry, real_models):
    from oracle_node.circuits.manifest import read_manifest

    from .conftest import ROOT

    for name, model in real_models.items():
        manifest = read_manifest(ROOT / "circuits" / name)
        record = model_registry.getModel(model)
        assert "0x" + bytes(record.onnxHash).hex() == manifest.onnx_sha256
        assert "0x" + bytes(record.circuitHash).hex() == manifest.compiled_sha256
        assert "0x" + bytes(record.settingsHash).hex() == manifest.settings_sha256
        assert "0x" + bytes(record.vkHash).hex() == manifest.vk_sha256
        assert (record.inputLen, record.outputLen) == (manifest.input_len, manifest.output_len)
        assert (record.inputScale, record.outputScale) == (
            manifest.input_scale,
            manifest.output_scale,
        )
        assert record.ezklVersion == manifest.ezkl_version


def test_a_real_proof_settles_through_fulfill_batch(coordinator, consumer, bc_request, real_staked):
    """A batch-size-1 model: a batch of one request with the real verifier and proof."""
    req, proof = bc_request
    receipt = coordinator.fulfillBatch(
        [req.request_id],
        [req.commitment],
        proof.proof,
        proof.instances,
        sender=primary_node(req, real_staked),
    )
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert (log.result, list(log.output)) == (DELIVERED, proof.outputs)
    assert consumer.lastOutput() == proof.outputs


def test_the_generated_verifier_refuses_another_instance_count(
    project, model_registry, real_models, real_proof
):
    """What makes `fulfill` unusable for a model proven in batches: the generated verifier
    accepts exactly its circuit's instance count, and `fulfill` passes one inference's."""
    proof = real_proof("breast_cancer", 0)
    verifier = project.BreastCancerVerifier.at(
        model_registry.getModel(real_models["breast_cancer"]).verifier
    )
    assert verifier.verifyProof.call(proof.proof, proof.instances) is True
    for instances in (proof.instances * 2, proof.instances[:-1]):
        try:
            accepted = verifier.verifyProof.call(proof.proof, instances)
        except ape.exceptions.ContractLogicError:
            accepted = False
        assert accepted is False
