"""ModelRegistry: immutable records, validation, deactivation by the owner."""

from __future__ import annotations

import ape
import pytest
from eth_utils import keccak

from .conftest import (
    FEE,
    MAX_ABS_INPUT,
    MOCK_SPEC_HASHES,
    MODEL_CALLBACK_GAS,
    OUTPUT_LEN,
    mock_spec,
)


def test_register_stores_the_record_and_emits_it(model_registry, mock_verifier, stranger):
    spec = mock_spec(mock_verifier.address)
    before = model_registry.modelCount()
    receipt = model_registry.registerModel(spec, sender=stranger)
    [log] = list(receipt.events.filter(model_registry.ModelRegistered))
    model = int(log.modelId)
    assert model == model_registry.modelCount() == before + 1
    assert log.owner == stranger.address
    assert [bytes(v) if isinstance(v, bytes) else v for v in log.spec][:4] == list(MOCK_SPEC_HASHES)
    record = model_registry.getModel(model)
    assert record.owner == stranger.address and record.active
    assert record.verifier == mock_verifier.address
    assert (record.inputLen, record.outputLen, record.inputScale, record.outputScale) == (
        3,
        OUTPUT_LEN,
        7,
        7,
    )
    assert record.fee == FEE
    assert (record.ezklVersion, record.artifactsUri) == ("23.0.5", "ipfs://mock")
    assert (record.maxAbsInput, record.maxCallbackGas) == (MAX_ABS_INPUT, MODEL_CALLBACK_GAS)
    assert record.batchSize == 1
    assert model_registry.getModelTerms(model) == (
        mock_verifier.address,
        3,
        OUTPUT_LEN,
        FEE,
        True,
        MODEL_CALLBACK_GAS,
        MAX_ABS_INPUT,
        1,
        0,
        False,
    )
    assert model_registry.getOptimisticTerms(model) == (0, 0)
    assert model_registry.isActive(model)


def test_optimistic_terms_are_recorded_and_go_together(model_registry, mock_verifier, owner):
    spec = mock_spec(mock_verifier.address, challenge_window=600, bond=5 * FEE)
    receipt = model_registry.registerModel(spec, sender=owner)
    [log] = list(receipt.events.filter(model_registry.ModelRegistered))
    model = int(log.modelId)
    record = model_registry.getModel(model)
    assert (record.challengeWindow, record.bond) == (600, 5 * FEE)
    assert model_registry.getModelTerms(model).challengeWindow == 600
    assert model_registry.getOptimisticTerms(model) == (600, 5 * FEE)
    for window, bond in ((600, 0), (0, FEE)):
        with ape.reverts(model_registry.InvalidOptimisticTerms, challengeWindow=window, bond=bond):
            model_registry.registerModel(
                mock_spec(mock_verifier.address, challenge_window=window, bond=bond), sender=owner
            )


def test_a_new_version_is_a_new_id(model_registry, mock_verifier, owner):
    before = model_registry.modelCount()
    model_registry.registerModel(mock_spec(mock_verifier.address), sender=owner)
    model_registry.registerModel(mock_spec(mock_verifier.address, fee=2 * FEE), sender=owner)
    assert model_registry.modelCount() == before + 2
    assert model_registry.getModel(before + 1).fee == FEE
    assert model_registry.getModel(before + 2).fee == 2 * FEE


def test_unknown_model(model_registry):
    with ape.reverts(model_registry.ModelNotFound, modelId=77):
        model_registry.getModel(77)
    assert model_registry.getModelTerms(77).active is False
    assert not model_registry.isActive(77)


@pytest.mark.parametrize("input_len,output_len", [(0, 2), (3, 0), (4000, 97)])
def test_register_rejects_bad_shapes(model_registry, mock_verifier, owner, input_len, output_len):
    spec = list(mock_spec(mock_verifier.address, input_len=input_len))
    spec[6] = output_len
    with ape.reverts(
        model_registry.InvalidModelShape,
        inputLen=input_len,
        outputLen=output_len,
        maxInstances=4096,
    ):
        model_registry.registerModel(tuple(spec), sender=owner)


def test_register_records_the_batch_size(model_registry, mock_verifier, owner):
    model_registry.registerModel(mock_spec(mock_verifier.address, batch_size=16), sender=owner)
    model = model_registry.modelCount()
    assert model_registry.getModel(model).batchSize == 16
    assert model_registry.getModelTerms(model).batchSize == 16


def test_register_rejects_batch_size_zero(model_registry, mock_verifier, owner):
    before = model_registry.modelCount()
    with ape.reverts(model_registry.InvalidBatchSize, batchSize=0):
        model_registry.registerModel(mock_spec(mock_verifier.address, batch_size=0), sender=owner)
    assert model_registry.modelCount() == before


