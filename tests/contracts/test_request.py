"""requestInference: validation, the emitted request, the stored commitment, the draw."""

from __future__ import annotations

import ape

from .conftest import (
    CALLBACK_GAS,
    FEE,
    INPUT_LEN,
    MAX_ABS_INPUT,
    OUTPUT_LEN,
    PARAMS,
    mock_spec,
)
from .helpers import R, input_hash, parse_request


def test_request_emits_the_full_request_and_stores_its_hash(
    chain, coordinator, consumer, mock_verifier, model_id, staked, requester, node_registry
):
    values = [7, -8, 2**100]
    receipt = consumer.request(model_id, values, CALLBACK_GAS, sender=requester, value=FEE)
    req = parse_request(receipt, coordinator)
    assert req.request_id == 1 == coordinator.requestCount()
    assert req.input == values
    assert req.log.modelId == model_id
    assert req.log.requester == consumer.address
    assert req.primary in {n.address for n in staked}
    block_time = chain.blocks[receipt.block_number].timestamp
    assert req.commitment == (
        model_id,
        consumer.address,
        mock_verifier.address,
        FEE,
        CALLBACK_GAS,
        INPUT_LEN,
        OUTPUT_LEN,
        receipt.block_number,
        node_registry.poolSlotCount(model_id),
        block_time + PARAMS.exclusive_window,
        block_time + PARAMS.request_timeout,
        PARAMS.slash_amount,
        PARAMS.harmed_share_bps,
        input_hash(values),
        0,  # challengeWindow: a Proven request
    )
    assert coordinator.commitmentOf(1) == req.stored_hash()
    assert coordinator.balance == FEE


def test_request_ids_increase(consumer, request_via, staked):
    assert [request_via(consumer).request_id for _ in range(3)] == [1, 2, 3]


def test_primary_is_drawn_from_the_pool(consumer, request_via, staked):
    primaries = {request_via(consumer).primary for _ in range(12)}
    assert primaries <= {n.address for n in staked}
    assert len(primaries) == 2  # both nodes get work (pseudo-random, 2^-11 to fail by chance)


def test_request_reverts_for_unknown_model(coordinator, requester):
    with ape.reverts(coordinator.ModelNotActive, modelId=42):
        coordinator.requestInference(42, [1, 2, 3], CALLBACK_GAS, sender=requester, value=FEE)


def test_request_reverts_for_deactivated_model(
    coordinator, model_registry, model_id, owner, requester, staked
):
    model_registry.deactivateModel(model_id, sender=owner)
    with ape.reverts(coordinator.ModelNotActive, modelId=model_id):
        coordinator.requestInference(model_id, [1, 2, 3], CALLBACK_GAS, sender=requester, value=FEE)


def test_request_reverts_on_wrong_fee(coordinator, model_id, requester, staked):
    with ape.reverts(coordinator.IncorrectFee, sent=FEE - 1, required=FEE):
        coordinator.requestInference(
            model_id, [1, 2, 3], CALLBACK_GAS, sender=requester, value=FEE - 1
        )


def test_request_reverts_on_wrong_input_length(coordinator, model_id, requester, staked):
    with ape.reverts(coordinator.InputLengthMismatch, got=2, want=INPUT_LEN):
        coordinator.requestInference(model_id, [1, 2], CALLBACK_GAS, sender=requester, value=FEE)


def test_request_reverts_on_input_outside_the_models_range(
    coordinator, model_id, requester, staked
):
    too_big = MAX_ABS_INPUT + 1
    with ape.reverts(coordinator.InputOutOfRange, index=1, value=too_big, maxAbs=MAX_ABS_INPUT):
        coordinator.requestInference(
            model_id, [0, too_big, 0], CALLBACK_GAS, sender=requester, value=FEE
        )
    with ape.reverts(coordinator.InputOutOfRange, index=2, value=-too_big, maxAbs=MAX_ABS_INPUT):
        coordinator.requestInference(
            model_id, [0, 0, -too_big], CALLBACK_GAS, sender=requester, value=FEE
        )
    # The bound itself is in range, on both sides.
    edge = [MAX_ABS_INPUT, -MAX_ABS_INPUT, 0]
    coordinator.requestInference(model_id, edge, CALLBACK_GAS, sender=requester, value=FEE)


