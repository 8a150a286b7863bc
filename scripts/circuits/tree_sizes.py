"""Rows of gradient-boosted tree ensembles by tree count and depth (no setup, seconds each).

    python scripts/circuits/tree_sizes.py            # prints a markdown table for docs/circuits.md

Each ensemble is trained on the ``credit_gbt`` data (12 features), written as tensor ops by
``oracle_node.circuits.trees`` and laid out by EZKL's ``gen_settings`` at scale 12 with one
inner column (what the committed ``credit_gbt`` uses), so the rows are what a build would get
before calibration trims them (calibration picked 45,342 rows where this gives the count
below for 100 trees of depth 3).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import onnx
from sklearn.ensemble import GradientBoostingClassifier

from oracle_node.circuits import proving
from oracle_node.circuits.datasets import load_split
from oracle_node.circuits.resources import estimate_cost
from oracle_node.circuits.trees import gradient_boosting_to_onnx

SIZES = [(25, 3), (50, 3), (100, 3), (200, 3), (400, 3), (25, 5), (50, 5), (100, 5), (25, 7)]


def main() -> None:
    split = load_split("credit_gbt")
    print("| trees | depth | rows | logrows | est. peak GiB | est. prove s |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for trees, depth in SIZES:
            model = GradientBoostingClassifier(
                n_estimators=trees, max_depth=depth, random_state=7
            ).fit(split.train_x, split.train_y)
            path = Path(tmp) / "gbt.onnx"
            onnx.save(gradient_boosting_to_onnx(model), path)
            settings = Path(tmp) / "settings.json"
            proving.generate_settings(path, settings, num_inner_cols=1, scale=12)
            rows = int(json.loads(settings.read_text())["num_rows"])
            logrows = max(15, (rows - 1).bit_length())
            estimate = estimate_cost(logrows, 1)
            print(
                f"| {trees} | {depth} | {rows:,} | {logrows} | "
                f"{estimate.peak_bytes / 2**30:.1f} | {estimate.prove_s:.0f} |"
            )


if __name__ == "__main__":
    main()
