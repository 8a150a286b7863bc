"""The FastAPI application; OpenAPI at ``/openapi.json``, docs at ``/docs``, dashboard at ``/``.

Every route the dashboard reads is a public JSON route any client can read; the page itself
is static files (:mod:`oracle_node.api.pages`) with no other way into the node.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Response, status
from prometheus_client import CONTENT_TYPE_LATEST
from web3 import Web3

from oracle_node import __version__
from oracle_node.api.deps import Authorized, Node, NodeView
from oracle_node.api.pages import add_pages
from oracle_node.api.schemas import (
    ChainOut,
    ChallengesOut,
    EarningPoint,
    EarningsOut,
    HealthOut,
    InferenceIn,
    InferenceOut,
    JobOut,
    JobsOut,
    ModelsOut,
    NodeOut,
    OpenPostingOut,
    OptimisticOut,
    ReadyOut,
    WatchedOut,
    WithdrawalOut,
    WithdrawIn,
    WithdrawOut,
)
from oracle_node.encoding import float_to_int, int_to_float
from oracle_node.exceptions import ModelNotServedError, OracleError, StoreError
from oracle_node.store import Job, JobState
from oracle_node.watchlog import WATCH_OPEN_STATES, WatchState

_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"description": "the RPC endpoint does not answer"}
}


def _job_out(job: Job, with_proof: bool = True) -> JobOut:
    data = job.public()
    if not with_proof:
        data["proof"] = None
    return JobOut.model_validate(data)


def create_app(node: NodeView) -> FastAPI:
    app = FastAPI(
        title="oracle-node operator API", version=__version__, docs_url=None, redoc_url=None
    )
    app.state.node = node
    add_pages(app)

    @app.get("/health", tags=["status"], response_model=HealthOut)
    def health(node: Node, response: Response) -> HealthOut:
        """Liveness: the node's service threads run."""
        report = HealthOut.model_validate(node.health())
        if not report.ok:
            response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return report

    @app.get("/ready", tags=["status"], response_model=ReadyOut)
    def ready(node: Node, response: Response) -> ReadyOut:
        """Readiness: models loaded, listener caught up, no RPC error right now."""
        report = ReadyOut.model_validate(node.readiness())
        if not report.ready:
            response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return report

    @app.get(
        "/metrics",
        tags=["status"],
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text"}},
    )
    def metrics(node: Node) -> Response:
        """Prometheus text format: jobs, stage latencies, money, listener lag, the process."""
        return Response(node.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/node", tags=["node"], response_model=NodeOut, responses=_UNAVAILABLE)
    def identity(node: Node) -> NodeOut:
        """Address, stake, unbonding, balance and withdrawable credits, read from the chain."""
        try:
            account = node.account()
        except Exception as exc:  # the RPC's own errors: connection, timeout, JSON
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, f"cannot read the chain: {exc}"
            ) from None
        return NodeOut(
            address=account.address,
            version=__version__,
            uptime_s=None if node.started_at is None else time.time() - node.started_at,
            active=account.active,
            stake_wei=str(account.stake_wei),
            unbonding=account.unbonding,
            unlock_at=account.unlock_at,
            open_assignments=account.open_assignments,
            models=account.models,
            balance_wei=str(account.balance_wei),
            fee_credit_wei=str(account.fee_credit_wei),
            slash_credit_wei=str(account.slash_credit_wei),
            withdrawable_wei=str(account.withdrawable_wei),
            block_number=account.block_number,
            chain=ChainOut.model_validate(node.chain_status()),
        )

    @app.get("/v1/earnings", tags=["node"], response_model=EarningsOut)
    def earnings(
        node: Node, since: float = Query(0.0, ge=0, description="unix time")
    ) -> EarningsOut:
        """Fees earned, gas spent and profit, with running totals per settled job."""
        fees = gas = gas_used = fulfilled = 0
        series = []
        for job in node.store.settled_since(since):
            fee = job.fee_wei if job.state is JobState.FULFILLED else 0
            fulfilled += job.state is JobState.FULFILLED
            fees, gas, gas_used = fees + fee, gas + job.gas_wei, gas_used + job.gas_used
            series.append(
                EarningPoint(
                    t=job.updated_at,
                    request_id=str(job.request_id),
                    fee_wei=str(fee),
                    gas_wei=str(job.gas_wei),
                    fees_total_wei=str(fees),
                    gas_total_wei=str(gas),
                )  # fmt: skip
            )
        return EarningsOut(
            fulfilled=fulfilled, fees_earned_wei=str(fees), gas_used=gas_used,
            gas_spent_wei=str(gas), profit_wei=str(fees - gas), series=series,
        )  # fmt: skip

    @app.post(
        "/v1/withdraw",
        tags=["node"],
        dependencies=[Authorized],
        response_model=WithdrawOut,
        responses={422: {"description": "bad recipient, or a withdrawal reverted"}},
    )
    def withdraw(node: Node, body: WithdrawIn | None = None) -> WithdrawOut:
        """Withdraw the fee credit and the slash credit (not the stake) to ``to``."""
        to = body.to if body is not None and body.to else node.address
        if not Web3.is_address(to):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"{to!r} is not an address")
        try:
            done = node.withdraw(Web3.to_checksum_address(to))
        except OracleError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
        return WithdrawOut(
            to=Web3.to_checksum_address(to),
            withdrawn_wei=str(sum(w.amount_wei for w in done)),
            transactions=[
                WithdrawalOut(
                    what=w.what,
                    amount_wei=str(w.amount_wei),
                    tx_hash=w.tx_hash,
                    gas_used=w.gas_used,
                )  # fmt: skip
                for w in done
            ],
        )

    @app.get("/v1/models", tags=["models"], response_model=ModelsOut)
    def models(node: Node) -> ModelsOut:
        """Served models with their proving-key state, and why others are refused."""
        return ModelsOut.model_validate(
            {
                "served": [m.describe() for m in node.models.models.values()],
                "refused": {str(k): v for k, v in node.models.refused.items()},
            }
        )

    @app.get("/v1/jobs", tags=["jobs"], response_model=JobsOut)
    def jobs(
        node: Node,
        state: JobState | None = None,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
        proof: bool = Query(True, description="include the proof bytes"),
    ) -> JobsOut:
        """The newest jobs first, with counts per state."""
        listed = node.store.list_jobs(state, limit=limit, offset=offset)
        return JobsOut(jobs=[_job_out(job, proof) for job in listed], counts=node.store.counts())

    @app.get("/v1/jobs/{request_id}", tags=["jobs"], response_model=JobOut)
    def job(node: Node, request_id: int) -> JobOut:
        try:
            return _job_out(node.store.get(request_id))
        except StoreError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None

    @app.get("/v1/optimistic", tags=["optimistic"], response_model=OptimisticOut)
    def optimistic(node: Node) -> OptimisticOut:
        """Our postings in their window and the stake they put at risk; challenges made and
        suffered."""
        bonds = {model_id: m.bond for model_id, m in node.models.models.items()}
        open_postings = [
            OpenPostingOut(
                request_id=str(job.request_id),
                model_id=job.model_id,
                final_at=job.final_at or 0,
                fee_wei=str(job.fee_wei),
                bond_wei=str(bonds.get(job.model_id, 0)),
                output=[str(x) for x in job.output or []],
            )  # fmt: skip
            for job in node.store.in_state(JobState.POSTED)
        ]
        ours = node.store.optimistic_counts()
        checked = node.store.watch_counts()
        return OptimisticOut(
            time=node.chain_status().get("time"),
            open_postings=open_postings,
            stake_at_risk_wei=str(sum(int(p.bond_wei) for p in open_postings)),
            posted=ours["posted"],
            finalised=ours["finalised"],
            challenges_suffered=ours["lost"],
            challenges_made=checked[WatchState.CHALLENGED.value],
            challenges_in_progress=sum(
                checked[state.value] for state in WATCH_OPEN_STATES if state is not WatchState.SEEN
            ),
            checked=checked,
        )

    @app.get("/v1/challenges", tags=["optimistic"], response_model=ChallengesOut)
    def challenges(
        node: Node,
        state: WatchState | None = None,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> ChallengesOut:
        """Postings of other nodes this node checked, newest first: agreed, or proven wrong and
        challenged."""
        rows = node.store.list_watched(state, limit=limit, offset=offset)
        return ChallengesOut(
            postings=[WatchedOut.model_validate(row.public()) for row in rows],
            counts=node.store.watch_counts(),
        )

    @app.post("/v1/inferences", tags=["inference"], dependencies=[Authorized])
    async def infer(node: Node, body: InferenceIn) -> InferenceOut:
        """Run and prove the model on an off-chain input; returns output, proof, instances."""
        try:
            model = node.models.get(body.model_id)
        except ModelNotServedError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        m = model.manifest
        try:
            values = body.input or [float_to_int(v, m.input_scale) for v in body.input_float or []]
            started = time.monotonic()
            # onnxruntime blocks: run it on a worker thread, not on the event loop.
            onnx_output = await asyncio.to_thread(model.infer, values)
            infer_s = time.monotonic() - started
        except OracleError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
        try:
            outcome = await asyncio.wrap_future(node.pool.submit(model.dir, model.srs_path, values))
        except OracleError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
        node.metrics.proof_done("api")
        node.metrics.observe("prove", outcome.prove_s)
        return InferenceOut(
            model_id=body.model_id,
            input=[str(x) for x in values],
            output=[str(x) for x in outcome.outputs],
            output_float=[int_to_float(x, m.output_scale) for x in outcome.outputs],
            onnx_output=onnx_output,
            proof="0x" + outcome.proof.hex(),
            instances=[str(x) for x in outcome.instances],
            timings={
                "infer_s": infer_s,
                "witness_s": outcome.witness_s,
                "prove_s": outcome.prove_s,
            },
        )

    @app.post(
        "/v1/jobs/{request_id}/retry", tags=["jobs"], dependencies=[Authorized],
        response_model=JobOut,
    )  # fmt: skip
    def retry(node: Node, request_id: int) -> JobOut:
        """Put a failed job back to ``new`` (e.g. after fixing a model folder)."""
        if not node.store.transition(request_id, [JobState.FAILED], JobState.NEW, reason=None):
            raise HTTPException(status.HTTP_409_CONFLICT, f"request {request_id} is not failed")
        return _job_out(node.store.get(request_id))

    return app
