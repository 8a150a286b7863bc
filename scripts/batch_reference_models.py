"""Batched variants of the reference models: the committed ONNX with a symbolic first dimension.

Reads ``circuits/<name>/model.onnx`` (input ``[1, F]``, output ``[1, C]``), renames the first
dimension of the input and the output to the symbol ``batch_size`` and checks with onnxruntime
that a batch of held-out samples gives, row by row, the outputs of the original model run on one
sample at a time. Writes ``<out>/<name>_batched.onnx`` and a copy of the committed calibration
data. ``--build`` then builds each as ``circuits/<name>_b<N>/`` with ``--batch auto``; N is the
size the build picks (recorded in :data:`EXPECTED_BATCH`, checked after the build).

    python scripts/batch_reference_models.py --build
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx

from oracle_node.circuits.datasets import REFERENCE_MODELS, held_out

BATCH_DIM = "batch_size"
# What `circuits build --batch auto --inner-cols 1` picks for each model (2^15 rows).
EXPECTED_BATCH = {"breast_cancer": 23, "digits": 9}


def make_batched(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of ``model`` whose one input and one output have ``batch_size`` as first dim.

    Only safe for graphs that treat rows independently (Gemm / MatMul / element-wise ops, as the
    reference MLPs): the result is checked against the original by :func:`check_rows_match`.
    """
    batched = onnx.ModelProto()
    batched.CopyFrom(model)
    initializers = {init.name for init in batched.graph.initializer}
    tensors = [v for v in batched.graph.input if v.name not in initializers]
    for value in [*tensors, *batched.graph.output]:
        first = value.type.tensor_type.shape.dim[0]
        if not (first.HasField("dim_value") and first.dim_value == 1):
            raise SystemExit(f"{value.name!r}: first dimension is not 1, nothing to rewrite")
        first.ClearField("dim_value")
        first.dim_param = BATCH_DIM
    del batched.graph.value_info[:]  # intermediate shapes were inferred for a batch of 1
    onnx.checker.check_model(batched, full_check=True)
    return batched


def check_rows_match(original: Path, batched: Path, rows: list[list[float]]) -> float:
    """Largest |difference| between the batched model's rows and one-sample runs."""
    import onnxruntime as ort

    providers = ["CPUExecutionProvider"]
    one = ort.InferenceSession(str(original), providers=providers)
    many = ort.InferenceSession(str(batched), providers=providers)
    name = one.get_inputs()[0].name
    x = np.asarray(rows, dtype=np.float32)
    singles = np.concatenate([one.run(None, {name: x[i : i + 1]})[0] for i in range(len(x))])
    together = many.run(None, {name: x})[0]
    if together.shape != singles.shape:
        raise SystemExit(f"{batched}: output shape {together.shape}, expected {singles.shape}")
    worst = float(np.abs(together - singles).max())
    if worst > 1e-5:
        raise SystemExit(f"{batched}: a row differs from its one-sample output by {worst}")
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--circuits", type=Path, default=Path("circuits"))
    parser.add_argument("--out", type=Path, default=Path("circuits/.cache/reference"))
    parser.add_argument("--build", action="store_true", help="run `oracle-node circuits build`")
    parser.add_argument("--models", nargs="*", default=list(REFERENCE_MODELS))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.models:
        source = args.circuits / name / "model.onnx"
        onnx_path = args.out / f"{name}_batched.onnx"
        onnx.save(make_batched(onnx.load(str(source))), str(onnx_path))
        features, _ = held_out(name)
        worst = check_rows_match(source, onnx_path, features[:64])
        calibration = args.out / f"{name}_batched.calibration.json"
        shutil.copyfile(args.circuits / name / "calibration.json", calibration)
        print(f"wrote {onnx_path} (rows match one-sample runs to {worst:.1e}) and {calibration}")
        if args.build:
            expected = EXPECTED_BATCH[name]
            circuit = f"{name}_b{expected}"
            command = [sys.executable, "-m", "oracle_node.cli", "circuits", "build"]
            build_args = [str(onnx_path), str(calibration), "--name", circuit]
            build_args += ["--inner-cols", "1", "--batch", "auto"]
            subprocess.run([*command, *build_args], check=True)
            manifest = json.loads((args.circuits / circuit / "manifest.json").read_text())
            if manifest["batch_size"] != expected:
                raise SystemExit(
                    f"{circuit}: the build picked N={manifest['batch_size']}, not {expected}; "
                    "update EXPECTED_BATCH and rebuild under the new name"
                )


if __name__ == "__main__":
    main()
