"""Builds the proving backend that ``workers.backend`` names: one place, one setting."""

from __future__ import annotations

from pathlib import Path

from oracle_node.node.provers import ProverBackend, ProverPool
from oracle_node.settings import WorkerSettings


def prover_backend(workers: WorkerSettings, key_cache_dir: Path | None) -> ProverBackend:
    """The local process pool (default), or the Ray cluster backend (``ray`` imported then)."""
    if workers.backend == "ray":
        from oracle_node.node.ray_backend import RayProverPool

        return RayProverPool(
            workers.ray_address,
            workers.provers,
            node_ip_address=workers.ray_node_ip_address,
            key_cache_dir=workers.ray_key_cache_dir,
            retries=workers.ray_retries,
            start_timeout=workers.ray_start_timeout,
        )
    return ProverPool(workers.provers, key_cache_dir)
