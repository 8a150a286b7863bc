"""The node assembled from its settings: one lifecycle for listener, stages, provers and API.

node = OracleNode(load_settings())
node.start()          # checks everything first: one clear error if anything is wrong
node.wait()           # until SIGINT/SIGTERM or node.stop()
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from web3 import Web3

from oracle_node.chain.abi import RevertError
from oracle_node.chain.contracts import OracleContracts
from oracle_node.chain.listener import Listener, exponential_backoff
from oracle_node.chain.submitter import Submitter
from oracle_node.chain.verifier_code import verifier_problem
from oracle_node.exceptions import ConfigError
from oracle_node.keys import load_signer
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import ModelSet
from oracle_node.node.provers import ProverPool
from oracle_node.node.stages import InferenceStage, ProvingStage, SubmitStage
from oracle_node.service import Service
from oracle_node.settings import NodeSettings
from oracle_node.store import JobStore

log = logging.getLogger("oracle_node.node")


class RpcUnreachableError(ConfigError):
    """The configured RPC endpoint does not answer, or serves another chain."""


def connect(rpc_url: str, chain_id: int | None, timeout: float = 10.0) -> Web3:
    """A web3 client whose endpoint was seen to answer (and to serve ``chain_id``)."""
    # No retries inside web3: the services back off themselves and report the error meanwhile.
    provider = Web3.HTTPProvider(
        rpc_url, request_kwargs={"timeout": timeout}, exception_retry_configuration=None
    )
    w3 = Web3(provider)
    try:
        served = int(w3.eth.chain_id)
    except Exception as exc:  # requests' connection errors, JSON errors
        raise RpcUnreachableError(f"RPC {rpc_url} does not answer: {exc}") from None
    if chain_id is not None and served != chain_id:
        raise RpcUnreachableError(f"RPC {rpc_url} serves chain {served}, settings say {chain_id}")
    return w3


class OracleNode:
    """Everything the ``run`` command starts, in dependency order."""

    def __init__(self, settings: NodeSettings) -> None:
        self.settings = settings
        self.services: list[Service] = []
        self.started_at: float | None = None
        self._stopped = threading.Event()
        self.api_server: Any = None

    # ----------------------------------------------------------------- set-up

    def setup(self) -> None:
        s = self.settings
        s.require_chain()
        assert s.chain.coordinator and s.chain.model_registry and s.chain.node_registry
        self.signer = load_signer(s.keys)
        self.address = Web3.to_checksum_address(self.signer.address)
        self.w3 = connect(s.chain.rpc_url, s.chain.chain_id)
        self.chain_id = int(self.w3.eth.chain_id)
        self.contracts = OracleContracts(
            self.w3, s.chain.coordinator, s.chain.model_registry, s.chain.node_registry
        )
        self.contracts.check_deployed()
        s.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = JobStore(s.db_path)
        self.metrics = NodeMetrics(self.store)
        self.models = ModelSet()
        for served in s.models:
            try:
                record = self.contracts.model(served.id)
            except RevertError as exc:
                self.models.refused[served.id] = f"not in the registry ({exc})"
                continue
            self.models.load(served, record)
            loaded = self.models.models.get(served.id)
            problem = loaded and verifier_problem(
                self.w3,
                record.verifier,
                record.verifier_code_hash,
                loaded.manifest.verifier_contract,
            )
            if problem:
                del self.models.models[served.id]
                self.models.refused[served.id] = problem
        for model_id, reason in self.models.refused.items():
            log.warning("model %d is not served: %s", model_id, reason)
        self.pool = ProverPool(s.workers.provers, s.key_cache_dir)
        for model in self.models.models.values():
            started = time.monotonic()
            path = self.pool.warm(model.dir, model.srs_path)
            log.info("model %d (%s) ready, proving key %s in %.1fs",
                     model.model_id, model.name, path, time.monotonic() - started)  # fmt: skip
        self.wake = threading.Event()
        self.listener = Listener(
            self.contracts, self.store, self.address,
            confirmations=s.chain.confirmations, poll_interval=s.chain.poll_interval,
            start_block=s.chain.start_block, max_block_range=s.chain.max_block_range,
            reorg_depth=s.chain.reorg_depth, on_new_job=self.wake.set,
            model_ids={m.id for m in s.models},
        )  # fmt: skip
        self.submitter = Submitter(
            self.contracts, self.signer, self.store, chain_id=self.chain_id,
            retries=s.workers.submit_retries, tx_timeout=s.chain.tx_timeout,
        )  # fmt: skip
        self.services = [
            self.listener,
            InferenceStage(self.store, self.metrics, self.wake, self.models, s.workers.inference),
            ProvingStage(self.store, self.metrics, self.wake, self.models, self.pool),
            SubmitStage(self.store, self.metrics, self.wake, self.submitter, exponential_backoff),
        ]

    # -------------------------------------------------------------- lifecycle

    def start(self) -> None:
        self.setup()
        for service in self.services:
            service.start()
        if self.settings.api.enabled:
            self._start_api()
        self.started_at = time.time()
        log.info("node %s running on chain %d", self.address, self.chain_id)

    def _start_api(self) -> None:
        import uvicorn

        from oracle_node.api.app import create_app

        app = create_app(self)
        config = uvicorn.Config(
            app, host=self.settings.api.host, port=self.settings.api.port,
            log_level="warning", lifespan="off",
        )  # fmt: skip
        self.api_server = uvicorn.Server(config)
        thread = threading.Thread(target=self.api_server.run, name="api", daemon=True)
        thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        return self._stopped.wait(timeout)

    def stop(self) -> None:
        for service in self.services:
            service.stop()
        if hasattr(self, "wake"):
            self.wake.set()
        for service in self.services:
            service.join(timeout=10)
        if self.api_server is not None:
            self.api_server.should_exit = True
        if hasattr(self, "pool"):
            self.pool.close()
        if hasattr(self, "store"):
            self.store.close()
        self._stopped.set()

    # ----------------------------------------------------------------- status

    def health(self) -> dict[str, Any]:
        """Liveness: every service thread is running."""
        services = {s.name: s.alive for s in self.services}
        return {"ok": all(services.values()), "services": services}

    def readiness(self) -> dict[str, Any]:
        """Ready: alive, at least one model served, the listener caught up without errors."""
        problems = []
        if not self.health()["ok"]:
            problems.append("a service stopped")
        if not self.models.models:
            problems.append("no model is served")
        if self.listener.safe_head is None:
            problems.append("the listener has not reached the chain yet")
        if self.listener.last_error:
            problems.append(f"listener: {self.listener.last_error}")
        return {"ready": not problems, "problems": problems}
