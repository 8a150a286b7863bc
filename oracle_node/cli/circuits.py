"""``oracle-node circuits``: build circuit artifacts, check them, prove with them."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from oracle_node.circuits.build import BuildOptions, build_circuit, parse_batch
from oracle_node.circuits.manifest import MANIFEST_FILE, load_manifest
from oracle_node.circuits.resources import estimate_cost, heartbeat
from oracle_node.exceptions import ArtifactCheckError, OracleError


def _echo(message: str) -> None:
    click.echo(message, err=True)


@click.group()
def circuits() -> None:
    """Build, check and prove EZKL circuits of ONNX models."""


@circuits.command()
@click.argument("onnx_path", type=click.Path(path_type=Path))
@click.argument("calibration_path", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="model name, snake_case (folder circuits/<name>/)")
@click.option(
    "--circuits-dir", type=click.Path(path_type=Path), default=Path("circuits"), show_default=True
)
@click.option(
    "--verifiers-dir",
    type=click.Path(path_type=Path),
    default=Path("contracts/verifiers"),
    show_default=True,
)
@click.option(
    "--srs",
    "srs_path",
    type=click.Path(path_type=Path),
    default=None,
    help="SRS file of exactly the circuit's logrows (default: the committed INSECURE dev SRS)",
)
@click.option(
    "--target", type=click.Choice(["resources", "accuracy"]), default="resources", show_default=True
)
@click.option("--scale", "scales", type=int, multiple=True, help="fixed-point scales to try")
@click.option(
    "--max-logrows",
    type=click.IntRange(15, 20),
    default=17,
    show_default=True,
    help="largest circuit calibration may pick; above 17 keep the circuit out of git",
)
@click.option(
    "--memory-limit-gib",
    type=float,
    default=None,
    help="refuse circuits estimated to need more (default: 90% of available memory)",
)
@click.option(
    "--inner-cols",
    type=click.IntRange(1, 8),
    default=None,
    help="EZKL num_inner_cols (default: EZKL's, 2); 1 proves faster at these sizes",
)
@click.option(
    "--batch",
    default="auto",
    show_default=True,
    help="samples per proof: a number, or auto = the largest that fits the rows the lookup "
    "tables already need (models with a symbolic first dimension only)",
)
@click.option(
    "--inputs",
    type=click.Choice(["public", "hashed"]),
    default="public",
    show_default=True,
    help="public: the proof carries every input value; hashed: one salted Poseidon hash per "
    "sample instead (a committed circuit, for committed and private requests)",
)
def build(
    onnx_path: Path,
    calibration_path: Path,
    name: str,
    circuits_dir: Path,
    verifiers_dir: Path,
    srs_path: Path | None,
    target: str,
    scales: tuple[int, ...],
    max_logrows: int,
    memory_limit_gib: float | None,
    inner_cols: int | None,
    batch: str,
    inputs: str,
) -> None:
    """Build circuits/<name>/ and contracts/verifiers/<Name>Verifier.sol from ONNX_PATH.

    CALIBRATION_PATH is EZKL input JSON, {"input_data": [[...]]}, holding one or more samples.
    """
    options = BuildOptions(
        onnx_path=onnx_path,
        calibration_path=calibration_path,
        name=name,
        circuits_dir=circuits_dir,
        verifiers_dir=verifiers_dir,
        srs_path=srs_path,
        target=target,
        scales=list(scales),
        max_logrows=max_logrows,
        num_inner_cols=inner_cols,
        batch=parse_batch(batch),
        inputs=inputs,
        memory_limit_bytes=int(memory_limit_gib * 2**30) if memory_limit_gib else None,
    )
    manifest = build_circuit(options, log=_echo)
    click.echo(json.dumps(manifest.model_dump(mode="json"), indent=2))


@circuits.command("verify-artifacts")
@click.argument("model_dirs", nargs=-1, required=True, type=click.Path(path_type=Path))
def verify_artifacts(model_dirs: tuple[Path, ...]) -> None:
    """Check every file of MODEL_DIRS (and its verifier source) against its manifest.

    Every folder is checked and reported on its own line; files, and folders without a
    manifest (such as circuits/srs), are skipped with a note. Exits 1 if any folder failed or
    none was checked, so `verify-artifacts circuits/*` checks every circuit in one go.
    """
    failed: list[Path] = []
    checked = 0
    for model_dir in model_dirs:
        status, ok = _verify_one(model_dir)
        click.echo(f"{model_dir}: {status}")
        if not status.startswith(SKIPPED):
            checked += 1
        if not ok:
            failed.append(model_dir)
    if failed or not checked:
        raise ArtifactCheckError(failed, len(model_dirs))


SKIPPED = "skipped: "


def _verify_one(model_dir: Path) -> tuple[str, bool]:
    """``(what to print, whether it passed)`` for one path given to ``verify-artifacts``."""
    if not model_dir.exists():
        return "FAILED: no such folder", False
    if not model_dir.is_dir():
        return SKIPPED + "not a folder", True
    if not (model_dir / MANIFEST_FILE).is_file():
        return SKIPPED + f"not a circuit folder (no {MANIFEST_FILE})", True
    # The manifest's verifier path is relative to the project: the circuits folder's parent.
    project_root = model_dir.resolve().parent.parent
    try:
        manifest = load_manifest(model_dir, verifier_root=project_root)
    except OracleError as exc:
        return f"FAILED: {exc}", False
    return f"ok ({manifest.verifier_contract}, vk {manifest.vk_sha256})", True


@circuits.command()
@click.argument("model_dir", type=click.Path(path_type=Path))
@click.argument("inputs_json", type=click.Path(path_type=Path))
@click.option("--srs", "srs_path", type=click.Path(path_type=Path), default=None)
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="write proof.json here")
def prove(
    model_dir: Path,
    inputs_json: Path,
    srs_path: Path | None,
    cache_dir: Path | None,
    out: Path | None,
) -> None:
    """Prove MODEL_DIR on INPUTS_JSON: a JSON list of ints at the model's input scale, or, for a
    batched circuit, a list of 1 to N such lists (one proof; free slots get the filler sample)."""
    from oracle_node.circuits.proving import Prover

    inputs = json.loads(inputs_json.read_text())
    prover = Prover(model_dir, cache_dir=cache_dir, srs_path=srs_path, log=_echo)
    _echo(estimate_cost(prover.manifest.logrows).describe())
    with heartbeat(_echo, "proving key"):
        prover.ensure_proving_key()
    started = time.monotonic()
    batched = prover.batch_size > 1
    _echo(
        f"proving {prover.manifest.name}"
        + (f" (batch of {prover.batch_size})" if batched else "")
        + "..."
    )
    outputs: list[Any]
    with heartbeat(_echo, "prove"):
        if batched:
            samples = inputs if inputs and isinstance(inputs[0], list) else [inputs]
            batch = prover.prove_batch(samples)
            result, outputs = batch.result, batch.outputs
        else:
            result = prover.prove(inputs)
            outputs = result.outputs
    _echo(f"proved in {time.monotonic() - started:.2f}s, verifies: {prover.verify(result)}")
    if out:
        out.write_text(result.proof_json)
    click.echo(
        json.dumps(
            {"outputs": outputs, "instances": [str(i) for i in result.instances]},
            indent=2,
        )
    )
