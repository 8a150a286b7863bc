"""``circuits build``: ONNX + calibration data -> a checked, hashed circuit folder and verifier.

Everything is built in a temporary folder beside the target and moved into place only when
complete, so a failed build leaves the previous artifacts (or nothing) behind, never a
half-written folder that looks valid.

Batching: a model whose ONNX input has a symbolic first dimension (``batch_size``) can be built
for N samples per proof. With ``batch="auto"`` (the default) the build calibrates at N = 1,
which fixes the scales and the rows (2^logrows) the lookup tables need, then lays the circuit
out for growing N at those scales and keeps the largest N whose rows still fit, capped by
:data:`MAX_BATCH`, by the registry's :data:`MAX_INSTANCES` and by the EIP-170 code size of the
generated verifier. A model with a fixed first dimension is built for N = 1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oracle_node.circuits import committed, proving
from oracle_node.circuits.input_range import analyse, calibrated_input_bound, check_boundable
from oracle_node.circuits.inputs import check_calibration, inspect_onnx
from oracle_node.circuits.manifest import (
    CALIBRATION_FILE,
    COMPILED_FILE,
    ONNX_FILE,
    SETTINGS_FILE,
    VK_FILE,
    Manifest,
    sha256_file,
)
from oracle_node.circuits.resources import estimate_cost, heartbeat, memory_budget_bytes
from oracle_node.exceptions import (
    CircuitError,
    CircuitTooLargeError,
    ConfigError,
    InputRangeError,
    SrsError,
    UnsupportedModelError,
)

Log = Callable[[str], None]
AUTO = "auto"

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
GENERATED_CONTRACT = "Halo2Verifier"


def dev_srs_path(circuits_dir: Path, logrows: int) -> Path:
    """Where the committed, INSECURE development SRS for ``logrows`` lives."""
    return circuits_dir / "srs" / f"dev-insecure-k{logrows}.srs"


def contract_name(model_name: str) -> str:
    """``breast_cancer`` -> ``BreastCancerVerifier``."""
    return "".join(part.capitalize() for part in model_name.split("_")) + "Verifier"


def toolchain_dir() -> Path:
    """The checked solc toolchain for EZKL's verifier (see :func:`proving.evm_toolchain_dir`)."""
    return proving.evm_toolchain_dir()


@dataclass
class BuildOptions:
    """Inputs of one circuit build."""

    onnx_path: Path
    calibration_path: Path
    name: str
    circuits_dir: Path = Path("circuits")
    verifiers_dir: Path = Path("contracts/verifiers")
    srs_path: Path | None = None
    target: str = "resources"
    scales: list[int] = field(default_factory=list)
    max_logrows: int = 17
    cache_dir: Path | None = None
    num_inner_cols: int | None = None
    # Bytes the build may plan to use; None: $ORACLE_BUILD_MEMORY_LIMIT or 90 % of available.
    memory_limit_bytes: int | None = None
    heartbeat_s: float = 5.0
    # Samples per proof: "auto" picks the largest that fits (see the module docstring).
    batch: int | str = AUTO
    # "public": the proof carries every input value; "hashed": one salted Poseidon hash per
    # sample (see oracle_node.circuits.committed).
    inputs: str = "public"


# Committed circuits stay at or below this (their dev SRS is committed, 16 MiB at 2^17).
MAX_COMMITTED_LOGROWS = 17
# The batch search's upper bound: past it, proofs get slow for little gas saved per sample.
MAX_BATCH = 64
# ModelRegistry.maxInstances: the public values one proof may carry.
MAX_INSTANCES = 4096
# EIP-170: the largest contract code the chain accepts.
MAX_CODE_BYTES = 24_576
# Rows at the end of every column that EZKL keeps for halo2's blinding factors
# (ASSUMED_BLINDING_FACTORS 5 + RESERVED_BLINDING_ROWS_PAD 3): the layout must end before them.
RESERVED_ROWS = 8
# Decomposition legs the build may add so that every value of the input range fits (base 2^14:
# 2 legs range-check |v| < 2^28, 4 legs |v| < 2^56).
MAX_DECOMP_LEGS = 4


class _Clock:
    def __init__(self, log: Log) -> None:
        self._log = log
        self._start = time.monotonic()

    def __call__(self, message: str) -> None:
        self._log(f"[{time.monotonic() - self._start:6.1f}s] {message}")


