"""EZKL behind one door: the only module of the package that imports ``ezkl``.

Two halves:

* thin wrappers for the circuit build pipeline (settings, calibration, compilation, SRS,
  keys, the Solidity verifier), each turning EZKL's ``RuntimeError`` into a domain error;
* :class:`Prover`, which serves one built circuit folder: it builds the proving key into a
  local cache (checking the verifying key it yields against the manifest), computes witnesses,
  proves and verifies. Construct it inside the process that uses it (worker processes
  included): it holds only paths, never EZKL objects.

Values cross this boundary as signed integers at the model's fixed-point scale. EZKL reads
floats, so an integer ``x`` at scale ``s`` is handed over as ``x / 2**s``, which EZKL quantizes
back to exactly ``x`` (checked on every witness).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oracle_node.circuits import committed
from oracle_node.circuits.manifest import (
    COMPILED_FILE,
    SETTINGS_FILE,
    VK_FILE,
    Manifest,
    default_srs_path,
    load_manifest,
    sha256_file,
)
from oracle_node.encoding import felt_to_int, felts_from_hex_le, int_to_float
from oracle_node.exceptions import (
    CalibrationDataError,
    CorruptArtifactError,
    ProvingError,
    SrsError,
    ToolchainError,
    UnsupportedModelError,
)

# EZKL caches lookup tables under $EZKL_REPO_PATH (default ~/.ezkl): keep them out of the home
# folder unless the operator chose a place.
os.environ.setdefault(
    "EZKL_REPO_PATH", str(Path(tempfile.gettempdir()) / f"oracle-node-ezkl-{os.getuid()}")
)

import ezkl as _ezkl  # must follow the environment set-up above

# ezkl's bundled .pyi stubs disagree with the extension's real signatures
# (``fn.__text_signature__``); the calls below follow the real ones.
ezkl: Any = _ezkl

EZKL_VERSION: str = str(getattr(ezkl, "__version__", "unknown"))
SOLC_VERSION_FOR_EZKL = "0.8.20"
_MAX_EXACT = 2**52  # |x| below this survives the float round trip exactly

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    """Default progress sink: say nothing."""


# --------------------------------------------------------------------------------------------
# Build pipeline wrappers
# --------------------------------------------------------------------------------------------

_UNIMPLEMENTED = re.compile(r'node #\d+ "(?P<node>[^"]*)" Unimplemented\((?P<op>[^)]*)\)')


def generate_settings(
    onnx_path: Path,
    settings_path: Path,
    num_inner_cols: int | None = None,
    scale: int | None = None,
    batch: tuple[str, int] | None = None,
) -> None:
    """``gen_settings`` with public inputs, public outputs and fixed parameters.

    ``batch`` names the model's symbolic first dimension and the number of samples to lay out
    for it (EZKL's ``variables``; without it EZKL assumes ``batch_size`` = 1).

    ``num_inner_cols`` (EZKL's default is 2) trades columns for rows: 1 column measured about
    35 % less proving CPU time and a 90 MiB instead of 132 MiB proving key at 2^15 rows.
    """
    run_args = ezkl.PyRunArgs()
    run_args.input_visibility = "public"
    run_args.output_visibility = "public"
    run_args.param_visibility = "fixed"
    if num_inner_cols is not None:
        run_args.num_inner_cols = num_inner_cols
    if scale is not None:  # without calibration: rows at this scale, for sizing studies
        run_args.input_scale = scale
        run_args.param_scale = scale
    if batch is not None:
        run_args.variables = [batch]
    _gen_settings(onnx_path, settings_path, run_args)


# Calibrated run arguments carried over when the same model is laid out for another batch size.
_CARRIED_RUN_ARGS = (
    "input_scale",
    "param_scale",
    "scale_rebase_multiplier",
    "num_inner_cols",
    "rebase_frac_zero_constants",
    "decomp_base",
    "decomp_legs",
    "bounded_log_lookup",
    "ignore_range_check_inputs_outputs",
    "epsilon",
    "disable_freivalds",
)


def batch_settings(
    onnx_path: Path,
    settings_path: Path,
    calibrated: dict[str, Any],
    batch: tuple[str, int],
    logrows: int,
) -> dict[str, Any]:
    """Settings for ``batch`` = (dimension name, N) samples at ``calibrated``'s scales.

    ``gen_settings`` only lays the circuit out (milliseconds for small models), so the batch
    search can afford one call per candidate N; ``num_rows`` of the result says whether it
    fits ``2**logrows``. Returns the settings written to ``settings_path``.
    """
    return relayout(onnx_path, settings_path, calibrated, logrows, variables=[batch])


def relayout(
    onnx_path: Path,
    settings_path: Path,
    calibrated: dict[str, Any],
    logrows: int,
    *,
    variables: list[tuple[str, int]] | None = None,
    decomp_legs: int | None = None,
    hashed_inputs: bool = False,
) -> dict[str, Any]:
    """Lay ``calibrated``'s circuit out again at ``logrows``, with other symbolic dimensions
    (``variables``), more decomposition legs (a wider range for every checked value, at
    about one more row per checked value) or hashed inputs (``onnx_path`` then takes one
    salted tensor per sample, :mod:`oracle_node.circuits.committed`). Returns the settings
    written to ``settings_path``."""
    run_args = _run_args(calibrated, logrows)
    if hashed_inputs:
        run_args.input_visibility = "hashed/public"
    if variables is not None:
        run_args.variables = variables
    if decomp_legs is not None:
        run_args.decomp_legs = decomp_legs
    _gen_settings(onnx_path, settings_path, run_args)
    settings: dict[str, Any] = json.loads(settings_path.read_text())
    return settings


def _run_args(settings: dict[str, Any] | Any, logrows: int | None = None) -> Any:
    """``PyRunArgs`` carrying a calibrated circuit's choices (scales, decomposition, ...)."""
    source = settings["run_args"]
    run_args = ezkl.PyRunArgs()
    run_args.input_visibility = "public"
    run_args.output_visibility = "public"
    run_args.param_visibility = "fixed"
    for key in _CARRIED_RUN_ARGS:
        if source.get(key) is not None:
            setattr(run_args, key, source[key])
    run_args.lookup_range = tuple(source["lookup_range"])
    run_args.check_mode = str(source["check_mode"]).lower()
    run_args.logrows = int(source["logrows"] if logrows is None else logrows)
    run_args.variables = [tuple(v) for v in source.get("variables") or []]
    return run_args


_TABLE_ROW = re.compile(r"^│\s*(?P<idx>\d+)\s*│\s*(?P<op>[^│]*?)\s*│\s*(?P<scale>-?\d+)\s*│")


def value_scales(onnx_path: Path, settings: dict[str, Any] | Any) -> list[int]:
    """The fixed-point scale EZKL gives each value the circuit computes (its node table, under
    the circuit's run arguments), constants left out. A value is range-checked at its scale."""
    try:
        table = str(ezkl.table(str(onnx_path), _run_args(settings)))
    except RuntimeError as exc:
        raise _model_error(onnx_path, exc) from exc
    scales = [
        int(m["scale"])
        for m in map(_TABLE_ROW.match, table.splitlines())
        if m is not None and not m["op"].startswith("CONST")
    ]
    if not scales:
        raise ToolchainError(f"EZKL {EZKL_VERSION}'s node table of {onnx_path} has no scales")
    return scales


def _gen_settings(onnx_path: Path, settings_path: Path, run_args: Any) -> None:
    try:
        ok = ezkl.gen_settings(str(onnx_path), str(settings_path), py_run_args=run_args)
    except RuntimeError as exc:
        raise _model_error(onnx_path, exc) from exc
    if not ok:
        raise UnsupportedModelError(f"EZKL could not generate settings for {onnx_path}")


def _model_error(onnx_path: Path, exc: Exception) -> UnsupportedModelError:
    text = str(exc)
    match = _UNIMPLEMENTED.search(text)
    if match:
        return UnsupportedModelError(
            f"{onnx_path}: ONNX op {match['op']} (node {match['node']!r}) is not supported "
            f"by EZKL {EZKL_VERSION}; replace it with supported ops and export again"
        )
    return UnsupportedModelError(f"EZKL {EZKL_VERSION} cannot read {onnx_path}: {text}")


def calibrate_settings(
    calibration_path: Path,
    onnx_path: Path,
    settings_path: Path,
    target: str,
    scales: Sequence[int] | None,
    max_logrows: int,
) -> None:
    """``calibrate_settings``: pick scales and logrows from sample inputs."""
    try:
        ok = ezkl.calibrate_settings(
            str(calibration_path),
            str(onnx_path),
            str(settings_path),
            target,
            scales=list(scales) if scales else None,
            max_logrows=max_logrows,
        )
    except RuntimeError as exc:
        raise CalibrationDataError(f"EZKL calibration failed on {calibration_path}: {exc}") from exc
    if not ok:
        raise CalibrationDataError(f"EZKL calibration found no settings for {calibration_path}")


def compile_circuit(onnx_path: Path, compiled_path: Path, settings_path: Path) -> None:
    try:
        ok = ezkl.compile_circuit(str(onnx_path), str(compiled_path), str(settings_path))
    except RuntimeError as exc:
        raise _model_error(onnx_path, exc) from exc
    if not ok:
        raise ProvingError(f"EZKL could not compile {onnx_path}")


def generate_srs(srs_path: Path, logrows: int) -> None:
    """A fresh random SRS: INSECURE, for local chains and tests only (toxic waste is known)."""
    try:
        ezkl.gen_srs(str(srs_path), logrows)
    except RuntimeError as exc:
        raise SrsError(f"could not generate an SRS at {srs_path}: {exc}") from exc


def setup_keys(compiled_path: Path, vk_path: Path, pk_path: Path, srs_path: Path) -> None:
    """Verifying and proving keys from the compiled circuit and the SRS (deterministic)."""
    try:
        ok = ezkl.setup(str(compiled_path), str(vk_path), str(pk_path), str(srs_path))
    except RuntimeError as exc:
        raise ProvingError(f"EZKL setup failed for {compiled_path}: {exc}") from exc
    if not ok:
        raise ProvingError(f"EZKL setup failed for {compiled_path}")


TOOLCHAIN_ENV = "ORACLE_TOOLCHAIN_DIR"
# Where svm-rs (inside ezkl) looks for solc when XDG_DATA_HOME is the toolchain folder.
SVM_SOLC = Path("svm") / SOLC_VERSION_FOR_EZKL / f"solc-{SOLC_VERSION_FOR_EZKL}"


def evm_toolchain_dir(toolchain_dir: Path | None = None) -> Path:
    """The folder whose ``svm/<ver>/solc-<ver>`` EZKL's verifier generation compiles with.

    Checked before a build's expensive steps: ``toolchain_dir``, else ``$ORACLE_TOOLCHAIN_DIR``
    (set by this repository's venv after ``make setup``), must hold an executable solc there.
    """
    if toolchain_dir is None:
        env = os.environ.get(TOOLCHAIN_ENV)
        if not env:
            raise ToolchainError(
                f"{TOOLCHAIN_ENV} is not set: EZKL's verifier needs solc {SOLC_VERSION_FOR_EZKL} "
                f"at ${TOOLCHAIN_ENV}/{SVM_SOLC}; in this repository run "
                "`make setup` and use its .venv (or export ORACLE_TOOLCHAIN_DIR=<repo>/.toolchain)"
            )
        toolchain_dir = Path(env)
    solc = toolchain_dir / SVM_SOLC
    if not solc.is_file() or not os.access(solc, os.X_OK):
        state = "is not executable" if solc.is_file() else "is missing"
        raise ToolchainError(
            f"{solc} {state}: EZKL's verifier needs solc {SOLC_VERSION_FOR_EZKL} there; run "
            f"`make setup` (it links the solc-js wrapper) or point {TOOLCHAIN_ENV} elsewhere"
        )
    return toolchain_dir


def generate_evm_verifier(
    vk_path: Path, settings_path: Path, sol_path: Path, srs_path: Path, toolchain_dir: Path
) -> None:
    """EZKL's Solidity verifier, generated in a child process.

    ``create_evm_verifier`` compiles with solc through svm-rs, found under
    ``<toolchain_dir>/svm``; it sometimes aborts the interpreter at exit after succeeding, so
    the child's exit code is not trusted: the source file it writes is.
    """
    evm_toolchain_dir(toolchain_dir)
    env = {**os.environ, "XDG_DATA_HOME": str(toolchain_dir)}
    abi_path = sol_path.with_suffix(".abi.json")
    command = [sys.executable, "-m", "oracle_node.circuits.proving", "evm-verifier"]
    args = [str(p) for p in (vk_path, settings_path, sol_path, abi_path, srs_path)]
    done = subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if not sol_path.is_file() or "contract Halo2Verifier" not in sol_path.read_text():
        raise ToolchainError(
            f"EZKL did not write a verifier (exit {done.returncode}): {done.stderr.strip()[-800:]}"
        )


# The project's compiler settings for contracts it deploys (ape-config.yaml; a test checks
# that a verifier's size measured here is its exported artifact's).
PROJECT_SOLC_VERSION = "0.8.28"
PROJECT_EVM_VERSION = "cancun"
PROJECT_OPTIMIZER_RUNS = 200


def verifier_code_size(source: Path, contract: str, toolchain_dir: Path) -> int:
    """Bytes of runtime code ``contract`` in ``source`` compiles to (the EIP-170 measure).

    Compiled like the project's contracts: ``<toolchain>/solcx/solc-v0.8.28`` (``make setup``),
    optimizer on with 200 runs, EVM cancun; without that compiler, EZKL's own solc 0.8.20.
    """
    solc = toolchain_dir / "solcx" / f"solc-v{PROJECT_SOLC_VERSION}"
    if not (solc.is_file() and os.access(solc, os.X_OK)):
        solc = evm_toolchain_dir(toolchain_dir) / SVM_SOLC
    request = {
        "language": "Solidity",
        "sources": {source.name: {"content": source.read_text()}},
        "settings": {
            "optimizer": {"enabled": True, "runs": PROJECT_OPTIMIZER_RUNS},
            "evmVersion": PROJECT_EVM_VERSION,
            "outputSelection": {source.name: {contract: ["evm.deployedBytecode.object"]}},
        },
    }
    done = subprocess.run(
        [str(solc), "--standard-json"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        output = json.loads(done.stdout)
        code = output["contracts"][source.name][contract]["evm"]["deployedBytecode"]["object"]
    except (json.JSONDecodeError, KeyError, TypeError):
        errors = done.stdout.strip()[-800:] or done.stderr.strip()[-800:]
        raise ToolchainError(f"{solc} could not compile {source}: {errors}") from None
    return len(str(code).removeprefix("0x")) // 2


def _evm_verifier_main(argv: list[str]) -> int:
    import asyncio

    vk, settings, sol, abi, srs = argv

    async def run() -> Any:
        return await ezkl.create_evm_verifier(vk, settings, sol, abi, srs)

    return 0 if asyncio.run(run()) else 1


# --------------------------------------------------------------------------------------------
# Prover
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProofResult:
    """A proof and what it binds, in the verifier's order (inputs, then outputs)."""

    proof: bytes
    instances: list[int]
    inputs: list[int]
    outputs: list[int]
    proof_json: str = field(repr=False)
    witness_s: float = 0.0
    prove_s: float = 0.0


def default_cache_dir(circuits_dir: Path) -> Path:
    """Where proving keys are cached: ``$ORACLE_CIRCUITS_CACHE``, else ``<circuits>/.cache``."""
    env = os.environ.get("ORACLE_CIRCUITS_CACHE")
    return Path(env) if env else circuits_dir / ".cache"


def proving_key_path(cache_dir: Path, model_name: str, vk_sha256: str) -> Path:
    """A cached proving key, named by model and verifying-key hash (a rebuild gets a new name)."""
    return cache_dir / model_name / f"{vk_sha256.removeprefix('0x')[:16]}.pk"


class Prover:
    """Witness, prove and verify for one built circuit folder (``circuits/<name>/``).

    ``cache_dir`` holds proving keys (default ``$ORACLE_CIRCUITS_CACHE`` or
    ``circuits/.cache``); ``srs_path`` defaults to the dev SRS the manifest names, and any SRS
    must hash to the manifest's ``srs_sha256``.
    """

    def __init__(
        self,
        model_dir: Path | str,
        cache_dir: Path | str | None = None,
        srs_path: Path | str | None = None,
        log: Log = _quiet,
    ) -> None:
        self.model_dir = Path(model_dir).resolve()
        self.manifest: Manifest = load_manifest(self.model_dir)
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir(self.model_dir.parent)
        self.srs_path = (
            Path(srs_path) if srs_path else default_srs_path(self.model_dir, self.manifest)
        )
        self._log = log
        check_srs(self.srs_path, self.manifest.srs_sha256)
        self.compiled_path = self.model_dir / COMPILED_FILE
        self.settings_path = self.model_dir / SETTINGS_FILE
        self.vk_path = self.model_dir / VK_FILE

    @property
    def pk_path(self) -> Path:
        """Cached proving key, named by model and verifying-key hash."""
        return proving_key_path(self.cache_dir, self.manifest.name, self.manifest.vk_sha256)

    def ensure_proving_key(self) -> Path:
        """Build the proving key into the cache unless present; its vk must match the manifest."""
        if self.pk_path.is_file():
            return self.pk_path
        self.pk_path.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self._log(
            f"building the proving key of {self.manifest.name} (2^{self.manifest.logrows} rows)"
        )
        with tempfile.TemporaryDirectory(dir=self.pk_path.parent) as tmp:
            vk = Path(tmp) / VK_FILE
            pk = Path(tmp) / "pk.key"
            setup_keys(self.compiled_path, vk, pk, self.srs_path)
            vk_sha = sha256_file(vk)
            if vk_sha != self.manifest.vk_sha256:
                raise CorruptArtifactError(
                    self.vk_path,
                    f"the rebuilt verifying key hashes to {vk_sha}, the manifest records "
                    f"{self.manifest.vk_sha256}: circuit, SRS or EZKL version differ from the build",
                )
            os.replace(pk, self.pk_path)
        self._log(f"proving key ready in {time.monotonic() - started:.1f}s: {self.pk_path}")
        return self.pk_path

    @property
    def batch_size(self) -> int:
        """Samples one proof covers (the manifest's N)."""
        return self.manifest.batch_size

    def witness_outputs(self, inputs: Sequence[int]) -> list[int]:
        """The circuit's quantized outputs for one sample ``inputs`` (no proof; milliseconds).

        A batched circuit runs the sample in the first slot, the others holding
        :func:`filler_sample`.
        """
        values = self._check_inputs(inputs)
        tensors = self._tensors([values], None)
        outputs = circuit_outputs(self.compiled_path, self.manifest.input_scale, tensors)
        return outputs[: self.manifest.output_len]

    def check_constraints(self, samples: Sequence[Sequence[int]], *, mock: bool = True) -> None:
        """Compute the witness of up to N samples (free slots filled) and check every
        constraint of the circuit on it (EZKL's mock prover: what a proof would have to
        satisfy, without the key or the proof; ``mock=False`` stops after the witness, which
        is where a value outside the decomposition range fails). Raises
        :class:`ProvingError` when the circuit cannot prove these inputs."""
        checked = [self._check_inputs(sample, f"sample {i}: ") for i, sample in enumerate(samples)]
        tensors = self._tensors(checked, None)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            compute_witness(self.compiled_path, self.manifest.input_scale, tensors, folder)
            if not mock:
                return
            try:
                ok = ezkl.mock(str(folder / "witness.json"), str(self.compiled_path))
            except RuntimeError as exc:
                raise ProvingError(f"{self.manifest.name}: a constraint fails: {exc}") from exc
            if not ok:
                raise ProvingError(f"{self.manifest.name}: the mock prover refused the witness")

    def prove(self, inputs: Sequence[int], salt: Sequence[int] | None = None) -> ProofResult:
        """Prove the model on one sample ``inputs`` (ints at the input scale); N = 1 only.
        A committed circuit needs the sample's ``salt`` (:mod:`oracle_node.circuits.committed`).

        A batched circuit (``batch_size`` > 1) proves through :meth:`prove_batch`, whose
        result says which outputs belong to which sample.
        """
        values = self._check_inputs(inputs)
        if self.batch_size != 1:
            raise CalibrationDataError(
                f"{self.manifest.name} proves batches of {self.batch_size} samples: "
                "use prove_batch([sample, ...])"
            )
        return self._prove([values], None if salt is None else [salt])

    def prove_batch(
        self, samples: Sequence[Sequence[int]], salts: Sequence[Sequence[int]] | None = None
    ) -> BatchProof:
        """One proof of ``k`` <= N samples; the N - k free slots hold :func:`filler_sample`.
        A committed circuit needs one salt per sample."""
        count = len(samples)
        if not 1 <= count <= self.batch_size:
            raise CalibrationDataError(
                f"{self.manifest.name} proves 1 to {self.batch_size} samples at once, got {count}"
            )
        checked = [self._check_inputs(sample, f"sample {i}: ") for i, sample in enumerate(samples)]
        result = self._prove(checked, salts)
        if len(result.instances) != self.manifest.instances_len:
            raise ProvingError(
                f"the proof of {self.manifest.name} has {len(result.instances)} public values, "
                f"the manifest says {self.manifest.instances_len}"
            )
        return BatchProof(
            result=result,
            count=count,
            batch_size=self.batch_size,
            input_len=self.manifest.input_len,
            output_len=self.manifest.output_len,
        )

    def _tensors(
        self, samples: list[list[int]], salts: Sequence[Sequence[int]] | None
    ) -> list[list[int]]:
        """The circuit's input tensors for ``samples`` (checked), free slots filled: one flat
        tensor, or for a committed circuit one per slot, each sample followed by its salt
        (``None``: zero salts, which change no output; a proof needs the requests' own)."""
        n, size = self.batch_size, self.manifest.input_len
        if not self.manifest.committed:
            if salts is not None:
                raise CalibrationDataError(
                    f"{self.manifest.name} takes no salt: its inputs are public"
                )
            return [pad_batch(samples, n, size)]
        if salts is None:
            salts = [[0] * committed.SALT_LEN] * len(samples)
        tensors = committed.slot_tensors(samples, salts)
        filler = [*filler_sample(size), *[0] * committed.SALT_LEN]
        return [*tensors, *([filler] * (n - len(tensors)))]

    def _prove(
        self, samples: list[list[int]], salts: Sequence[Sequence[int]] | None
    ) -> ProofResult:
        if self.manifest.committed and salts is None:
            raise CalibrationDataError(
                f"{self.manifest.name} hashes its inputs: a proof needs each request's salt"
            )
        tensors = self._tensors(samples, salts)
        values = pad_batch(samples, self.batch_size, self.manifest.input_len)
        pk = self.ensure_proving_key()
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            started = time.monotonic()
            witness = compute_witness(
                self.compiled_path, self.manifest.input_scale, tensors, folder
            )
            witness_s = time.monotonic() - started
            proof_path = folder / "proof.json"
            started = time.monotonic()
            try:
                ezkl.prove(
                    str(folder / "witness.json"),
                    str(self.compiled_path),
                    str(pk),
                    str(proof_path),
                    str(self.srs_path),
                )
            except RuntimeError as exc:
                raise ProvingError(f"EZKL failed to prove {self.manifest.name}: {exc}") from exc
            prove_s = time.monotonic() - started
            proof_text = proof_path.read_text()
        proof = json.loads(proof_text)
        instances = [f for column in proof["instances"] for f in felts_from_hex_le(column)]
        outputs = [felt_to_int(f) for f in felts_from_hex_le(witness["outputs"][0])]
        return ProofResult(
            proof=bytes.fromhex(proof["hex_proof"].removeprefix("0x")),
            instances=instances,
            inputs=values,
            outputs=outputs,
            proof_json=proof_text,
            witness_s=witness_s,
            prove_s=prove_s,
        )

    def verify(self, result: ProofResult) -> bool:
        """Off-chain verification of ``result`` against the committed verifying key."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "proof.json"
            path.write_text(result.proof_json)
            try:
                return bool(
                    ezkl.verify(
                        str(path), str(self.settings_path), str(self.vk_path), str(self.srs_path)
                    )
                )
            except RuntimeError:
                return False

    def _check_inputs(self, inputs: Sequence[int], where: str = "") -> list[int]:
        values = list(inputs)
        expected = self.manifest.input_len
        if len(values) != expected:
            raise CalibrationDataError(
                f"{where}{self.manifest.name} takes {expected} inputs, got {len(values)}"
            )
        for i, x in enumerate(values):
            if not isinstance(x, int) or isinstance(x, bool):
                raise CalibrationDataError(
                    f"{where}input {i} is {x!r}: inputs are ints at the input scale"
                )
            if abs(x) >= _MAX_EXACT:
                raise CalibrationDataError(f"{where}input {i} = {x} is too large (|x| < 2^52)")
        return values


def filler_sample(input_len: int) -> list[int]:
    """The sample in a batch's unused slots: all zeros (0.0 at any scale).

    The circuit proves its outputs like any other sample's; they are public but belong to no
    request, and :class:`BatchProof` leaves them out of its per-sample outputs.
    """
    return [0] * input_len


def pad_batch(samples: Sequence[Sequence[int]], batch_size: int, input_len: int) -> list[int]:
    """The circuit's flat input: ``samples`` in order, then fillers up to ``batch_size``."""
    if len(samples) > batch_size:
        raise CalibrationDataError(f"{len(samples)} samples do not fit a batch of {batch_size}")
    padded = [*samples, *(filler_sample(input_len) for _ in range(batch_size - len(samples)))]
    return [x for sample in padded for x in sample]


@dataclass(frozen=True)
class BatchProof:
    """One proof of ``count`` samples in a circuit of ``batch_size`` slots.

    ``result.instances`` are the N samples' inputs, then the N samples' outputs (slots past
    ``count`` hold the filler sample and its outputs).
    """

    result: ProofResult
    count: int
    batch_size: int
    input_len: int
    output_len: int

    @property
    def inputs(self) -> list[list[int]]:
        """The inputs of the ``count`` real samples, in order."""
        flat, size = self.result.inputs, self.input_len
        return [flat[i * size : (i + 1) * size] for i in range(self.count)]

    @property
    def outputs(self) -> list[list[int]]:
        """The proved outputs of the ``count`` real samples, in order."""
        flat, size = self.result.outputs, self.output_len
        return [flat[i * size : (i + 1) * size] for i in range(self.count)]


def compute_witness(
    compiled_path: Path, input_scale: int, tensors: Sequence[Sequence[int]], folder: Path
) -> dict[str, Any]:
    """EZKL's witness for the circuit's input ``tensors`` (ints at ``input_scale``), written to
    ``folder/witness.json``."""
    data = {"input_data": [[int_to_float(x, input_scale) for x in t] for t in tensors]}
    (folder / "input.json").write_text(json.dumps(data))
    try:
        ezkl.gen_witness(
            str(folder / "input.json"), str(compiled_path), str(folder / "witness.json")
        )
    except RuntimeError as exc:
        raise ProvingError(f"EZKL failed to compute the witness: {exc}") from exc
    witness: dict[str, Any] = json.loads((folder / "witness.json").read_text())
    quantized = [[felt_to_int(f) for f in felts_from_hex_le(t)] for t in witness["inputs"]]
    if quantized != [list(t) for t in tensors]:
        raise ProvingError("EZKL quantized the inputs differently from the integers given")
    return witness


def circuit_outputs(
    compiled_path: Path, input_scale: int, tensors: Sequence[Sequence[int]]
) -> list[int]:
    """A compiled circuit's outputs (signed ints at its output scale) for its input tensors."""
    with tempfile.TemporaryDirectory() as tmp:
        witness = compute_witness(compiled_path, input_scale, tensors, Path(tmp))
    return [felt_to_int(f) for f in felts_from_hex_le(witness["outputs"][0])]


def check_srs(srs_path: Path, expected_sha256: str) -> None:
    """The SRS must exist and hash to ``expected_sha256``."""
    if not srs_path.is_file():
        raise SrsError(
            f"SRS file {srs_path} is missing: pass the SRS the circuit was built with "
            f"(sha256 {expected_sha256})"
        )
    actual = sha256_file(srs_path)
    if actual != expected_sha256:
        raise SrsError(
            f"SRS file {srs_path} hashes to {actual}, the manifest expects {expected_sha256}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "evm-verifier":
        sys.exit(_evm_verifier_main(sys.argv[2:]))
    sys.exit("usage: python -m oracle_node.circuits.proving evm-verifier VK SETTINGS SOL ABI SRS")
