"""The reference data sets: bundled with scikit-learn, split and scaled reproducibly.

Both reference models take *prepared* features: ``breast_cancer`` standardises the 30 raw
features with the training split's mean and standard deviation, ``digits`` maps the 64 pixel
intensities (0-16) to 0-1. The split uses a fixed seed, so :func:`held_out` returns the same
samples on every machine; nothing is downloaded.
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
        from sklearn.datasets import load_breast_cancer, load_digits
        from sklearn.model_selection import train_test_split

    if model_name == "breast_cancer":
        bunch = load_breast_cancer()
    elif model_name == "digits":
        bunch = load_digits()
    else:
        raise UnknownModelError(model_name, REFERENCE_MODELS)
    x = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target, dtype=np.int64)
    train_x, test_x, train_y, test_y = train_test_split(
        x, y, test_size=TEST_FRACTION, random_state=SPLIT_SEED, stratify=y
    )
    if model_name == "breast_cancer":
        mean = train_x.mean(axis=0)
        std = train_x.std(axis=0)
        train_x = (train_x - mean) / std
        test_x = (test_x - mean) / std
    else:
        train_x = train_x / 16.0
        test_x = test_x / 16.0
    names = tuple(str(name) for name in bunch.target_names)
    return Split(train_x, train_y, test_x, test_y, names)


def held_out(model_name: str) -> tuple[list[list[float]], list[int]]:
    """Held-out samples of a reference model: prepared features as floats, and labels."""
    split = load_split(model_name)
    return split.test_x.tolist(), [int(label) for label in split.test_y]


def predicted_label(outputs: list[float] | list[int]) -> int:
    """Class that a reference model's outputs pick: one logit means ``logit > 0``, else argmax."""
    if len(outputs) == 1:
        return int(outputs[0] > 0)
    return int(np.argmax(np.asarray(outputs)))
