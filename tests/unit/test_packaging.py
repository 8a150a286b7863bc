"""The distribution's shape: a lean runtime install, extras, license, package data."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

from oracle_node.exceptions import MissingExtraError
from oracle_node.extras import EXTRA_MODULES, needs_extra, require_extra

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "oracle_node"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
EXTRAS: dict[str, list[str]] = PROJECT["optional-dependencies"]

# What only tests, the demo and the consumer kit use: never in the node's runtime install.
KIT_ONLY = {"eth-ape", "ape-solidity", "ape-foundry", "scikit-learn", "pytest", "hypothesis"}
RUNTIME = {"onnxruntime", "onnxruntime-gpu"}


def names(requirements: list[str]) -> set[str]:
    """Distribution names of requirement strings (``"eth-ape==0.8.51"`` -> ``eth-ape``)."""
    found = set()
    for requirement in requirements:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        assert match, requirement
        found.add(match.group(0).lower())
    return found


def test_the_base_install_holds_no_test_stack_and_no_onnxruntime_build():
    base = names(PROJECT["dependencies"])
    assert base & KIT_ONLY == set()
    assert base & RUNTIME == set()
    assert {"web3", "ezkl", "fastapi", "uvicorn", "pydantic-settings", "click"} <= base


def test_cpu_and_gpu_extras_each_bring_one_onnxruntime_build():
    assert names(EXTRAS["cpu"]) == {"onnxruntime"}
    assert names(EXTRAS["gpu"]) == {"onnxruntime-gpu"}


def test_kit_brings_ape_and_the_data_sets_and_dev_brings_kit_and_cpu_not_gpu():
    assert {"eth-ape", "ape-solidity", "ape-foundry", "scikit-learn", "pytest"} <= names(
        EXTRAS["kit"]
    )
    dev = EXTRAS["dev"]
    self_refs = [r for r in dev if r.startswith(PROJECT["name"] + "[")]
    assert len(self_refs) == 1
    pulled = set(self_refs[0].split("[")[1].rstrip("]").split(","))
    assert pulled == {"kit", "cpu", "cluster"}
    assert "onnxruntime-gpu" not in names(dev)


def test_constraints_pin_both_onnxruntime_builds_and_keep_numpy_below_2():
    pins = dict(
        line.split("==")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert "onnxruntime" in pins and "onnxruntime-gpu" in pins
    assert int(pins["numpy"].split(".")[0]) < 2


def test_the_license_file_matches_the_declared_license():
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 the zk-ai-oracle contributors" in text


def _package_data_patterns() -> list[str]:
    patterns: list[str] = PYPROJECT["tool"]["setuptools"]["package-data"]["oracle_node"]
    return patterns


def _data_files() -> list[str]:
    return sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    )


def _matched(pattern: str) -> set[str]:
    """Files a package-data glob takes, as setuptools globs it (``**`` is zero or more folders)."""
    return {str(p.relative_to(PACKAGE)) for p in PACKAGE.glob(pattern) if p.is_file()}


def test_package_data_covers_every_file_the_package_reads_at_run_time():
    covered = set().union(*(_matched(p) for p in _package_data_patterns()))
    files = _data_files()
    assert "artifacts/InferenceCoordinator.json" in files
    assert [f for f in files if f not in covered] == []


def test_package_data_names_no_missing_folder():
    """Each pattern's top folder is in the package (``abi/*.json`` once named none).

    Asset folders below an existing subpackage (the operator API's web assets) may be empty.
    """
    for pattern in _package_data_patterns():
        top, _, rest = pattern.partition("/")
        if rest:
            assert (PACKAGE / top).is_dir(), pattern
        else:
            assert _matched(pattern), pattern


# ----------------------------------------------------------------------------- extras


def test_a_missing_kit_module_becomes_one_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ape", None)
    kit_error = pytest.raises(MissingExtraError, match=r"pip install 'oracle-node\[kit\]'")
    with kit_error as info, needs_extra("the testing kit", "kit"):
        import ape  # noqa: F401
    assert info.value.module == "ape"
    assert "\n" not in str(info.value)


def test_onnxruntime_missing_names_both_extras(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(MissingExtraError) as info, needs_extra("ONNX inference", "cpu", "gpu"):
        import onnxruntime  # noqa: F401
    assert "oracle-node[cpu]" in str(info.value) and "oracle-node[gpu]" in str(info.value)


def test_a_missing_module_no_extra_provides_is_not_disguised():
    with pytest.raises(ModuleNotFoundError), needs_extra("x", "kit"):
        import oracle_node_no_such_module  # type: ignore[import-not-found]  # noqa: F401


def test_require_extra_checks_without_importing(monkeypatch):
    require_extra("the demo", "kit")  # installed in the dev environment
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(MissingExtraError, match="'sklearn'"):
        require_extra("the demo", "kit")


def test_every_extra_the_code_names_is_declared():
    assert set(EXTRA_MODULES) <= set(EXTRAS)
