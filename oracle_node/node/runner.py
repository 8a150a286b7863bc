"""The node assembled from its settings: one lifecycle for listener, stages, provers and API.

node = OracleNode(load_settings())
node.start()          # checks everything first: one clear error if anything is wrong
node.wait()           # until SIGINT/SIGTERM or node.stop()

``OracleNode(settings, watch_only=True)`` is ``oracle-node watch``: the listener and the
watcher (with the prover pool and a key for challenges), without serving requests.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from web3 import Web3

from oracle_node.chain.account import AccountState, Withdrawal, read_account, withdraw_credits
from oracle_node.chain.challenger import Challenger
from oracle_node.chain.clock import BlockClock
from oracle_node.chain.contracts import open_contracts
from oracle_node.chain.fees import FeePolicy
from oracle_node.chain.listener import Listener
from oracle_node.chain.postings import Finalizer
from oracle_node.chain.submitter import Submitter
from oracle_node.chain.verifier_code import verifier_problem
from oracle_node.exceptions import RevertError, SettingsError
from oracle_node.inference import check_runtime
from oracle_node.keys import load_signer
from oracle_node.node.backends import prover_backend
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import ModelSet, ProvingKey, verifier_source
from oracle_node.node.optimistic import FinaliseStage, WatchStage
from oracle_node.node.readiness import stake_problems, stale_head_warnings
from oracle_node.node.stages import InferenceStage, ProvingStage, Stage, SubmitStage
from oracle_node.service import Service
from oracle_node.settings import DEV_CHAIN_IDS, NodeSettings
from oracle_node.store import JobStore

log = logging.getLogger("oracle_node.node")


class OracleNode:
    """Everything the ``run`` command starts, in dependency order."""

    def __init__(self, settings: NodeSettings, *, watch_only: bool = False) -> None:
        self.settings = settings
        self.watch_only = watch_only
        self.services: list[Service] = []
        self.started_at: float | None = None
        self._stopped = threading.Event()
        self.extra_services: list[Service] = []
        self._account: AccountState | None = None
        self.min_stake = 0
        self._account_lock = threading.Lock()

    # ----------------------------------------------------------------- set-up

    def setup(self) -> None:
        s = self.settings
        providers = check_runtime(s.inference)
        s.require_chain()
        self.signer = load_signer(s.keys)
        self.address: str = Web3.to_checksum_address(self.signer.address)
        self.contracts = open_contracts(s.chain)
        self.w3 = self.contracts.w3
        self.chain_id = int(self.w3.eth.chain_id)
        self._check_faults()
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
            self.models.load(served, record, inference=s.inference)
            loaded = self.models.models.get(served.id)
            problem = loaded and verifier_problem(
                self.w3,
                record.verifier,
                verifier_source(loaded.dir, loaded.manifest),
                recorded_hash=record.verifier_code_hash,
                cache_dir=s.verifier_cache_dir,
            )
            if problem:
                del self.models.models[served.id]
                self.models.refused[served.id] = problem
        log.info("onnxruntime providers: %s", providers)
        for model_id, reason in self.models.refused.items():
            log.warning("model %d is not served: %s", model_id, reason)
        self.pool = prover_backend(s.workers, s.key_cache_dir)
        for model in self.models.models.values():
            started = time.monotonic()
            log.info("model %d (%s): loading or building its proving key (2^%d rows; a build "
                     "takes seconds to minutes)", model.model_id, model.name,
                     model.manifest.logrows)  # fmt: skip
            path = self.pool.warm(model.dir, model.srs_path)
            model.proving_key = ProvingKey(Path(path), time.monotonic() - started)
            log.info("model %d (%s) ready, proving key %s in %.1fs",
                     model.model_id, model.name, path, model.proving_key.ready_s)  # fmt: skip
        self.min_stake = int(self.contracts.node_registry.functions.minStake().call())
        self.wake = threading.Event()
        self.clock = BlockClock()
        watching = self.watch_only or s.optimistic.watch
        self.listener = Listener(
            self.contracts, self.store, self.address,
            confirmations=s.chain.confirmations, poll_interval=s.chain.poll_interval,
            start_block=s.chain.start_block, max_block_range=s.chain.max_block_range,
            reorg_depth=s.chain.reorg_depth, on_new_job=self.wake.set,
            model_ids={m.id for m in s.models}, clock=self.clock,
            standin_spread_s=s.chain.standin_spread_s, serve=not self.watch_only,
            watch=watching, on_posting=self.wake.set,
        )  # fmt: skip
        self.submitter = Submitter(
            self.contracts, self.signer, self.store, chain_id=self.chain_id,
            retries=s.workers.submit_retries, tx_timeout=s.chain.tx_timeout,
            replace_after=s.chain.replace_after_s,
            fees=FeePolicy.from_gwei(s.chain.max_fee_gwei, s.chain.priority_fee_gwei),
        )  # fmt: skip
        self.metrics.watch(self.account, lambda: self.listener.lag, self._bonds)
        stages: list[Stage] = []
        if not self.watch_only:
            proving = ProvingStage(self.store, self.metrics, self.wake, self.models, self.pool)
            proving.lie_every = s.testing.lie_every
            finalizer = Finalizer(
                self.contracts, self.store, self.address, self.submitter.send_call, self.clock
            )
            stages += [
                InferenceStage(self.store, self.metrics, self.wake, self.models, s.workers.inference),
                proving,
                SubmitStage(self.store, self.metrics, self.wake, self.submitter),
                FinaliseStage(
                    self.store, self.metrics, self.wake, finalizer,
                    batch=s.optimistic.finalize_batch, wait_s=s.optimistic.finalize_wait_s,
                ),
            ]  # fmt: skip
        if watching:
            challenger = Challenger(
                self.contracts, self.submitter, self.store, retries=s.workers.submit_retries,
                tx_timeout=s.chain.tx_timeout, clock=self.clock,
            )  # fmt: skip
            stages.append(
                WatchStage(self.store, self.metrics, self.wake, self.models, self.pool, challenger)
            )
        for stage in stages:
            stage.clock = self.clock  # windows and deadlines by block time, as the contract
        self.services = [self.listener, *stages]

    def _check_faults(self) -> None:
        """Test-only faults run on a local development chain only, and never quietly."""
        faults = self.settings.testing.faults
        if not faults:
            return
        if self.chain_id not in DEV_CHAIN_IDS:
            raise SettingsError(
                [f"testing: faults are for tests on a local development chain (ids "
                 f"{', '.join(map(str, DEV_CHAIN_IDS))}), not chain {self.chain_id}"]
            )  # fmt: skip
        for fault in faults:
            log.warning("TEST FAULT ON: this node posts %s. It will be slashed; never run it "
                        "like this on a real network.", fault)  # fmt: skip

    def _bonds(self) -> dict[int, int]:
        """Served model id -> the bond a wrong posting of it costs (the registry's)."""
        return {model_id: m.bond for model_id, m in self.models.models.items()}

    # -------------------------------------------------------------- lifecycle

    def add_service(self, service: Service) -> None:
        """Start ``service`` with the node, after its own services (e.g. the operator API)."""
        self.extra_services.append(service)

    def start(self) -> None:
        """Set up, then start every service; if one fails to start, stop those already running."""
        self.setup()
        self.services += self.extra_services
        started: list[Service] = []
        try:
            for service in self.services:
                service.start()
                started.append(service)
        except BaseException:
            self.services = started
            self.stop()
            raise
        self.started_at = time.time()
        log.info("node %s running on chain %d", self.address, self.chain_id)

    def wait(self, timeout: float | None = None) -> bool:
        return self._stopped.wait(timeout)

    def stop(self) -> None:
        for service in self.services:
            service.stop()
        if hasattr(self, "wake"):
            self.wake.set()
        for service in self.services:
            service.join(timeout=10)
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
        """Ready: alive, at least one model served, staked and active for one of them (a
        watcher needs no stake), the listener caught up without errors. A chain that has not
        mined for ``chain.stale_head_s`` is a warning: requests wait for blocks."""
        problems = []
        if not self.health()["ok"]:
            problems.append("a service stopped")
        if not self.models.models:
            problems.append("no model is served")
        if not self.watch_only:
            try:
                account = self.account(max_age=10.0)
            except Exception as exc:  # the RPC's own errors: connection, timeout, JSON
                problems.append(f"cannot read the node's stake: {exc}")
            else:
                problems += stake_problems(account, self.min_stake, self.models.models)
        if self.listener.safe_head is None:
            problems.append("the listener has not reached the chain yet")
        if self.listener.last_error:
            problems.append(f"listener: {self.listener.last_error}")
        age = self.listener.head_age_s
        warnings = [] if age is None else stale_head_warnings(age, self.settings.chain.stale_head_s)
        return {
            "ready": not problems,
            "problems": problems,
            "lag_blocks": self.listener.lag,
            "head_age_s": None if age is None else round(age, 1),
            "warnings": warnings,
        }

    def account(self, max_age: float = 2.0) -> AccountState:
        """The node's on-chain account, read again when the last reading is older than
        ``max_age`` seconds (so page polls and metric scrapes do not hammer the RPC)."""
        with self._account_lock:
            cached = self._account
            if cached is None or time.time() - cached.read_at > max_age:
                cached = self._account = read_account(self.contracts, self.address)
            return cached

    def chain_status(self) -> dict[str, Any]:
        """Where the listener stands against the chain head."""
        cursor = self.store.cursor()
        return {
            "chain_id": self.chain_id,
            "time": int(self.clock()) if self.clock.seen else None,
            "head": self.listener.head,
            "safe_head": self.listener.safe_head,
            "cursor": None if cursor is None else cursor[0],
            "lag_blocks": self.listener.lag,
            "last_error": self.listener.last_error,
        }

    def withdraw(self, to: str | None = None) -> list[Withdrawal]:
        """Withdraw fee and slash credit to ``to`` (default: the node's own address)."""
        done = withdraw_credits(
            self.contracts, self.address, to or self.address, self.submitter.send_call
        )
        with self._account_lock:
            self._account = None
        return done
