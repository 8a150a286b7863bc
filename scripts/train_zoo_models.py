"""Train the model zoo (shapes that users bring) on scikit-learn's bundled data; write ONNX.

    pip install -c constraints.txt -e '.[models]'     # torch (CPU) and matplotlib
    python scripts/train_zoo_models.py --out circuits/.cache/zoo
    python scripts/train_zoo_models.py --build        # and build every circuit

- ``credit_gbt``: gradient-boosted trees (scikit-learn) on a generated 12-feature risk set,
  written as tensor ops by :mod:`oracle_node.circuits.trees`; output the logit (> 0: high risk).
- ``digits_cnn``: a small CNN (Conv-Relu-AvgPool twice, dense; MaxPool measured 128 shuffle
  arguments and an 18 % larger verifying key at the same rows, see docs/circuits.md) on the 8x8 digit
  images, trained with torch and exported with ``dynamo=False, opset_version=17``.
- ``anomaly_ae``: an autoencoder 30-8-30 (scikit-learn ``MLPRegressor``) trained on benign
  tumours; output = mean squared reconstruction error minus the threshold that flags 5 % of the
  training samples (> 0: anomaly).

Next to each ``<name>.onnx`` goes ``<name>.calibration.json`` (training samples, EZKL format).
Every ONNX file is checked against the trained model on the whole held-out split.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from oracle_node.circuits.datasets import ZOO_MODELS, load_split
from oracle_node.circuits.trees import gradient_boosting_to_onnx

TRAIN_SEED = 7
CALIBRATION_SAMPLES = 32
GBT_TREES = 100
GBT_DEPTH = 3
ANOMALY_QUANTILE = 0.95


def _run(path: Path, rows: np.ndarray[Any, Any], shape: tuple[int, ...]) -> np.ndarray[Any, Any]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return np.stack(
        [session.run(None, {"input": r.reshape(shape).astype(np.float32)})[0][0] for r in rows]
    )


def _finish(proto: onnx.ModelProto) -> onnx.ModelProto:
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return proto


def train_gbt(n_trees: int = GBT_TREES, depth: int = GBT_DEPTH) -> tuple[onnx.ModelProto, Any]:
    from sklearn.ensemble import GradientBoostingClassifier

    split = load_split("credit_gbt")
    model = GradientBoostingClassifier(
        n_estimators=n_trees, max_depth=depth, learning_rate=0.2, random_state=TRAIN_SEED
    ).fit(split.train_x, split.train_y)
    print(f"credit_gbt: {n_trees} trees of depth {depth}, held-out accuracy "
          f"{model.score(split.test_x, split.test_y):.4f}")  # fmt: skip
    return gradient_boosting_to_onnx(model, "credit_gbt"), model.decision_function


def train_cnn() -> tuple[onnx.ModelProto, Any]:
    import torch
    from torch import nn

    torch.manual_seed(TRAIN_SEED)
    split = load_split("digits_cnn")
    net = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),    # 8 x 4 x 4
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),   # 16 x 2 x 2
        nn.Flatten(), nn.Linear(64, 10),
    )  # fmt: skip
    x = torch.tensor(split.train_x, dtype=torch.float32).reshape(-1, 1, 8, 8)
    y = torch.tensor(split.train_y)
    optimiser = torch.optim.Adam(net.parameters(), lr=0.01)
    for _epoch in range(40):
        for batch in torch.randperm(len(x)).split(64):
            optimiser.zero_grad()
            nn.functional.cross_entropy(net(x[batch]), y[batch]).backward()
            optimiser.step()
    net.eval()
    with torch.no_grad():
        test = torch.tensor(split.test_x, dtype=torch.float32).reshape(-1, 1, 8, 8)
        accuracy = float((net(test).argmax(1).numpy() == split.test_y).mean())
    print(f"digits_cnn: held-out accuracy {accuracy:.4f}")
    tmp = Path("/dev/shm" if Path("/dev/shm").is_dir() else ".") / "digits_cnn.export.onnx"
    torch.onnx.export(
        net, (torch.zeros(1, 1, 8, 8),), str(tmp), input_names=["input"],
        output_names=["output"], dynamo=False, opset_version=17,
    )  # fmt: skip
    proto = onnx.load(str(tmp))
    tmp.unlink()

    def logits(rows: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        with torch.no_grad():
            return net(torch.tensor(rows, dtype=torch.float32).reshape(-1, 1, 8, 8)).numpy()

    return _finish(proto), logits


def train_autoencoder() -> tuple[onnx.ModelProto, Any]:
    from sklearn.neural_network import MLPRegressor

    split = load_split("anomaly_ae")
    ae = MLPRegressor(
        hidden_layer_sizes=(8,), activation="relu", alpha=1e-3, max_iter=3000,
        random_state=TRAIN_SEED,
    ).fit(split.train_x, split.train_x)  # fmt: skip

    def error(rows: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        out: np.ndarray[Any, Any] = ((ae.predict(rows) - rows) ** 2).mean(axis=1)
        return out

    threshold = float(np.quantile(error(split.train_x), ANOMALY_QUANTILE))
    flags = error(split.test_x) > threshold
    print(f"anomaly_ae: threshold {threshold:.4f}; held-out: flags {flags.mean():.2f} of samples, "
          f"agreement with the anomaly label {(flags == split.test_y).mean():.4f}")  # fmt: skip
    n = split.train_x.shape[1]
    init = [
        numpy_helper.from_array(ae.coefs_[0].astype(np.float32), "enc.weight"),
        numpy_helper.from_array(ae.intercepts_[0].astype(np.float32), "enc.bias"),
        numpy_helper.from_array(ae.coefs_[1].astype(np.float32), "dec.weight"),
        numpy_helper.from_array(ae.intercepts_[1].astype(np.float32), "dec.bias"),
        numpy_helper.from_array(np.full((n, 1), 1.0 / n, np.float32), "mean_weight"),
        numpy_helper.from_array(np.asarray([-threshold], np.float32), "neg_threshold"),
    ]
    nodes = [
        helper.make_node("Gemm", ["input", "enc.weight", "enc.bias"], ["code"], name="encode"),
        helper.make_node("Relu", ["code"], ["code_relu"], name="encode.relu"),
        helper.make_node("Gemm", ["code_relu", "dec.weight", "dec.bias"], ["recon"], name="decode"),
        helper.make_node("Sub", ["recon", "input"], ["residual"], name="residual"),
        helper.make_node("Mul", ["residual", "residual"], ["squared"], name="squared"),
        # Mean over features and the threshold in one Gemm: sum(sq) / n - threshold.
        helper.make_node(
            "Gemm", ["squared", "mean_weight", "neg_threshold"], ["output"], name="score"
        ),
    ]
    graph = helper.make_graph(
        nodes,
        "anomaly_ae",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, n])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1])],
        init,
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])

    def score(rows: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return (error(rows) - threshold).reshape(-1, 1)

    return _finish(proto), score


TRAINERS = {"credit_gbt": train_gbt, "digits_cnn": train_cnn, "anomaly_ae": train_autoencoder}
INPUT_SHAPES = {"credit_gbt": (1, 12), "digits_cnn": (1, 1, 8, 8), "anomaly_ae": (1, 30)}
# Inner columns per model: 1 proves fastest at 2^15-2^16 (bench/results/circuits.md).
INNER_COLS = {"credit_gbt": 1, "digits_cnn": 1, "anomaly_ae": 1}


def write_model(name: str, out: Path) -> tuple[Path, Path]:
    """Train ``name``, write ``<out>/<name>.onnx`` and its calibration file; check the ONNX."""
    proto, reference = TRAINERS[name]()
    onnx_path = out / f"{name}.onnx"
    onnx.save(proto, onnx_path)
    split = load_split(name)
    ours = _run(onnx_path, split.test_x, INPUT_SHAPES[name]).reshape(len(split.test_x), -1)
    theirs = np.asarray(reference(split.test_x)).reshape(len(split.test_x), -1)
    worst = float(np.abs(ours - theirs).max())
    if worst > 1e-3:
        raise SystemExit(f"{name}: the ONNX graph differs from the trained model by {worst}")
    rng = np.random.default_rng(TRAIN_SEED)
    picks = rng.choice(len(split.train_x), size=CALIBRATION_SAMPLES, replace=False)
    # Random samples alone can miss the extremes, and EZKL sizes its range checks on what it
    # sees: an input beyond them fails at witness time ("decomposition error"). So the
    # calibration data also holds each feature's training minimum and maximum, widened by half.
    low, high = split.train_x.min(axis=0), split.train_x.max(axis=0)
    span = (high - low) / 4
    samples = np.vstack([split.train_x[picks], low - span, high + span])
    calibration = out / f"{name}.calibration.json"
    calibration.write_text(json.dumps({"input_data": [samples.reshape(-1).tolist()]}))
    print(f"wrote {onnx_path} and {calibration} (ONNX within {worst:.1e} of the trained model)")
    return onnx_path, calibration


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("circuits/.cache/zoo"))
    parser.add_argument("--build", action="store_true", help="run `oracle-node circuits build`")
    parser.add_argument("--models", nargs="*", default=list(ZOO_MODELS))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.models:
        onnx_path, calibration = write_model(name, args.out)
        if args.build:
            command = [sys.executable, "-m", "oracle_node.cli", "circuits", "build"]
            rest = [str(onnx_path), str(calibration), "--name", name]
            subprocess.run([*command, *rest, "--inner-cols", str(INNER_COLS[name])], check=True)


if __name__ == "__main__":
    main()