def build_circuit(options: BuildOptions, log: Log = print) -> Manifest:
    """Run the whole pipeline; returns the manifest of the new ``circuits/<name>/``."""
    clock = _Clock(log)
    name = options.name
    if not _NAME.match(name):
        raise ConfigError(f"model name {name!r} must be snake_case: [a-z][a-z0-9_]*")
    if options.target not in ("resources", "accuracy"):
        raise ConfigError(f"calibration target {options.target!r}: use resources or accuracy")
    requested = parse_batch(options.batch)
    visibility = committed.input_mode(options.inputs)
    hashed = visibility == committed.HASHED
    toolchain = toolchain_dir()  # before calibration and keys: the verifier step needs solc
    summary = inspect_onnx(options.onnx_path)
    samples = check_calibration(options.calibration_path, summary)
    clock(
        f"{options.onnx_path}: input {summary.input_shape}, output {summary.output_shape}, "
        f"{len(summary.ops)} nodes; {samples} calibration samples"
    )
    # Public values per sample: its inputs (or their one hash) and its outputs.
    per_sample = (1 if hashed else summary.input_len) + _prod(summary.output_shape)
    if summary.batch_dim is None and requested not in (AUTO, 1):
        raise ConfigError(
            f"--batch {requested}: the input {summary.input_name!r} of {options.onnx_path} has a "
            f"fixed first dimension; {NOT_BATCHABLE_HINT}"
        )
    if isinstance(requested, int) and requested * per_sample > MAX_INSTANCES:
        raise ConfigError(
            f"--batch {requested}: {requested} x {per_sample} public values per sample is over "
            f"the registry's {MAX_INSTANCES}; use --batch {max(1, MAX_INSTANCES // per_sample)} "
            "or less"
        )
    circuits_dir = options.circuits_dir
    circuits_dir.mkdir(parents=True, exist_ok=True)
    target_dir = circuits_dir / name
    with tempfile.TemporaryDirectory(prefix=f".build-{name}-", dir=circuits_dir) as tmp:
        work = Path(tmp) / name
        work.mkdir()
        onnx_path = work / ONNX_FILE
        calibration_path = work / CALIBRATION_FILE
        settings_path = work / SETTINGS_FILE
        compiled_path = work / COMPILED_FILE
        shutil.copyfile(options.onnx_path, onnx_path)
        shutil.copyfile(options.calibration_path, calibration_path)
        one = (summary.batch_dim, 1) if summary.batch_dim else None

        clock("generating settings (public input, public output, fixed params)")
        try:
            proving.generate_settings(onnx_path, settings_path, options.num_inner_cols, batch=one)
        except UnsupportedModelError as exc:
            unknown = summary.unknown_ops()
            if unknown:
                listed = ", ".join(f"{op} (node {node!r})" for op, node in unknown)
                raise UnsupportedModelError(f"{exc}; ops not known to EZKL: {listed}") from exc
            raise
        check_boundable(onnx_path)  # no provable input range, no circuit: before calibrating
        scales = f" scales {options.scales}" if options.scales else ""
        clock(f"calibrating for {options.target}{scales} (max 2^{options.max_logrows} rows)")
        with heartbeat(clock, "calibrate", options.heartbeat_s):
            proving.calibrate_settings(
                calibration_path,
                onnx_path,
                settings_path,
                options.target,
                options.scales or None,
                options.max_logrows,
            )
        settings = json.loads(settings_path.read_text())
        run_args = settings["run_args"]
        logrows = int(run_args["logrows"])
        clock(
            f"calibrated: 2^{logrows} rows, input scale {run_args['input_scale']}, "
            f"param scale {run_args['param_scale']}, output scales {settings['model_output_scales']}"
            f", {settings.get('num_rows', '?')} rows used"
        )
        settings = fit_input_range(onnx_path, settings_path, settings, options.max_logrows, clock)
        logrows = int(settings["run_args"]["logrows"])
        planner = BatchPlanner(onnx_path, Path(tmp), settings, summary.batch_dim, clock)
        if hashed:
            planner.hash_inputs(summary.input_len)
            clock(
                f"inputs: hashed, one Poseidon hash per sample over its {summary.input_len} "
                f"values and a {committed.SALT_LEN}-value salt"
            )
        if summary.batch_dim is None:
            clock(
                f"batch: N=1 ({summary.input_name!r} has a fixed first dimension; "
                f"{NOT_BATCHABLE_HINT})"
            )
            batch = 1
        elif requested == AUTO:
            batch = planner.pick(logrows, cap=min(MAX_BATCH, MAX_INSTANCES // per_sample))
        else:
            batch = int(requested)
            logrows = planner.logrows_for(batch, logrows, options.max_logrows)
        calibrated = (1, int(settings["run_args"]["logrows"]))
        rewritten = False
        while True:
            if hashed or rewritten or (batch, logrows) != calibrated:
                settings = planner.write(batch, logrows, settings_path)
                rewritten = True
            if hashed:  # the folder holds the graph the circuit is compiled from
                shutil.copyfile(planner.onnx_for(batch), onnx_path)
            check_fits(name, logrows, options, clock)
            with heartbeat(clock, "compile", options.heartbeat_s):
                proving.compile_circuit(onnx_path, compiled_path, settings_path)

            srs_path = _resolve_srs(options, circuits_dir, logrows, clock)

            clock(f"setup: verifying and proving keys from {srs_path.name}")
            pk_tmp = Path(tmp) / "pk.key"
            with heartbeat(clock, "setup", options.heartbeat_s):
                proving.setup_keys(compiled_path, work / VK_FILE, pk_tmp, srs_path)
            vk_sha = sha256_file(work / VK_FILE)

            contract = contract_name(name)
            clock(f"generating the Solidity verifier {contract}")
            raw_sol = Path(tmp) / "Halo2Verifier.sol"
            with heartbeat(clock, "verifier", options.heartbeat_s):
                proving.generate_evm_verifier(
                    work / VK_FILE, settings_path, raw_sol, srs_path, toolchain
                )
            source = rename_verifier(
                raw_sol.read_text(), contract, name, vk_sha, options.num_inner_cols, batch
            )
            verifier_tmp = Path(tmp) / f"{contract}.sol"
            verifier_tmp.write_text(source)
            code_bytes = proving.verifier_code_size(verifier_tmp, contract, toolchain)
            clock(f"{contract}: {code_bytes:,} bytes of code (EIP-170 limit {MAX_CODE_BYTES:,})")
            if code_bytes <= MAX_CODE_BYTES:
                break
            if batch == 1:  # nothing to step down: built as before, deployable where allowed
                clock(
                    f"WARNING: {contract} is over the EIP-170 limit: chains that enforce it "
                    "(mainnet and most L2s) refuse to deploy it"
                )
                break
            if requested != AUTO:
                raise CircuitError(
                    f"the verifier of {name} at N={batch} is {code_bytes:,} bytes of code, over "
                    f"the EIP-170 limit of {MAX_CODE_BYTES:,}: build with a smaller --batch"
                )
            batch = planner.pick(logrows, cap=batch // 2)
            clock(f"stepping the batch down to N={batch} for the verifier's size")

        options.verifiers_dir.mkdir(parents=True, exist_ok=True)
        verifier_path = options.verifiers_dir / f"{contract}.sol"
        if hashed:  # the instances hold the hashes (not shapes) and the outputs
            input_shape = [batch, summary.input_len]
            output_shape = list(settings["model_instance_shapes"][0])
        else:
            input_shape, output_shape = (list(s) for s in settings["model_instance_shapes"][:2])
        project_root = circuits_dir.resolve().parent
        manifest = Manifest(
            name=name,
            ezkl_version=proving.EZKL_VERSION,
            logrows=logrows,
            input_shape=input_shape,
            output_shape=output_shape,
            input_scale=int(settings["model_input_scales"][0]),
            output_scale=int(settings["model_output_scales"][0]),
            param_scale=int(settings["run_args"]["param_scale"]),
            input_len=_prod(input_shape) // batch,
            output_len=_prod(output_shape) // batch,
            batch_size=batch,
            input_visibility=visibility
            if hashed
            else str(settings["run_args"]["input_visibility"]),
            salt_len=committed.SALT_LEN if hashed else 0,
            output_visibility=str(settings["run_args"]["output_visibility"]),
            param_visibility=str(settings["run_args"]["param_visibility"]),
            calibration_target=options.target + (f" scales={options.scales}" if scales else ""),
            onnx_sha256=sha256_file(onnx_path),
            calibration_sha256=sha256_file(calibration_path),
            compiled_sha256=sha256_file(compiled_path),
            settings_sha256=sha256_file(settings_path),
            vk_sha256=vk_sha,
            srs_sha256=sha256_file(srs_path),
            srs_file=_relative(srs_path, circuits_dir),
            verifier_contract=contract,
            verifier_path=_relative(verifier_path, project_root),
            verifier_sha256=sha256_file(verifier_tmp),
        )
        manifest.write(work)

        # Keep the proving key we already paid for, under the name the Prover looks for.
        cache_dir = options.cache_dir or proving.default_cache_dir(circuits_dir)
        pk_dest = proving.proving_key_path(cache_dir, name, vk_sha)
        pk_dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(pk_tmp, pk_dest)

        # The SRS travels with the folder: a node elsewhere proves with exactly this file.
        shutil.copyfile(srs_path, work / srs_path.name)
        clock(
            f"copied the SRS into the folder ({srs_path.name}, {srs_path.stat().st_size:,} bytes): "
            "publish the folder with it"
        )
        _move_into_place(work, target_dir, Path(tmp))
        os.replace(verifier_tmp, verifier_path)
    clock(f"done: {target_dir}/ and {verifier_path}")
    return manifest


def fit_input_range(
    onnx_path: Path,
    settings_path: Path,
    settings: dict[str, Any],
    max_logrows: int,
    log: Log,
) -> dict[str, Any]:
    """Make the circuit's derived input range (:mod:`oracle_node.circuits.input_range`) cover
    its calibration data, adding decomposition legs (up to :data:`MAX_DECOMP_LEGS`) while it
    does not, or while some value leaves the range whatever the input. Returns the settings
    (rewritten at ``settings_path`` when changed); raises :class:`InputRangeError` when no
    layout fits, and :class:`UnsupportedModelError` for a graph whose values cannot be bounded."""
    needed = calibrated_input_bound(onnx_path.parent, settings)
    while True:
        run_args = settings["run_args"]
        scale, legs = int(run_args["input_scale"]), int(run_args["decomp_legs"])
        try:
            found = analyse(onnx_path, settings)
        except InputRangeError as exc:
            problem = str(exc)
        else:
            if found.bound >= needed:
                log(
                    f"input range: |x| <= {found.bound:,} at scale {scale} "
                    f"({found.bound / 2**scale:.6g}; the calibration data reaches "
                    f"{needed / 2**scale:.6g}); values checked at scale {found.scale} against "
                    f"{found.limit:,}, binding first at {found.binding}"
                )
                return settings
            problem = (
                f"the provable input range |x| <= {found.bound:,} does not cover the "
                f"calibration data's {needed:,} (at scale {scale}; binding at {found.binding})"
            )
        if legs >= MAX_DECOMP_LEGS:
            raise InputRangeError(
                f"{problem}, even with {legs} decomposition legs: calibrate at lower scales "
                "(--scales) or change the model so that its values stay smaller"
            )
        log(f"input range: {problem}; laying the circuit out with {legs + 1} decomposition legs")
        logrows = int(run_args["logrows"])
        while True:
            settings = proving.relayout(
                onnx_path, settings_path, settings, logrows, decomp_legs=legs + 1
            )
            if fits(int(settings["num_rows"]), logrows):
                break
            if logrows >= max_logrows:
                raise InputRangeError(
                    f"{problem}; with {legs + 1} decomposition legs the circuit takes "
                    f"{int(settings['num_rows']):,} rows, more than 2^{max_logrows}: raise "
                    "--max-logrows or calibrate at lower scales"
                )
            logrows += 1


NOT_BATCHABLE_HINT = (
    "to prove several samples per proof, export the model with a symbolic first dimension "
    "named batch_size on its input and output (torch.onnx.export(..., dynamic_axes={'input': "
    "{0: 'batch_size'}, 'output': {0: 'batch_size'}})) and build again"
)


def parse_batch(value: int | str) -> int | str:
    """``"auto"`` or a whole number of samples >= 1 (``--batch``)."""
    if isinstance(value, str) and value.strip().lower() == AUTO:
        return AUTO
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"batch {value!r}: use auto or a whole number >= 1") from None
    if number < 1 or str(number) != str(value).strip():
        raise ConfigError(f"batch {value!r}: use auto or a whole number >= 1")
    return number


def fits(num_rows: int, logrows: int) -> bool:
    """Whether a layout of ``num_rows`` rows leaves EZKL its reserved rows in ``2**logrows``."""
    return num_rows + RESERVED_ROWS <= 1 << logrows


def largest_fitting(rows: Callable[[int], int], logrows: int, cap: int) -> int:
    """The largest N in ``[1, cap]`` with ``fits(rows(N), logrows)``; rows grow with N.

    Doubles N while it fits, then bisects between the last N that fits and the first that
    does not, so it asks for about 2 log2(cap) layouts. N = 1 is returned even if it does not
    fit (calibration already chose logrows for it).
    """
    if cap <= 1:
        return 1
    good, bad = 1, cap + 1
    while good * 2 <= cap:
        if fits(rows(good * 2), logrows):
            good *= 2
        else:
            bad = good * 2
            break
    while bad - good > 1:
        middle = (good + bad) // 2
        if fits(rows(middle), logrows):
            good = middle
        else:
            bad = middle
    return good


class BatchPlanner:
    """Lays the calibrated circuit out for N samples and remembers the rows each N takes."""

    def __init__(
        self,
        onnx_path: Path,
        scratch: Path,
        calibrated: dict[str, Any],
        batch_dim: str | None,
        log: Log,
    ) -> None:
        self._onnx = onnx_path
        self._scratch = scratch / "batch-settings.json"
        self._calibrated = calibrated
        self._dim = batch_dim
        self._log = log
        self._rows: dict[tuple[int, int], int] = {
            (1, calibrated["run_args"]["logrows"]): int(calibrated["num_rows"])
        }
        self._hashed_len: int | None = None

    def hash_inputs(self, input_len: int) -> None:
        """Lay out committed circuits from now on: each N slots of ``input_len`` values and a
        salt, hashed (:func:`oracle_node.circuits.committed.wrap_for_slots`)."""
        self._hashed_len = input_len
        self._rows.clear()

    def onnx_for(self, batch: int) -> Path:
        """The ONNX graph the circuit for ``batch`` samples is compiled from."""
        if self._hashed_len is None:
            return self._onnx
        path = self._scratch.parent / f"committed-{batch}.onnx"
        if not path.is_file():
            import onnx

            model = onnx.load(str(self._onnx))
            onnx.save(committed.wrap_for_slots(model, batch, self._hashed_len), str(path))
        return path

    @property
    def layouts(self) -> dict[tuple[int, int], int]:
        """Rows of every (N, logrows) laid out so far."""
        return dict(self._rows)

    def rows(self, batch: int, logrows: int) -> int:
        key = (batch, logrows)
        if key not in self._rows:
            settings = self.write(batch, logrows, self._scratch)
            self._rows[key] = int(settings["num_rows"])
            self._log(
                f"batch: N={batch} takes {self._rows[key]:,} rows "
                f"({'fits' if fits(self._rows[key], logrows) else 'does not fit'} 2^{logrows})"
            )
        return self._rows[key]

    def write(self, batch: int, logrows: int, settings_path: Path) -> dict[str, Any]:
        if self._dim is None and batch != 1:
            raise ConfigError("this model has a fixed first dimension and cannot be batched")
        variables = [(self._dim, batch)] if self._dim is not None else []
        return proving.relayout(
            self.onnx_for(batch),
            settings_path,
            self._calibrated,
            logrows,
            variables=variables,
            hashed_inputs=self._hashed_len is not None,
        )

    def pick(self, logrows: int, cap: int) -> int:
        batch = largest_fitting(lambda n: self.rows(n, logrows), logrows, cap)
        rows = self.rows(batch, logrows)
        self._log(
            f"batch: N={batch} fills {rows:,} of {2**logrows:,} rows "
            f"(largest N that fits, at most {cap})"
        )
        return batch

    def logrows_for(self, batch: int, logrows: int, max_logrows: int) -> int:
        """The smallest logrows >= the calibrated one that holds ``batch`` samples."""
        while logrows <= max_logrows:
            rows = self.rows(batch, logrows)
            if fits(rows, logrows):
                self._log(f"batch: N={batch} fills {rows:,} of {2**logrows:,} rows")
                return logrows
            logrows = max(logrows + 1, (rows + RESERVED_ROWS - 1).bit_length())
        raise ConfigError(
            f"--batch {batch} needs more than 2^{max_logrows} rows: use a smaller batch "
            "(or --batch auto) or raise --max-logrows"
        )


def check_fits(name: str, logrows: int, options: BuildOptions, log: Log) -> None:
    """Print the cost estimate; refuse (before setup) a circuit the machine cannot hold."""
    estimate = estimate_cost(logrows, options.num_inner_cols)
    log(estimate.describe())
    budget = options.memory_limit_bytes or memory_budget_bytes()
    if budget is not None and estimate.peak_bytes > budget:
        raise CircuitTooLargeError(name, logrows, estimate.peak_bytes, budget)
    if logrows > MAX_COMMITTED_LOGROWS:
        log(
            f"note: 2^{logrows} rows is above 2^{MAX_COMMITTED_LOGROWS}: keep this circuit and "
            "its SRS out of git (benchmark or local use only)"
        )


def rename_verifier(
    source: str,
    contract: str,
    model_name: str,
    vk_sha: str,
    num_inner_cols: int | None = None,
    batch_size: int = 1,
) -> str:
    """Give EZKL's ``Halo2Verifier`` its own name and a header saying how it was generated."""
    declaration = f"contract {GENERATED_CONTRACT} "
    if source.count(declaration) != 1 or source.count(GENERATED_CONTRACT) != 1:
        raise CircuitError(
            f"EZKL's verifier source does not declare exactly one {GENERATED_CONTRACT}: "
            "the rename step needs updating for this EZKL version"
        )
    header = (
        f"// GENERATED FILE - DO NOT EDIT. EZKL's create_evm_verifier output for the circuit\n"
        f"// `{model_name}` (verifying key sha256 {vk_sha}), with one change made by the build:\n"
        f"// the contract is renamed {GENERATED_CONTRACT} -> {contract}.\n"
        f"// Regenerate: oracle-node circuits build <model.onnx> <calibration.json> "
        f"--name {model_name}"
        + (f" --inner-cols {num_inner_cols}" if num_inner_cols is not None else "")
        + (f" --batch {batch_size}" if batch_size > 1 else "")
        + "\n"
    )
    renamed = source.replace(declaration, f"contract {contract} ")
    lines = renamed.splitlines(keepends=True)
    if lines and lines[0].startswith("// SPDX"):
        return lines[0] + header + "".join(lines[1:])
    return header + renamed


def _resolve_srs(options: BuildOptions, circuits_dir: Path, logrows: int, clock: Log) -> Path:
    if options.srs_path is not None:
        if not options.srs_path.is_file():
            raise SrsError(f"SRS file {options.srs_path} does not exist")
        srs_k = srs_logrows(options.srs_path)
        if srs_k is not None and srs_k != logrows:
            clock(
                f"WARNING: {options.srs_path} holds 2^{srs_k} points for a 2^{logrows}-row "
                "circuit; an SRS of exactly the circuit's size is about 10x faster"
            )
        return options.srs_path
    srs_path = dev_srs_path(circuits_dir, logrows)
    if not srs_path.is_file():
        keep = "commit it once" if logrows <= MAX_COMMITTED_LOGROWS else "never commit it"
        clock(f"no dev SRS for 2^{logrows}: generating INSECURE {srs_path} ({keep})")
        srs_path.parent.mkdir(parents=True, exist_ok=True)
        partial = srs_path.with_suffix(".partial")
        with heartbeat(clock, "gen_srs"):
            proving.generate_srs(partial, logrows)
        os.replace(partial, srs_path)
    return srs_path


_SRS_HEADER_BYTES = 260  # EZKL's SRS file: a fixed header, then 128 bytes per G1 point (k <= 26)


def srs_logrows(srs_path: Path) -> int | None:
    """The ``k`` of an SRS file in EZKL's format (2^k points), or None if the size says nothing."""
    points, rest = divmod(srs_path.stat().st_size - _SRS_HEADER_BYTES, 128)
    if rest or points <= 0 or points & (points - 1):
        return None
    return points.bit_length() - 1


def _move_into_place(work: Path, target: Path, tmp: Path) -> None:
    """Swap the finished folder in; the old one is removed only after the swap."""
    old = tmp / "previous"
    if target.exists():
        os.replace(target, old)
    os.replace(work, target)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())


def _prod(shape: list[int]) -> int:
    out = 1
    for d in shape:
        out *= d
    return out
