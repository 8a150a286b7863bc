"""A consumer developer sees the coordinator's errors by name: every consumer's ABI carries the
errors a request can meet (``IRequestErrors``, inherited through ``IOracleConsumer``), so Ape,
web3 or any ABI-aware tool decodes what a consumer's request reverts with."""

from __future__ import annotations

import ape
import pytest

from oracle_node import artifacts

from .conftest import CALLBACK_GAS, FEE, PARAMS

REQUEST_ERRORS = {
    "ZeroAddress", "ModelNotActive", "NoActiveNodes", "IncorrectFee", "InputLengthMismatch",
    "InputOutOfRange", "CallbackGasLimitTooHigh", "OptimisticNotAllowed",
    "ChallengeWindowTooLong", "NothingToWithdraw", "TransferFailed",
}  # fmt: skip


def test_a_consumers_request_reverts_with_the_coordinators_error_by_name(
    consumer, requester, model_id, staked
):
    with ape.reverts(consumer.InputLengthMismatch, got=2, want=3):
        consumer.request(model_id, [1, 2], CALLBACK_GAS, sender=requester, value=FEE)
    with ape.reverts(consumer.IncorrectFee, sent=FEE - 1, required=FEE):
        consumer.request(model_id, [1, 2, 3], CALLBACK_GAS, sender=requester, value=FEE - 1)
    with ape.reverts(consumer.CallbackGasLimitTooHigh, limit=PARAMS.max_callback_gas_limit + 1):
        consumer.request(
            model_id, [1, 2, 3], PARAMS.max_callback_gas_limit + 1, sender=requester, value=FEE
        )
    with ape.reverts(consumer.ModelNotActive, modelId=999_999):
        consumer.request(999_999, [1, 2, 3], CALLBACK_GAS, sender=requester, value=FEE)
    with ape.reverts(consumer.OptimisticNotAllowed, modelId=model_id):
        consumer.requestOptimistic(model_id, [1, 2, 3], CALLBACK_GAS, sender=requester, value=FEE)


def test_a_withdrawal_through_a_consumer_reverts_by_name(consumer, stranger):
    with ape.reverts(consumer.NothingToWithdraw, account=consumer.address):
        consumer.withdrawRefunds(stranger, sender=stranger)


@pytest.mark.parametrize("name", ["ScreeningGate", "DigitBounty"])
def test_the_shipped_example_consumers_abis_carry_the_request_errors(name):
    errors = {item["name"] for item in artifacts.load_abi(name) if item["type"] == "error"}
    assert errors >= REQUEST_ERRORS
