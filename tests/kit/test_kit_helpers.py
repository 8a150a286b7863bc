"""The kit's helpers for what consumer developers hit first: the timeout path (cancel, refund,
compensation), inputs at the model's scale (and a warning for unscaled ones), and why a
callback failed."""

from __future__ import annotations

import pytest

from oracle_node.circuits.datasets import held_out
from oracle_node.testing.harness import OracleHarness, UnscaledInputWarning
from tests.support.circuits import CIRCUITS

FEE = 10**15


@pytest.fixture(scope="module")
def harness(accounts) -> OracleHarness:
    return OracleHarness(accounts[-1], [accounts[-2]])


@pytest.fixture(scope="module")
def model(harness):
    return harness.register_model(CIRCUITS / "breast_cancer", fee=FEE)


@pytest.fixture(scope="module")
def sample(harness, model) -> list[int]:
    features, _ = held_out("breast_cancer")
    return harness.scale_inputs(model.model_id, features[0])


def test_scale_inputs_reads_the_models_scale(harness, model):
    assert model.manifest.input_scale == 13
    assert harness.scale_inputs(model.model_id, [0.5, -1.25, 0]) == [4096, -10240, 0]


def test_unscaled_inputs_are_flagged(harness, model, sample):
    with pytest.warns(UnscaledInputWarning, match=r"round\(v \* 2\*\*13\)"):
        harness.circuit_output(model.model_id, [1, 0, -1] * 10)
    with warnings_as_errors():
        harness.circuit_output(model.model_id, sample)  # a scaled sample: no warning


def test_cancel_takes_the_timeout_path(project, harness, model, sample, accounts):
    consumer = accounts[0].deploy(project.RecordingConsumer, harness.coordinator)
    consumer.request(model.model_id, sample, 100_000, sender=accounts[0], value=FEE)
    [request] = harness.pending_requests()
    params = harness.params
    done = harness.cancel(request)
    assert (done.requester, done.refund) == (consumer.address, FEE)
    assert done.primary == request.primary and done.slashed == params.slash_amount
    assert done.compensation == params.slash_amount * params.harmed_share_bps // 10_000
    assert harness.coordinator.credits(consumer) == FEE
    assert harness.pending_requests() == []


def test_a_reverting_callback_says_why(project, harness, model, sample, accounts):
    consumer = accounts[0].deploy(project.RevertingConsumer, harness.coordinator)
    consumer.request(model.model_id, sample, 100_000, sender=accounts[0], value=FEE)
    [done] = harness.fulfill_pending()
    assert done.result == 1  # CallbackReverted
    assert done.callback_error is not None and "NotToday" in done.callback_error


class warnings_as_errors:
    def __enter__(self) -> None:
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("error", UnscaledInputWarning)

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)
