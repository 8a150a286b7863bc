"""The proving backend follows ``workers.backend``; the local default never imports ray."""

from __future__ import annotations

import subprocess
import sys

import pytest

from oracle_node.exceptions import MissingExtraError, SettingsError
from oracle_node.node.backends import prover_backend
from oracle_node.node.provers import ProverPool
from oracle_node.node.ray_backend import RayProverPool
from oracle_node.settings import WorkerSettings, load_settings
from tests.support.protocol import BREAST_CANCER


def test_local_pool_is_the_default_and_ray_is_chosen_by_one_setting(tmp_path):
    local = prover_backend(WorkerSettings(provers=2), tmp_path)
    assert isinstance(local, ProverPool) and local.workers == 2
    ray = prover_backend(
        WorkerSettings(backend="ray", provers=3, ray_address="127.0.0.2:6379", ray_retries=2),
        tmp_path,
    )
    assert isinstance(ray, RayProverPool)
    assert (ray.address, ray.workers, ray.retries) == ("127.0.0.2:6379", 3, 2)


def test_unknown_backend_is_a_settings_error(monkeypatch):
    monkeypatch.setenv("ORACLE_WORKERS__BACKEND", "dask")
    with pytest.raises(SettingsError, match="backend"):
        load_settings()


def test_building_the_ray_backend_does_not_import_ray_and_the_local_one_never_does(tmp_path):
    code = (
        "import sys; from oracle_node.node.backends import prover_backend; "
        "from oracle_node.settings import WorkerSettings; "
        "prover_backend(WorkerSettings(), None).close(); "
        "prover_backend(WorkerSettings(backend='ray'), None); "
        "print('ray' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_ray_backend_without_the_cluster_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if ray were not installed
    pool = RayProverPool("auto", 1)
    with pytest.raises(MissingExtraError, match=r"oracle-node\[cluster\]"):
        pool.warm(BREAST_CANCER, None)