def test_field_helpers_name_the_value_and_the_real_index(coordinator):
    half = (R - 1) // 2
    with ape.reverts(coordinator.ValueOutOfField, value=-(2**255)):
        coordinator.toFelt(-(2**255))
    with ape.reverts(coordinator.ValueOutOfField, value=half + 1):
        coordinator.toFelt(half + 1)
    with ape.reverts(coordinator.InputOutOfRange, index=2, value=-half - 1, maxAbs=half):
        coordinator.hashInput([1, -half, -half - 1])


def test_request_reverts_on_callback_gas_above_max(coordinator, model_id, requester, staked):
    limit = PARAMS.max_callback_gas_limit + 1
    with ape.reverts(
        coordinator.CallbackGasLimitTooHigh, limit=limit, max=PARAMS.max_callback_gas_limit
    ):
        coordinator.requestInference(model_id, [1, 2, 3], limit, sender=requester, value=FEE)


def test_request_reverts_on_callback_gas_above_the_models_cap(
    coordinator, model_registry, node_registry, mock_verifier, owner, requester, operator
):
    """The fee is fixed per model, so the callback gas a node must pay is capped per model."""
    model_registry.registerModel(
        mock_spec(mock_verifier.address, max_callback_gas=50_000), sender=owner
    )
    capped = model_registry.modelCount()
    node_registry.stake(sender=operator, value=PARAMS.min_stake)
    node_registry.addModel(capped, sender=operator)
    with ape.reverts(coordinator.CallbackGasLimitTooHigh, limit=50_001, max=50_000):
        coordinator.requestInference(capped, [1, 2, 3], 50_001, sender=requester, value=FEE)
    coordinator.requestInference(capped, [1, 2, 3], 50_000, sender=requester, value=FEE)


def test_request_reverts_when_no_node_serves(
    coordinator, model_registry, node_registry, mock_verifier, owner, requester
):
    model_registry.registerModel(mock_spec(mock_verifier.address), sender=owner)
    lonely = model_registry.modelCount()
    with ape.reverts(coordinator.NoActiveNodes, modelId=lonely):  # decoded by its own ABI
        coordinator.requestInference(lonely, [1, 2, 3], CALLBACK_GAS, sender=requester, value=FEE)


def test_field_encoding_matches_the_documented_rule(coordinator):
    half = (R - 1) // 2
    for x in (0, 1, -1, 123456789, -123456789, half, -half):
        felt = coordinator.toFelt(x)
        assert felt == x % R
        assert coordinator.fromFelt(felt) == x
    assert coordinator.fromFelt(R) == 0  # reduced mod r
    assert coordinator.hashInput([1, -2, 3]) == input_hash([1, -2, 3])


def test_field_encoding_matches_ezkl():
    import ezkl

    for x in (0, 1, -1, 5000, -5000):
        felt_hex = ezkl.float_to_felt(float(x), 0)
        felt = int.from_bytes(bytes.fromhex(felt_hex.removeprefix("0x")), "little")
        assert felt == x % R
        assert ezkl.felt_to_int(felt_hex) == x


def test_coordinator_constructor_checks(project, owner, model_registry, node_registry):
    zero = "0x" + "00" * 20
    container = project.InferenceCoordinator
    with ape.reverts(container.ZeroAddress):
        owner.deploy(container, zero, node_registry, 1, 2, 100)
    with ape.reverts(container.ZeroAddress):
        owner.deploy(container, model_registry, zero, 1, 2, 100)
    with ape.reverts(container.WindowNotBeforeDeadline, exclusiveWindow=5, requestTimeout=5):
        owner.deploy(container, model_registry, node_registry, 5, 5, 100)
    unbonding = PARAMS.unbonding_period
    with ape.reverts(
        container.TimeoutNotBeforeUnbonding, requestTimeout=unbonding, unbondingPeriod=unbonding
    ):
        owner.deploy(container, model_registry, node_registry, 5, unbonding, 100)
    # A committed request may live three windows past its timeout (delivery, rejection, opening).
    longest = unbonding - 3 * 5
    with ape.reverts(
        container.TimeoutNotBeforeUnbonding, requestTimeout=longest, unbondingPeriod=unbonding
    ):
        owner.deploy(container, model_registry, node_registry, 5, longest, 100)
    deployed = owner.deploy(container, model_registry, node_registry, 5, longest - 1, 100)
    assert deployed.requestTimeout() == longest - 1
