"""Testing a consumer contract with the oracle-node testing kit.

The fixtures ``oracle`` and ``oracle_model`` come from the ``oracle-node`` package (a pytest
plugin): the protocol is deployed on the test chain, the model registered, and
``oracle.fulfill_pending()`` answers requests with real EZKL proofs checked on-chain.
"""

from pathlib import Path

import ape
import pytest

from oracle_node.circuits.datasets import held_out

# In your project: wherever your circuit folder (from `oracle-node circuits build`) lives.
DIGITS = Path(__file__).resolve().parents[4] / "circuits" / "digits"


@pytest.fixture(scope="module")
def digits(oracle_model):
    return oracle_model(DIGITS, fee=10**15)


@pytest.fixture(scope="module")
def reader(project, accounts, oracle, digits):
    return accounts[0].deploy(project.DigitReader, oracle.coordinator.address, digits.model_id)


@pytest.fixture(scope="module")
def pixels(oracle, digits):
    """Held-out image ``index`` at the model's input scale (read from its manifest), and its
    label."""

    def sample(index):
        images, labels = held_out("digits")
        return oracle.scale_inputs(digits.model_id, images[index]), labels[index]

    return sample


def test_reader_stores_the_proven_digit(reader, accounts, oracle, digits, pixels):
    image, label = pixels(0)
    receipt = reader.submit(image, sender=accounts[1], value=10**15)
    [submitted] = receipt.events.filter(reader.DigitSubmitted)
    request_id = submitted.requestId

    [done] = oracle.fulfill_pending()

    assert done.request_id == request_id
    assert done.result == 0  # delivered
    assert reader.answered(request_id)
    expected = max(range(10), key=lambda i: done.output[i])
    assert reader.digitOf(request_id) == expected
    assert expected == label  # the held-out sample is read correctly


def test_an_optimistic_answer_arrives_once_the_window_has_passed(
    project, accounts, oracle, oracle_model, pixels
):
    digits = oracle_model(DIGITS, fee=10**15, challenge_window=600, bond=10**17)
    reader = accounts[0].deploy(project.DigitReader, oracle.coordinator.address, digits.model_id)
    image, label = pixels(2)
    reader.submitOptimistic(image, sender=accounts[1], value=10**15)

    [posting] = oracle.post_pending()
    assert not reader.answered(posting.request_id)  # posted, not final yet
    assert oracle.finalize([posting]) == [0]  # moves the chain's clock 600 s on

    assert reader.digitOf(posting.request_id) == max(range(10), key=posting.output.__getitem__)
    assert reader.digitOf(posting.request_id) == label


def test_only_the_coordinator_can_deliver(reader, accounts):
    with ape.reverts(reader.OnlyCoordinatorCanFulfill):
        reader.rawFulfill(1, [0] * 10, sender=accounts[1])


def test_submit_without_the_fee_is_refused(reader, accounts, pixels):
    image, _ = pixels(1)
    with ape.reverts(reader.IncorrectFee, sent=0):  # the coordinator's error, by name
        reader.submit(image, sender=accounts[1], value=0)
