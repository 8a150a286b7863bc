"""The layout of a batched circuit's input and instances (one proof for N samples).

A circuit built with batch size N takes N samples at once. Its instances are the N inputs
then the N outputs, each sample's values row-major: sample ``i``'s input is
``instances[i * in_len : (i + 1) * in_len]`` and its output starts at ``N * in_len + i * out_len``.
A batch of k < N requests fills slots ``0..k-1``; the other slots hold the filler sample, whose
outputs are discarded.
"""

from __future__ import annotations


def filler_sample(input_len: int) -> list[int]:
    """The sample that pads a partly filled batch: all zeros (inside every model's range)."""
    return [0] * input_len
