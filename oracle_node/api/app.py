"""The FastAPI application; OpenAPI at ``/openapi.json``, docs at ``/docs``, dashboard at ``/``.

Every route the dashboard reads is a public JSON route any client can read; the page itself
is static files (:mod:`oracle_node.api.pages`) with no other way into the node.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import ValidationError
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
from oracle_node.node.models import LoadedModel
from oracle_node.store import Job, JobState
from oracle_node.watchlog import WATCH_OPEN_STATES, WatchState

_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"description": "the RPC endpoint does not answer"}
}


def _job_out(job: Job, with_proof: bool = True) -> JobOut:
    data = job.public()
    if job.state is JobState.TAKEN and job.taken_by:
        data["note"] = f"taken by {job.taken_by}: another node settled it"
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
        """Readiness: models loaded, staked and active, listener caught up, no RPC error right
        now; with the listener's lag, the head's age and warnings."""
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

    # Off-chain proofs in flight (the event loop is one thread: no lock needed), and how long
    # the last one took, which a refused caller is told to wait.
    proofs = {"in_flight": 0, "last_s": 5.0}

    @app.post(
        "/v1/inferences",
        tags=["inference"],
        dependencies=[Authorized],
        response_model=InferenceOut,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": InferenceIn.model_json_schema()}},
            }
        },
        responses={
            413: {"description": "the body is larger than api.max_body_bytes"},
            422: {"description": "a bad body, or an input the coordinator would refuse "
                  "(InputOutOfRange: detail names the index and the value)"},
            429: {"description": "api.max_concurrent_proofs proofs are running: retry after "
                  "Retry-After seconds"},
        },
    )  # fmt: skip
    async def infer(node: Node, request: Request) -> InferenceOut:
        """Run and prove the model on an off-chain input; returns output, proof, instances.

        The body is :class:`InferenceIn`. The token is checked first, then the body's size
        (``api.max_body_bytes``), then its content, then the input range the coordinator
        applies; at most ``api.max_concurrent_proofs`` such proofs run at once."""
        body = _parse_inference(await _read_body(request, _body_limit(node)))
        try:
            model = node.models.get(body.model_id)
        except ModelNotServedError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        m = model.manifest
        try:
            values = body.input or [float_to_int(v, m.input_scale) for v in body.input_float or []]
            _check_range(values, model.input_bound())
        except OracleError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
        cap = node.settings.api.max_concurrent_proofs
        if proofs["in_flight"] >= cap:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"{cap} off-chain proof(s) running (api.max_concurrent_proofs): retry later",
                headers={"Retry-After": str(max(1, math.ceil(proofs["last_s"])))},
            )
        proofs["in_flight"] += 1
        started = time.monotonic()
        try:
            return await _prove(node, model, body.model_id, values)
        finally:
            proofs["in_flight"] -= 1
            proofs["last_s"] = time.monotonic() - started

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


async def _prove(
    node: NodeView, model: LoadedModel, model_id: int, values: list[int]
) -> InferenceOut:
    m = model.manifest
    try:
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
        model_id=model_id,
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


# A value as JSON text: up to 78 digits and a sign for an int256, ~24 characters for a float,
# plus separators and indentation.
_BYTES_PER_VALUE = 128
_BODY_OVERHEAD = 4096


def _body_limit(node: NodeView) -> int:
    """``api.max_body_bytes``, or room for the largest served model's input."""
    configured = node.settings.api.max_body_bytes
    if configured is not None:
        return configured
    widest = max((m.manifest.input_len for m in node.models.models.values()), default=0)
    return _BODY_OVERHEAD + _BYTES_PER_VALUE * widest


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        413,  # Content Too Large; its constant's name differs across Starlette versions
        f"the body is larger than {limit} bytes, the most this node reads (api.max_body_bytes)",
    )


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 by its Content-Length before any byte is read, or as soon as
    the bytes read (a chunked body) pass ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_inference(raw: bytes) -> InferenceIn:
    """The body as :class:`InferenceIn`; errors answered 422 as FastAPI answers its own."""
    try:
        return InferenceIn.model_validate_json(raw)
    except ValidationError as exc:
        errors: list[dict[str, Any]] = []
        for e in exc.errors(include_url=False):
            error: dict[str, Any] = {**e, "loc": ("body", *e["loc"])}
            if "ctx" in e:  # a validator's exception object is not JSON
                error["ctx"] = {k: str(v) for k, v in e["ctx"].items()}
            errors.append(error)
        raise RequestValidationError(errors) from None


def _check_range(values: list[int], bound: int) -> None:
    """Refuse what the coordinator refuses: the first value with |x| > ``maxAbsInput``, as its
    ``InputOutOfRange(index, value, maxAbs)`` error names it."""
    for index, value in enumerate(values):
        if abs(value) > bound:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_ENTITY,
                {
                    "error": "InputOutOfRange",
                    "index": index,
                    "value": str(value),
                    "max_abs": bound,
                    "message": f"input {index} = {value} is outside the model's provable range "
                    f"|x| <= {bound}: the coordinator reverts InputOutOfRange({index}, {value}, "
                    f"{bound}) for it",
                },
            )
