"""``build_circuit`` end to end on a tiny model, and its refusal of bad input."""

from __future__ import annotations

import json
import shutil

import pytest
from onnx import TensorProto, helper

from oracle_node.circuits.build import (
    BuildOptions,
    build_circuit,
    contract_name,
    rename_verifier,
    srs_logrows,
)
from oracle_node.circuits.manifest import load_manifest, sha256_file
from oracle_node.circuits.proving import Prover
from oracle_node.exceptions import (
    CalibrationDataError,
    CircuitError,
    ConfigError,
    SrsError,
    ToolchainError,
    UnsupportedModelError,
)

from .conftest import DEV_SRS_15, write_calibration, write_mlp


def options(scratch_project, onnx_path, calibration, **extra):
    return BuildOptions(
        onnx_path=onnx_path,
        calibration_path=calibration,
        name=extra.pop("name", "tiny"),
        circuits_dir=scratch_project / "circuits",
        verifiers_dir=scratch_project / "contracts" / "verifiers",
        cache_dir=scratch_project / "cache",
        **extra,
    )


def leftovers(scratch_project):
    """Anything a build left in the circuits folder besides the SRS folder."""
    return sorted(p.name for p in (scratch_project / "circuits").iterdir() if p.name != "srs")


@pytest.mark.slow
def test_build_writes_a_complete_hashed_folder_and_verifier(scratch_project, tiny_model):
    onnx_path, calibration = tiny_model
    lines: list[str] = []
    opts = options(scratch_project, onnx_path, calibration, num_inner_cols=1)
    manifest = build_circuit(opts, log=lines.append)

    model_dir = scratch_project / "circuits" / "tiny"
    assert sorted(p.name for p in model_dir.iterdir()) == [
        "calibration.json",
        "dev-insecure-k15.srs",  # the SRS travels with the folder
        "manifest.json",
        "model.compiled",
        "model.onnx",
        "settings.json",
        "vk.key",
    ]
    assert load_manifest(model_dir, verifier_root=scratch_project) == manifest
    assert manifest.onnx_sha256 == sha256_file(onnx_path)
    assert (manifest.input_shape, manifest.output_shape) == ([1, 4], [1, 3])
    assert (manifest.input_len, manifest.output_len) == (4, 3)
    assert manifest.batch_size == 1  # a fixed first dimension: one sample, and the hint
    assert any("batch: N=1" in line and "dynamic_axes" in line for line in lines)
    assert manifest.logrows == 15
    settings = json.loads((model_dir / "settings.json").read_text())
    assert settings["run_args"]["num_inner_cols"] == 1
    assert manifest.srs_file == "srs/dev-insecure-k15.srs"
    assert manifest.verifier_path == "contracts/verifiers/TinyVerifier.sol"
    source = (scratch_project / manifest.verifier_path).read_text()
    assert "contract TinyVerifier {" in source
    assert "Halo2Verifier {" not in source
    # progress lines carry the elapsed time, one per long step
    assert any("calibrating" in line and line.startswith("[") for line in lines)
    assert any("setup" in line for line in lines)
    # the proving key paid for during the build is kept in the cache, never in the folder
    assert (
        scratch_project / "cache" / "tiny" / f"{manifest.vk_sha256[2:18]}.pk"
    ).stat().st_size > 10**6
    assert leftovers(scratch_project) == ["tiny"]
    # The folder alone, moved where no circuits/srs is beside it, still proves.
    alone = scratch_project.parent / "elsewhere" / "tiny"
    shutil.copytree(model_dir, alone)
    prover = Prover(alone, cache_dir=scratch_project / "cache")
    assert prover.srs_path == alone / "dev-insecure-k15.srs"
    assert len(prover.witness_outputs([1000, -2000, 300, 40])) == 3


@pytest.mark.slow
def test_failed_rebuild_keeps_the_previous_folder(scratch_project, tiny_model, monkeypatch):
    from oracle_node.circuits import proving

    onnx_path, calibration = tiny_model
    first = build_circuit(options(scratch_project, onnx_path, calibration), log=lambda _: None)
    other = write_mlp(onnx_path.parent / "other.onnx", seed=5)

    def broken(*args, **kwargs):
        raise ToolchainError("solc exploded")

    monkeypatch.setattr(proving, "generate_evm_verifier", broken)
    with pytest.raises(ToolchainError, match="solc exploded"):
        build_circuit(options(scratch_project, other, calibration), log=lambda _: None)
    assert (
        load_manifest(scratch_project / "circuits" / "tiny", verifier_root=scratch_project) == first
    )
    assert leftovers(scratch_project) == ["tiny"]


