"""``oracle-node circuits``: the commands and their one-line errors."""

from __future__ import annotations

import json

import pytest

from oracle_node.circuits.proving import SVM_SOLC, Prover, evm_toolchain_dir
from oracle_node.cli import main
from oracle_node.exceptions import ToolchainError

from .conftest import CIRCUITS, sample, write_calibration


def test_verify_artifacts_accepts_the_committed_circuits(capsys):
    assert (
        main(
            [
                "circuits",
                "verify-artifacts",
                str(CIRCUITS / "breast_cancer"),
                str(CIRCUITS / "digits"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "breast_cancer: ok (BreastCancerVerifier" in out
    assert "digits: ok (DigitsVerifier" in out


def test_verify_artifacts_names_the_corrupted_file(copy_model, capsys):
    model_dir = copy_model("digits")
    (model_dir / "settings.json").write_text("{}")
    assert main(["circuits", "verify-artifacts", str(model_dir)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{model_dir}: FAILED: corrupted circuit artifact")
    assert "settings.json: sha256 is" in captured.out
    assert captured.err == f"error: 1 of 1 folders failed the check: {model_dir}\n"


def test_verify_artifacts_checks_every_folder_and_skips_the_srs_folder(copy_model, capsys):
    corrupted = copy_model("digits")
    (corrupted / "vk.key").write_bytes(b"not the key")
    given = [CIRCUITS / "breast_cancer", corrupted, CIRCUITS / "srs", CIRCUITS / "digits"]
    assert main(["circuits", "verify-artifacts", *map(str, given)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"{given[0]}: ok (BreastCancerVerifier")
    assert lines[1].startswith(f"{corrupted}: FAILED: corrupted circuit artifact")
    assert "vk.key" in lines[1]
    assert lines[2] == f"{given[2]}: skipped: not a circuit folder (no manifest.json)"
    assert lines[3].startswith(f"{given[3]}: ok (DigitsVerifier")  # checked after a failure
    assert captured.err.strip() == f"error: 1 of 4 folders failed the check: {corrupted}"


def test_verify_artifacts_of_a_missing_folder_is_one_line_per_path(tmp_path, capsys):
    missing = tmp_path / "no_such_model"
    code = main(["circuits", "verify-artifacts", str(missing), str(CIRCUITS / "digits")])
    assert code == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == f"{missing}: FAILED: no such folder"
    assert "Traceback" not in captured.err and captured.err.count("\n") == 1


def test_verify_artifacts_with_no_circuit_folder_fails(tmp_path, capsys):
    stray = tmp_path / "README.md"
    stray.write_text("not a circuit")
    assert main(["circuits", "verify-artifacts", str(CIRCUITS / "srs"), str(stray)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[1] == f"{stray}: skipped: not a folder"
    assert "none of the 2 paths given is a circuit folder" in captured.err


def test_build_without_the_toolchain_fails_before_any_ezkl_step(
    tiny_model, tmp_path, monkeypatch, capsys
):
    onnx_path, calibration = tiny_model
    args = ["circuits", "build", str(onnx_path), str(calibration), "--name", "tiny"]
    args += ["--circuits-dir", str(tmp_path / "circuits")]
    monkeypatch.delenv("ORACLE_TOOLCHAIN_DIR", raising=False)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ORACLE_TOOLCHAIN_DIR is not set")
    assert "make setup" in err

    monkeypatch.setenv("ORACLE_TOOLCHAIN_DIR", str(tmp_path / "empty-toolchain"))
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "svm/0.8.20/solc-0.8.20 is missing" in err
    assert not (tmp_path / "circuits" / "tiny").exists()


def test_the_toolchain_check_wants_an_executable_solc(tmp_path):
    solc = tmp_path / SVM_SOLC
    solc.parent.mkdir(parents=True)
    solc.write_text("#!/bin/sh\n")
    with pytest.raises(ToolchainError, match="is not executable"):
        evm_toolchain_dir(tmp_path)
    solc.chmod(0o755)
    assert evm_toolchain_dir(tmp_path) == tmp_path


def test_build_with_mismatched_calibration_fails_with_one_line(tiny_model, tmp_path, capsys):
    onnx_path, _ = tiny_model
    calibration = write_calibration(tmp_path / "bad.json", [1.0, 2.0, 3.0])
    code = main(
        [
            "circuits",
            "build",
            str(onnx_path),
            str(calibration),
            "--name",
            "tiny",
            "--circuits-dir",
            str(tmp_path / "circuits"),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "error: calibration file" in err
    assert "(4 values each)" in err
    assert "Traceback" not in err
    assert not (tmp_path / "circuits" / "tiny").exists()


@pytest.mark.slow
def test_prove_command_prints_outputs_and_instances(provers, pk_cache, tmp_path, capsys):
    prover = provers["digits"]
    inputs = sample("digits", 3, prover.manifest.input_scale)
    inputs_path = tmp_path / "inputs.json"
    inputs_path.write_text(json.dumps(inputs))
    proof_path = tmp_path / "proof.json"
    args = ["circuits", "prove", str(CIRCUITS / "digits"), str(inputs_path)]
    args += ["--cache-dir", str(pk_cache), "--out", str(proof_path)]
    assert main(args) == 0
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    assert printed["outputs"] == prover.witness_outputs(inputs)
    assert len(printed["instances"]) == 64 + 10
    assert "verifies: True" in captured.err
    assert "hex_proof" in json.loads(proof_path.read_text())


@pytest.mark.slow
def test_prove_command_proves_a_batch_of_samples(pk_cache, tmp_path, capsys):
    batched = Prover(CIRCUITS / "breast_cancer_b23", cache_dir=pk_cache)
    scale = batched.manifest.input_scale
    samples = [sample("breast_cancer", i, scale) for i in (4, 5)]
    inputs_path = tmp_path / "inputs.json"
    inputs_path.write_text(json.dumps(samples))
    args = ["circuits", "prove", str(CIRCUITS / "breast_cancer_b23"), str(inputs_path)]
    assert main([*args, "--cache-dir", str(pk_cache)]) == 0
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    assert printed["outputs"] == [batched.witness_outputs(s) for s in samples]
    assert len(printed["instances"]) == 23 * (30 + 1)
    assert "batch of 23" in captured.err and "verifies: True" in captured.err
