"""Float model vs circuit accuracy on the held-out split, for several calibration choices.

For each reference model this compiles the committed ONNX file at a few fixed-point scales
(plus the committed circuit) and runs every held-out sample through onnxruntime and through
the circuit's witness. Prints a markdown table (pasted into docs/circuits.md).

    python scripts/circuits/accuracy_table.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort

from oracle_node.circuits import proving
from oracle_node.circuits.datasets import REFERENCE_MODELS, held_out, predicted_label
from oracle_node.circuits.manifest import load_manifest
from oracle_node.encoding import float_to_int

ROOT = Path(__file__).resolve().parents[2]
SCALES = (2, 4, 7, 10, 16)


def float_predictions(onnx_path: Path, features: list[list[float]]) -> list[int]:
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return [
        predicted_label(session.run(None, {name: np.asarray([row], dtype=np.float32)})[0][0])
        for row in features
    ]


def circuit_predictions(compiled: Path, input_scale: int, features: list[list[float]]) -> list[int]:
    """Labels from the circuit's quantized outputs (EZKL witness, no proof)."""
    labels = []
    for row in features:
        ints = [float_to_int(v, input_scale) for v in row]
        labels.append(predicted_label(proving.circuit_outputs(compiled, input_scale, ints)))
    return labels


def main() -> None:
    rows = [
        "| model | calibration | input/param scale | logrows | rows used | float accuracy "
        "| circuit accuracy | circuit label = float label |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in REFERENCE_MODELS:
        model_dir = ROOT / "circuits" / name
        manifest = load_manifest(model_dir)
        features, labels = held_out(name)
        floats = float_predictions(model_dir / "model.onnx", features)
        float_acc = float(np.mean(np.asarray(floats) == np.asarray(labels)))
        choices: list[tuple[str, Path, dict[str, object]]] = []
        committed = json.loads((model_dir / "settings.json").read_text())
        choices.append((f"{manifest.calibration_target} (committed)", model_dir, committed))
        with tempfile.TemporaryDirectory() as tmp:
            for scale in SCALES:
                work = Path(tmp) / f"s{scale}"
                work.mkdir()
                settings = work / "settings.json"
                proving.generate_settings(model_dir / "model.onnx", settings)
                proving.calibrate_settings(
                    model_dir / "calibration.json",
                    model_dir / "model.onnx",
                    settings,
                    "resources",
                    [scale],
                    17,
                )
                proving.compile_circuit(model_dir / "model.onnx", work / "model.compiled", settings)
                choices.append((f"scale {scale}", work, json.loads(settings.read_text())))
            for label, folder, settings_data in choices:
                run_args = settings_data["run_args"]  # type: ignore[index]
                in_scale = int(settings_data["model_input_scales"][0])  # type: ignore[index]
                preds = circuit_predictions(folder / "model.compiled", in_scale, features)
                acc = float(np.mean(np.asarray(preds) == np.asarray(labels)))
                agree = float(np.mean(np.asarray(preds) == np.asarray(floats)))
                rows.append(
                    f"| {name} (n={len(labels)}) | {label} | {run_args['input_scale']}/"
                    f"{run_args['param_scale']} | {run_args['logrows']} "
                    f"| {settings_data['num_rows']} | {float_acc:.4f} "
                    f"| {acc:.4f} | {agree:.4f} |"
                )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
