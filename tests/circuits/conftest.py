"""Fixtures for the circuit pipeline: the committed reference circuits and tiny test models."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from oracle_node.circuits.datasets import REFERENCE_MODELS, held_out
from oracle_node.circuits.proving import ProofResult, Prover
from oracle_node.encoding import float_to_int
from tests.support.onnx_models import write_calibration, write_mlp

ROOT = Path(__file__).resolve().parents[2]
CIRCUITS = ROOT / "circuits"
# Every committed circuit, with the data set its samples come from.
COMMITTED = {
    "breast_cancer": "breast_cancer",
    "breast_cancer_b23": "breast_cancer",
    "breast_cancer_c1": "breast_cancer",
    "breast_cancer_c22": "breast_cancer",
    "digits": "digits",
    "digits_b9": "digits",
    "digits_cnn": "digits_cnn",
    "anomaly_ae": "anomaly_ae",
    "credit_gbt": "credit_gbt",
}
DEV_SRS_15 = CIRCUITS / "srs" / "dev-insecure-k15.srs"


def sample(name: str, index: int, scale: int) -> list[int]:
    """Held-out sample ``index`` of a reference model, as ints at ``scale``."""
    features, _ = held_out(name)
    return [float_to_int(v, scale) for v in features[index]]


@pytest.fixture(scope="session")
def pk_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty proving-key cache: keys are rebuilt (and their vk checked) in this session."""
    return tmp_path_factory.mktemp("pk-cache")


@pytest.fixture(scope="session")
def provers(pk_cache: Path) -> dict[str, Prover]:
    return {name: Prover(CIRCUITS / name, cache_dir=pk_cache) for name in REFERENCE_MODELS}


@pytest.fixture(scope="session")
def proofs(provers: dict[str, Prover]) -> dict[str, ProofResult]:
    """One real proof per reference model, of held-out sample 0 (made on first use)."""

    class Lazy(dict[str, ProofResult]):
        def __missing__(self, name: str) -> ProofResult:
            prover = provers[name]
            self[name] = prover.prove(sample(name, 0, prover.manifest.input_scale))
            return self[name]

    return Lazy()


@pytest.fixture
def tiny_model(tmp_path: Path) -> tuple[Path, Path]:
    """(onnx, calibration) of a 4-6-3 MLP with 8 calibration samples."""
    onnx_path = write_mlp(tmp_path / "tiny.onnx")
    rng = np.random.default_rng(1)
    calibration = write_calibration(
        tmp_path / "tiny.calibration.json", rng.normal(size=4 * 8).round(4).tolist()
    )
    return onnx_path, calibration


@pytest.fixture
def scratch_project(tmp_path: Path) -> Path:
    """A scratch project root with circuits/srs holding the committed 2^15 dev SRS."""
    root = tmp_path / "project"
    (root / "circuits" / "srs").mkdir(parents=True)
    (root / "contracts" / "verifiers").mkdir(parents=True)
    shutil.copyfile(DEV_SRS_15, root / "circuits" / "srs" / DEV_SRS_15.name)
    return root


@pytest.fixture
def copy_model(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a committed circuit folder (and the dev SRS beside it) into a scratch circuits dir."""

    def copy(name: str) -> Path:
        circuits = tmp_path / "copied" / "circuits"
        (circuits / "srs").mkdir(parents=True, exist_ok=True)
        srs = circuits / "srs" / DEV_SRS_15.name
        if not srs.exists():
            shutil.copyfile(DEV_SRS_15, srs)
        shutil.copytree(CIRCUITS / name, circuits / name)
        return circuits / name

    return copy
