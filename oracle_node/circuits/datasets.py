"""The reference data sets: bundled with scikit-learn, split and scaled reproducibly.

Every reference model takes *prepared* features: ``breast_cancer`` and ``anomaly_ae``
standardise the 30 raw features with the training split's mean and standard deviation,
``digits`` and ``digits_cnn`` map the 64 pixel intensities (0-16) to 0-1, ``credit_gbt`` takes
a generated 12-feature tabular set (``make_classification``, fixed seed) as it is. The split
uses a fixed seed, so :func:`held_out` returns the same samples on every machine; nothing is
downloaded.

``anomaly_ae`` is trained on the benign tumours of the training split only; its label is 1 for
an anomaly (a malignant tumour, scikit-learn's class 0) and 0 for a normal sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from oracle_node.exceptions import UnknownModelError
from oracle_node.extras import needs_extra

SPLIT_SEED = 20240611
TEST_FRACTION = 0.2

REFERENCE_MODELS = ("breast_cancer", "digits")
# The model zoo: shapes that users bring (tree ensemble, CNN, anomaly detector).
ZOO_MODELS = ("credit_gbt", "digits_cnn", "anomaly_ae")
ALL_MODELS = REFERENCE_MODELS + ZOO_MODELS
# Batched circuits of the reference models (N samples per proof), each with its data set.
BATCHED_MODELS = {"breast_cancer_b23": "breast_cancer", "digits_b9": "digits"}


@dataclass(frozen=True)
class Split:
    """Prepared features (float64, one row per sample) and integer labels."""

    train_x: np.ndarray[Any, np.dtype[np.float64]]
    train_y: np.ndarray[Any, np.dtype[np.int64]]
    test_x: np.ndarray[Any, np.dtype[np.float64]]
    test_y: np.ndarray[Any, np.dtype[np.int64]]
    class_names: tuple[str, ...]


def load_split(model_name: str) -> Split:
    """Load the bundled data set behind ``model_name``, split it and prepare the features."""
    with needs_extra("the reference data sets", "kit"):
        from sklearn.datasets import load_breast_cancer, load_digits, make_classification
        from sklearn.model_selection import train_test_split

    if model_name in ("breast_cancer", "anomaly_ae"):
        bunch = load_breast_cancer()
        x, y = bunch.data, bunch.target
        names = tuple(str(name) for name in bunch.target_names)
    elif model_name in ("digits", "digits_cnn"):
        bunch = load_digits()
        x, y = bunch.data, bunch.target
        names = tuple(str(name) for name in bunch.target_names)
    elif model_name == "credit_gbt":
        x, y = make_classification(
            n_samples=2000, n_features=12, n_informative=6, n_redundant=2, class_sep=0.8,
            flip_y=0.02, random_state=SPLIT_SEED,
        )  # fmt: skip
        names = ("low risk", "high risk")
    else:
        raise UnknownModelError(model_name, ALL_MODELS)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    train_x, test_x, train_y, test_y = train_test_split(
        x, y, test_size=TEST_FRACTION, random_state=SPLIT_SEED, stratify=y
    )
    if model_name in ("breast_cancer", "anomaly_ae"):
        mean = train_x.mean(axis=0)
        std = train_x.std(axis=0)
        train_x = (train_x - mean) / std
        test_x = (test_x - mean) / std
    elif model_name in ("digits", "digits_cnn"):
        train_x = train_x / 16.0
        test_x = test_x / 16.0
    if model_name == "anomaly_ae":
        # Train on normal (benign) samples only; label 1 marks an anomaly (malignant).
        train_x = train_x[train_y == 1]
        train_y = np.zeros(len(train_x), dtype=np.int64)
        test_y = (test_y == 0).astype(np.int64)
        names = ("normal", "anomaly")
    return Split(train_x, train_y, test_x, test_y, names)


def held_out(model_name: str) -> tuple[list[list[float]], list[int]]:
    """Held-out samples of a reference model: prepared features as floats, and labels."""
    split = load_split(model_name)
    return split.test_x.tolist(), [int(label) for label in split.test_y]


def predicted_label(outputs: list[float] | list[int]) -> int:
    """Class that a reference model's outputs pick: one output means ``> 0``, else argmax.

    ``credit_gbt`` outputs a logit (``> 0``: high risk), ``anomaly_ae`` its reconstruction
    error minus its threshold (``> 0``: anomaly).
    """
    if len(outputs) == 1:
        return int(outputs[0] > 0)
    return int(np.argmax(np.asarray(outputs)))