def test_unsupported_op_is_named_with_its_node(scratch_project, tmp_path):
    graph = helper.make_graph(
        [
            helper.make_node("Relu", ["input"], ["r"], name="first_relu"),
            helper.make_node("Det", ["r"], ["output"], name="my_determinant"),
        ],
        "bad",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [2, 2])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    import onnx

    onnx.save(model, tmp_path / "bad.onnx")
    calibration = write_calibration(tmp_path / "cal.json", [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(UnsupportedModelError, match=r"op Det \(node 'my_determinant'\)"):
        build_circuit(
            options(scratch_project, tmp_path / "bad.onnx", calibration), log=lambda _: None
        )
    assert leftovers(scratch_project) == []


def test_calibration_shape_mismatch_names_the_shapes(scratch_project, tiny_model, tmp_path):
    onnx_path, _ = tiny_model
    calibration = write_calibration(tmp_path / "short.json", [0.1, 0.2, 0.3, 0.4, 0.5])
    with pytest.raises(CalibrationDataError, match=r"5 values.*shape \[1, 4\] \(4 values each\)"):
        build_circuit(options(scratch_project, onnx_path, calibration), log=lambda _: None)
    assert leftovers(scratch_project) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not JSON"),
        (json.dumps({"input": [[1, 2, 3, 4]]}), "must be"),
        (json.dumps({"input_data": [[1, 2, "x", 4]]}), "value 2 .* not a finite number"),
        (json.dumps({"input_data": [[]]}), "0 values"),
    ],
)
def test_malformed_calibration_file_is_rejected(
    scratch_project, tiny_model, tmp_path, content, message
):
    onnx_path, _ = tiny_model
    calibration = tmp_path / "bad.json"
    calibration.write_text(content)
    with pytest.raises(CalibrationDataError, match=message):
        build_circuit(options(scratch_project, onnx_path, calibration), log=lambda _: None)


def test_missing_files_and_bad_names_are_rejected(scratch_project, tiny_model, tmp_path):
    onnx_path, calibration = tiny_model
    with pytest.raises(UnsupportedModelError, match="does not exist"):
        build_circuit(options(scratch_project, tmp_path / "nope.onnx", calibration), log=print)
    with pytest.raises(UnsupportedModelError, match="not a valid ONNX model"):
        build_circuit(options(scratch_project, calibration, calibration), log=print)
    with pytest.raises(CalibrationDataError, match="does not exist"):
        build_circuit(options(scratch_project, onnx_path, tmp_path / "nope.json"), log=print)
    with pytest.raises(ConfigError, match="snake_case"):
        build_circuit(options(scratch_project, onnx_path, calibration, name="Bad-Name"), log=print)


def test_missing_operator_srs_is_rejected_before_setup(scratch_project, tiny_model, tmp_path):
    onnx_path, calibration = tiny_model
    opts = options(scratch_project, onnx_path, calibration, srs_path=tmp_path / "missing.srs")
    with pytest.raises(SrsError, match="missing.srs does not exist"):
        build_circuit(opts, log=lambda _: None)
    assert leftovers(scratch_project) == []


def test_rename_verifier_renames_the_one_contract_and_adds_a_header():
    source = (
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Halo2Verifier {\n}\n"
    )
    renamed = rename_verifier(source, "XVerifier", "x", "0x" + "ab" * 32)
    assert renamed.startswith("// SPDX-License-Identifier: MIT\n// GENERATED FILE - DO NOT EDIT")
    assert "contract XVerifier {" in renamed
    assert "Halo2Verifier {" not in renamed
    with pytest.raises(CircuitError, match="exactly one Halo2Verifier"):
        rename_verifier(source + "contract Halo2Verifier {}\n", "XVerifier", "x", "0x00")


def test_srs_logrows_reads_the_committed_dev_srs(tmp_path):
    assert srs_logrows(DEV_SRS_15) == 15
    odd = tmp_path / "odd.srs"
    odd.write_bytes(b"x" * 1000)
    assert srs_logrows(odd) is None


def test_contract_name_is_camel_case():
    assert contract_name("breast_cancer") == "BreastCancerVerifier"
    assert contract_name("digits") == "DigitsVerifier"
