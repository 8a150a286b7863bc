"""The testing kit's Optimistic helpers on the real breast_cancer circuit: post the circuit's
output, move time to finality and finalise; or post a wrong output and challenge it with a real
proof. Each consumer is called back once, with the final output."""

from __future__ import annotations

import pytest

from oracle_node.testing.harness import OracleHarness
from tests.support.circuits import CIRCUITS

WINDOW = 600
BOND = 10**17
FEE = 10**15
SAMPLE = [
    int(v * 2**13)
    for v in (0.5, -1.2, 0.3, 0.1, -0.4, 1.0, 0.0, 0.2, -0.3, 0.7, 0.4, -0.5, 0.9, 0.1, -0.2,
              0.3, 0.6, -0.1, 0.2, 0.0, 0.5, -0.9, 0.4, 0.3, -0.6, 0.1, 0.2, -0.2, 0.8, 0.05)
]  # fmt: skip


@pytest.fixture
def harness(accounts) -> OracleHarness:
    return OracleHarness(accounts[-1], [accounts[-2]])


@pytest.fixture
def optimistic_model(harness):
    return harness.register_model(
        CIRCUITS / "breast_cancer", fee=FEE, challenge_window=WINDOW, bond=BOND
    )


@pytest.fixture
def consumer(project, harness, accounts):
    return accounts[0].deploy(project.RecordingConsumer, harness.coordinator)


def test_an_optimistic_request_is_posted_finalised_and_delivered_once(
    harness, optimistic_model, consumer, accounts, chain
):
    model = optimistic_model.model_id
    consumer.requestOptimistic(model, SAMPLE, 200_000, sender=accounts[0], value=FEE)
    [request] = harness.pending_requests()
    assert request.optimistic
    posting = harness.post(request)
    assert posting.output == harness.circuit_output(model, SAMPLE)
    assert consumer.deliveries() == 0
    assert harness.coordinator.isPosted(request.request_id, posting.posting, posting.output)
    assert harness.finalize([posting]) == [0]  # Delivered
    assert chain.blocks.head.timestamp >= posting.final_at
    assert consumer.deliveries() == 1 and list(consumer.lastOutput()) == posting.output
    assert harness.pending_requests() == []


def test_a_wrong_posting_is_challenged_with_a_real_proof(
    harness, optimistic_model, consumer, accounts
):
    model = optimistic_model.model_id
    consumer.requestOptimistic(model, SAMPLE, 200_000, sender=accounts[0], value=FEE)
    [request] = harness.pending_requests()
    truth = harness.circuit_output(model, SAMPLE)
    lie = harness.post(request, output=[v + 1 for v in truth])
    registry = harness.protocol.node_registry
    stake = int(registry.getNode(lie.poster).stake)
    done = harness.challenge(lie, challenger=accounts[1])
    assert done.output == truth and done.node == accounts[1].address
    assert consumer.deliveries() == 1 and list(consumer.lastOutput()) == truth
    assert int(registry.getNode(lie.poster).stake) == stake - BOND
    assert registry.credits(accounts[1]) == BOND


def test_settle_pending_fulfils_proven_requests_and_finalises_optimistic_ones(
    harness, optimistic_model, consumer, accounts
):
    model = optimistic_model.model_id
    consumer.request(model, SAMPLE, 200_000, sender=accounts[0], value=FEE)
    consumer.requestOptimistic(model, SAMPLE, 200_000, sender=accounts[0], value=FEE)
    fulfilled, finalised = harness.settle_pending()
    assert len(fulfilled) == 1 and finalised == [0]
    assert consumer.deliveries() == 2
    assert (
        fulfilled[0].output == harness.circuit_output(model, SAMPLE) == list(consumer.lastOutput())
    )