@pytest.mark.parametrize("batch_size,fits", [(819, True), (820, False), (65_535, False)])
def test_register_bounds_the_batchs_instances(
    model_registry, mock_verifier, owner, batch_size, fits
):
    """3 inputs + 2 outputs: 819 slots are 4,095 instances, 820 are 4,100 > 4,096."""
    spec = mock_spec(mock_verifier.address, batch_size=batch_size)
    before = model_registry.modelCount()
    if fits:
        model_registry.registerModel(spec, sender=owner)
        assert model_registry.modelCount() == before + 1
        return
    with ape.reverts(
        model_registry.BatchTooLarge,
        batchSize=batch_size,
        instances=batch_size * (3 + OUTPUT_LEN),
        maxInstances=4096,
    ):
        model_registry.registerModel(spec, sender=owner)
    assert model_registry.modelCount() == before


def test_register_records_the_verifiers_code_hash(
    chain, project, model_registry, mock_verifier, owner
):
    """The record pins the verifier's code, so a model id keeps its meaning: the same address
    with other code (or another verifier) is visibly another record."""
    receipt = model_registry.registerModel(mock_spec(mock_verifier.address), sender=owner)
    [log] = list(receipt.events.filter(model_registry.ModelRegistered))
    code = bytes(chain.provider.get_code(mock_verifier.address))
    assert bytes(log.verifierCodeHash) == keccak(code)
    assert bytes(model_registry.getModel(log.modelId).verifierCodeHash) == keccak(code)
    other = owner.deploy(project.ReenteringVerifier)
    receipt = model_registry.registerModel(mock_spec(other.address), sender=owner)
    [log] = list(receipt.events.filter(model_registry.ModelRegistered))
    assert bytes(log.verifierCodeHash) == keccak(bytes(chain.provider.get_code(other.address)))
    assert bytes(log.verifierCodeHash) != keccak(code)


def test_register_rejects_an_empty_input_range(model_registry, mock_verifier, owner):
    with ape.reverts(model_registry.InvalidInputRange, maxAbsInput=0):
        model_registry.registerModel(
            mock_spec(mock_verifier.address, max_abs_input=0), sender=owner
        )


def test_register_rejects_a_verifier_without_code(model_registry, owner, stranger):
    with ape.reverts(model_registry.VerifierNotContract, verifier=stranger.address):
        model_registry.registerModel(mock_spec(stranger.address), sender=owner)


@pytest.mark.parametrize("index", range(4))
def test_register_rejects_an_empty_hash(model_registry, mock_verifier, owner, index):
    spec = list(mock_spec(mock_verifier.address))
    spec[index] = b"\x00" * 32
    with ape.reverts(model_registry.EmptyArtifactHash, index=index):
        model_registry.registerModel(tuple(spec), sender=owner)


def test_owner_deactivates(model_registry, model_id, owner):
    receipt = model_registry.deactivateModel(model_id, sender=owner)
    [log] = list(receipt.events.filter(model_registry.ModelDeactivated))
    assert (log.modelId, log.owner) == (model_id, owner.address)
    assert not model_registry.isActive(model_id)
    assert not model_registry.getModel(model_id).active
    with ape.reverts(model_registry.ModelAlreadyInactive, modelId=model_id):
        model_registry.deactivateModel(model_id, sender=owner)


def test_only_the_owner_deactivates(model_registry, model_id, owner, stranger):
    with ape.reverts(
        model_registry.NotModelOwner, modelId=model_id, have=stranger.address, want=owner.address
    ):
        model_registry.deactivateModel(model_id, sender=stranger)


def test_deactivate_unknown(model_registry, owner):
    with ape.reverts(model_registry.ModelNotFound, modelId=99):
        model_registry.deactivateModel(99, sender=owner)


@pytest.mark.parametrize("batch_size,fits", [(1365, True), (1366, False)])
def test_a_committed_model_counts_one_input_instance_per_sample(
    model_registry, mock_verifier, owner, batch_size, fits
):
    """A committed circuit's proof carries one hash per sample, not its 3 inputs: 1 + 2 per
    slot, so 1,365 slots are 4,095 instances and 1,366 are 4,098 > 4,096."""
    spec = mock_spec(mock_verifier.address, batch_size=batch_size, committed=True)
    before = model_registry.modelCount()
    if not fits:
        with ape.reverts(
            model_registry.BatchTooLarge,
            batchSize=batch_size,
            instances=batch_size * (1 + OUTPUT_LEN),
            maxInstances=4096,
        ):
            model_registry.registerModel(spec, sender=owner)
        assert model_registry.modelCount() == before
        return
    model_registry.registerModel(spec, sender=owner)
    model = model_registry.modelCount()
    assert model_registry.getModel(model).committed is True
    terms = model_registry.getModelTerms(model)
    assert (terms.committed, terms.inputLen, terms.batchSize) == (True, 3, batch_size)
