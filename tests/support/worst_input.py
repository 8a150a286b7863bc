"""A search, inside the accepted box |x| <= B, for the input that drives some value of a model
furthest: the input most likely to leave the circuit's range if the registered bound were
unsound.

Every value the graph computes is evaluated in floats with onnx's reference implementation; the
score of an input is the largest |v| over all of them. Coordinate ascent from a few starts (the
corners of the box, and any the caller adds) over a few candidate values per coordinate: both
ends, zero, and, for models with few inputs, the quantiles of the given data (for trees, so
that a feature can fall between split thresholds as well as at either end).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx.reference import ReferenceEvaluator


class ValueProbe:
    """Evaluates every intermediate value of an ONNX model for one sample."""

    def __init__(self, onnx_path: Path) -> None:
        model = onnx.load(str(onnx_path))
        self.evaluator = ReferenceEvaluator(model)
        graph_input = model.graph.input[0]
        self.input_name = graph_input.name
        dims = [d.dim_value or 1 for d in graph_input.type.tensor_type.shape.dim]
        self.shape = [1, *dims[1:]]

    def largest(self, x: Sequence[float]) -> float:
        """max |v| over every value the graph computes for the sample ``x``."""
        feed = np.asarray(x, dtype=np.float32).reshape(self.shape)
        values = self.evaluator.run(None, {self.input_name: feed}, intermediate=True)
        assert isinstance(values, dict)
        out = 0.0
        for value in values.values():
            array = np.asarray(value)
            if array.size and array.dtype.kind in "fiu":
                out = max(out, float(np.max(np.abs(array.astype(np.float64)))))
        return out


def search_worst_input(
    onnx_path: Path,
    bound: float,
    *,
    data: Sequence[Sequence[float]] = (),
    starts: Sequence[Sequence[float]] = (),
    quantiles: int = 16,
    passes: int = 2,
) -> tuple[list[float], float]:
    """The input (floats, every |x_i| <= ``bound``) with the largest score found, and that score."""
    probe = ValueProbe(onnx_path)
    n = int(np.prod(probe.shape))
    candidates: list[list[float]] = [[-bound, 0.0, bound] for _ in range(n)]
    columns = np.asarray(data, dtype=np.float64).reshape(-1, n) if len(data) else None
    if columns is not None and n <= 16:
        for i in range(n):
            spread = np.quantile(columns[:, i], np.linspace(0, 1, quantiles))
            candidates[i] += [float(v) for v in np.clip(spread, -bound, bound)]
    corners = [
        [bound] * n,
        [-bound] * n,
        [bound if i % 2 == 0 else -bound for i in range(n)],
        [-bound if i % 2 == 0 else bound for i in range(n)],
    ]
    best: list[float] = []
    best_score = -1.0
    for start in [*corners, *starts]:
        x = [float(np.clip(v, -bound, bound)) for v in start]
        score = probe.largest(x)
        if score > best_score:
            best, best_score = x, score
    for _ in range(passes):
        improved = False
        for i in range(n):
            for value in candidates[i]:
                if value == best[i]:
                    continue
                trial = [*best[:i], value, *best[i + 1 :]]
                score = probe.largest(trial)
                if score > best_score:
                    best, best_score, improved = trial, score, True
        if not improved:
            break
    return best, best_score
