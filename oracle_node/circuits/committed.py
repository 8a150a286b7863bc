"""Committed inputs: circuits whose proof carries one Poseidon hash per request instead of the
request's input values.

A committed circuit (``circuits build --inputs hashed``) takes one input tensor per request slot,
each holding the request's ``input_len`` values followed by :data:`SALT_LEN` salt values. EZKL
hashes every input tensor inside the circuit (``input_visibility = "hashed/public"``, its own
Poseidon) and makes that hash public, so the proof's instances are ``[hash_0 .. hash_{N-1},
outputs of slot 0 .. outputs of slot N-1]``. The graph slices the salt off before the model
runs, so the salt never changes an output.

The requester computes the same hash off-chain (:func:`commitment`) and posts it with its
request; the coordinator only compares it with the proof's hash, it never runs Poseidon.

Why a salt: inputs with little entropy (a yes/no field, a small integer score) could be found
from their hash by trying every candidate. The salt is :data:`SALT_LEN` values of
:data:`SALT_BITS` random bits each (144 bits in all). Each salt value must stay an exact
integer through EZKL's float32 input path (exact below 2^24) and inside the range every input
value is checked against (at least 2^27 with two decomposition legs).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from oracle_node.circuits.poseidon import hash_felts
from oracle_node.encoding import int_to_felt
from oracle_node.exceptions import CalibrationDataError, ConfigError

# Manifest values of ``input_visibility``.
PUBLIC = "Public"
HASHED = "Hashed"
# `circuits build --inputs` choices, and the manifest value each gives.
INPUT_MODES = {"public": PUBLIC, "hashed": HASHED}

SALT_LEN = 6
SALT_BITS = 24

_SLOT_INPUT = "input_{slot}"


def new_salt() -> list[int]:
    """A fresh random salt from the operating system's CSPRNG: :data:`SALT_LEN` values, each
    in ``[0, 2^SALT_BITS)``."""
    return [secrets.randbits(SALT_BITS) for _ in range(SALT_LEN)]


def check_salt(salt: Sequence[int], where: str = "") -> list[int]:
    """``salt`` as a list, or :class:`CalibrationDataError` naming what is wrong with it."""
    values = list(salt)
    if len(values) != SALT_LEN:
        raise CalibrationDataError(f"{where}a salt is {SALT_LEN} values, got {len(values)}")
    for i, value in enumerate(values):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**SALT_BITS:
            raise CalibrationDataError(
                f"{where}salt value {i} is {value!r}: each is an int in [0, 2^{SALT_BITS})"
            )
    return values


def commitment(inputs: Sequence[int], salt: Sequence[int]) -> int:
    """The value a committed circuit makes public for one request: EZKL's Poseidon hash of the
    input values (ints at the circuit's input scale) followed by the salt, as a field element.

    This is exactly what the circuit computes (tests hold it against real proofs' instances
    and against ``ezkl.poseidon_hash``); a requester posts it as the request's commitment.
    Pure Python (:mod:`oracle_node.circuits.poseidon`): committing needs no EZKL."""
    values = [*inputs, *check_salt(salt)]
    for i, value in enumerate(values[: len(inputs)]):
        if not isinstance(value, int) or isinstance(value, bool):
            raise CalibrationDataError(
                f"input {i} is {value!r}: inputs are ints at the input scale"
            )
    return hash_felts([int_to_felt(v) for v in values])


def input_mode(value: str) -> str:
    """The manifest visibility for a ``--inputs`` choice (``public`` or ``hashed``)."""
    try:
        return INPUT_MODES[value.strip().lower()]
    except KeyError:
        raise ConfigError(f"inputs {value!r}: use {' or '.join(INPUT_MODES)}") from None


def wrap_for_slots(model: Any, batch: int, input_len: int) -> Any:
    """A copy of the ONNX ``model`` (one input ``[batch_size, input_len]`` or ``[1,
    input_len]``) that takes ``batch`` input tensors ``input_0 .. input_{batch-1}``, each ``[1,
    input_len + SALT_LEN]``: it slices each slot's salt off, stacks the slots and runs the
    model on them. Its output is the model's, for the ``batch`` slots in order."""
    import onnx
    from onnx import TensorProto, helper

    graph = model.graph
    initializers = {init.name for init in graph.initializer}
    inputs = [v for v in graph.input if v.name not in initializers]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise ConfigError(
            "a committed circuit needs a model with one input and one output, this one has "
            f"{len(inputs)} and {len(graph.output)}"
        )
    inner = inputs[0].name
    taken = {name for node in graph.node for name in (*node.input, *node.output)} | initializers
    names = iter(f"committed_{i}" for i in range(10**6))

    def fresh() -> str:
        for name in names:
            if name not in taken:
                taken.add(name)
                return name
        raise AssertionError("unreachable")

    starts, ends, axes = fresh(), fresh(), fresh()
    constants = [
        helper.make_tensor(starts, TensorProto.INT64, [1], [0]),
        helper.make_tensor(ends, TensorProto.INT64, [1], [input_len]),
        helper.make_tensor(axes, TensorProto.INT64, [1], [1]),
    ]
    slot_inputs, nodes, sliced = [], [], []
    for slot in range(batch):
        name = _SLOT_INPUT.format(slot=slot)
        if name in taken:
            raise ConfigError(f"the model already has a value named {name!r}: rename it")
        taken.add(name)
        slot_inputs.append(
            helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, input_len + SALT_LEN])
        )
        out = fresh()
        nodes.append(helper.make_node("Slice", [name, starts, ends, axes], [out]))
        sliced.append(out)
    if batch == 1:
        nodes.append(helper.make_node("Identity", sliced, [inner]))
    else:
        nodes.append(helper.make_node("Concat", sliced, [inner], axis=0))
    out_info = graph.output[0]
    out_dims = [d.dim_value or 1 for d in out_info.type.tensor_type.shape.dim]
    outputs = [
        helper.make_tensor_value_info(
            out_info.name, out_info.type.tensor_type.elem_type, [batch, *out_dims[1:]]
        )
    ]
    wrapped = helper.make_graph(
        nodes + list(graph.node),
        graph.name or "committed",
        slot_inputs,
        outputs,
        initializer=constants + list(graph.initializer),
    )
    result = helper.make_model(wrapped, opset_imports=list(model.opset_import))
    result.ir_version = model.ir_version
    onnx.checker.check_model(result, full_check=True)
    return result


def slot_tensors(
    samples: Sequence[Sequence[int]], salts: Sequence[Sequence[int]]
) -> list[list[int]]:
    """The committed circuit's input tensors: each sample followed by its salt."""
    if len(samples) != len(salts):
        raise CalibrationDataError(f"{len(samples)} samples but {len(salts)} salts")
    return [
        [*sample, *check_salt(salt, f"sample {i}: ")]
        for i, (sample, salt) in enumerate(zip(samples, salts, strict=True))
    ]
