"""``oracle-node circuits``: the commands and their one-line errors."""

from __future__ import annotations

import json

import pytest

from oracle_node.cli import main

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
    err = capsys.readouterr().err
    assert err.startswith("error: corrupted circuit artifact")
    assert "settings.json: sha256 is" in err


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
