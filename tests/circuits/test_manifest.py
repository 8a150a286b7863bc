"""The committed manifests and the corruption checks of ``load_manifest``."""

from __future__ import annotations

import json

import pytest

from oracle_node.circuits.datasets import ALL_MODELS
from oracle_node.circuits.manifest import (
    COMPILED_FILE,
    MANIFEST_FILE,
    ONNX_FILE,
    VK_FILE,
    load_manifest,
    sha256_file,
)
from oracle_node.exceptions import CorruptArtifactError

from .conftest import CIRCUITS, ROOT


@pytest.mark.parametrize("name", ALL_MODELS)
def test_committed_manifest_matches_every_file(name):
    manifest = load_manifest(CIRCUITS / name, verifier_root=ROOT)
    settings = json.loads((CIRCUITS / name / "settings.json").read_text())
    assert manifest.name == name
    assert manifest.logrows == settings["run_args"]["logrows"]
    assert 15 <= manifest.logrows <= 17  # larger circuits are never committed
    assert manifest.input_scale == settings["model_input_scales"][0]
    assert manifest.output_scale == settings["model_output_scales"][0]
    assert (manifest.input_visibility, manifest.output_visibility) == ("Public", "Public")
    assert manifest.param_visibility == "Fixed"
    assert manifest.srs_file == f"srs/dev-insecure-k{manifest.logrows}.srs"
    assert sha256_file(CIRCUITS / manifest.srs_file) == manifest.srs_sha256
    verifier = (ROOT / manifest.verifier_path).read_text()
    assert f"contract {manifest.verifier_contract} " in verifier
    assert "Halo2Verifier {" not in verifier
    assert "GENERATED FILE - DO NOT EDIT" in verifier


def test_reference_verifiers_have_distinct_contract_names():
    names = {load_manifest(CIRCUITS / n).verifier_contract for n in ALL_MODELS}
    assert names == {
        "BreastCancerVerifier",
        "DigitsVerifier",
        "CreditGbtVerifier",
        "DigitsCnnVerifier",
        "AnomalyAeVerifier",
    }


@pytest.mark.parametrize("file_name", [ONNX_FILE, COMPILED_FILE, VK_FILE, "settings.json"])
def test_changed_file_is_reported_as_corrupt(copy_model, file_name):
    model_dir = copy_model("breast_cancer")
    path = model_dir / file_name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptArtifactError, match=rf"{file_name}: sha256 is 0x[0-9a-f]{{64}}"):
        load_manifest(model_dir)


def test_missing_file_is_reported_as_corrupt(copy_model):
    model_dir = copy_model("digits")
    (model_dir / VK_FILE).unlink()
    with pytest.raises(CorruptArtifactError, match="vk.key: file is missing"):
        load_manifest(model_dir)


def test_missing_or_invalid_manifest_is_reported(copy_model, tmp_path):
    with pytest.raises(CorruptArtifactError, match="manifest.json is missing"):
        load_manifest(tmp_path)
    model_dir = copy_model("digits")
    data = json.loads((model_dir / MANIFEST_FILE).read_text())
    data["vk_sha256"] = "0x1234"
    (model_dir / MANIFEST_FILE).write_text(json.dumps(data))
    with pytest.raises(CorruptArtifactError, match="manifest.json is invalid"):
        load_manifest(model_dir)


def test_edited_verifier_is_reported_when_checked(copy_model, tmp_path):
    model_dir = copy_model("digits")
    manifest = load_manifest(model_dir)
    root = tmp_path / "root"
    verifier = root / manifest.verifier_path
    verifier.parent.mkdir(parents=True)
    verifier.write_text((ROOT / manifest.verifier_path).read_text() + "\n// edited\n")
    with pytest.raises(CorruptArtifactError, match="DigitsVerifier.sol: sha256"):
        load_manifest(model_dir, verifier_root=root)
