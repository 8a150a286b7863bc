"""The bundled reference data: reproducible held-out split, circuit accuracy on it."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest

from oracle_node.circuits.datasets import REFERENCE_MODELS, held_out, load_split, predicted_label
from oracle_node.encoding import float_to_int
from oracle_node.exceptions import UnknownModelError

from .conftest import CIRCUITS


@pytest.mark.parametrize(
    ("name", "features", "classes"),
    [
        ("breast_cancer", 30, 2),
        ("digits", 64, 10),
        ("credit_gbt", 12, 2),
        ("digits_cnn", 64, 10),
        ("anomaly_ae", 30, 2),
    ],
)
def test_held_out_split_is_reproducible_and_disjoint(name, features, classes):
    x1, y1 = held_out(name)
    x2, y2 = held_out(name)
    assert (x1, y1) == (x2, y2)
    assert all(len(row) == features for row in x1)
    assert set(y1) == set(range(classes))
    split = load_split(name)
    train_rows = {tuple(np.round(row, 12)) for row in split.train_x}
    assert not any(tuple(np.round(row, 12)) in train_rows for row in split.test_x)


def test_unknown_model_is_a_clear_error():
    with pytest.raises(
        UnknownModelError,
        match="unknown reference model 'iris'; known: breast_cancer, digits, credit_gbt",
    ):
        held_out("iris")


def test_predicted_label_reads_one_logit_or_argmax():
    assert predicted_label([5]) == 1
    assert predicted_label([-5]) == 0
    assert predicted_label([1, 9, 3]) == 1


@pytest.mark.parametrize("name", REFERENCE_MODELS)
def test_circuit_outputs_match_the_float_model_on_held_out_samples(provers, name):
    """Quantized circuit logits stay within 0.05 of onnxruntime's and pick the same class."""
    prover = provers[name]
    scale_in, scale_out = prover.manifest.input_scale, prover.manifest.output_scale
    session = ort.InferenceSession(
        str(CIRCUITS / name / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    features, labels = held_out(name)
    correct = 0
    for row, label in list(zip(features, labels, strict=True))[:40]:
        expected = session.run(None, {"input": np.asarray([row], dtype=np.float32)})[0][0]
        outputs = prover.witness_outputs([float_to_int(v, scale_in) for v in row])
        got = np.asarray(outputs) / 2.0**scale_out
        assert np.max(np.abs(got - expected)) < 0.05
        assert predicted_label(outputs) == predicted_label(list(expected))
        correct += predicted_label(outputs) == label
    assert correct >= 36
