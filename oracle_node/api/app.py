"""The FastAPI application; OpenAPI at ``/openapi.json``, docs at ``/docs``."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Response, status

from oracle_node import __version__
from oracle_node.api.deps import Authorized, Node, NodeView
from oracle_node.api.schemas import InferenceIn, InferenceOut, JobsOut
from oracle_node.encoding import float_to_int, int_to_float
from oracle_node.exceptions import ModelNotServedError, OracleError, StoreError
from oracle_node.store import JobState


def create_app(node: NodeView) -> FastAPI:
    app = FastAPI(title="oracle-node operator API", version=__version__)
    app.state.node = node

    @app.get("/health", tags=["status"])
    def health(node: Node, response: Response) -> dict[str, Any]:
        """Liveness: the node's service threads run."""
        report = node.health()
        if not report["ok"]:
            response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return report

    @app.get("/ready", tags=["status"])
    def ready(node: Node, response: Response) -> dict[str, Any]:
        """Readiness: models loaded, listener caught up, no RPC error right now."""
        report = node.readiness()
        if not report["ready"]:
            response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return report

    @app.get("/metrics", tags=["status"], response_class=Response)
    def metrics(node: Node) -> Response:
        """Prometheus text format."""
        return Response(node.metrics.render(), media_type="text/plain; version=0.0.4")

    @app.get("/v1/models", tags=["models"])
    def models(node: Node) -> dict[str, Any]:
        return {
            "served": [m.describe() for m in node.models.models.values()],
            "refused": {str(k): v for k, v in node.models.refused.items()},
        }

    @app.get("/v1/jobs", tags=["jobs"], response_model=JobsOut)
    def jobs(
        node: Node,
        state: JobState | None = None,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> JobsOut:
        listed = node.store.list_jobs(state, limit=limit, offset=offset)
        return JobsOut(jobs=[job.public() for job in listed], counts=node.store.counts())

    @app.get("/v1/jobs/{request_id}", tags=["jobs"])
    def job(node: Node, request_id: int) -> dict[str, Any]:
        try:
            return node.store.get(request_id).public()
        except StoreError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None

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

    @app.post("/v1/jobs/{request_id}/retry", tags=["jobs"], dependencies=[Authorized])
    def retry(node: Node, request_id: int) -> dict[str, Any]:
        """Put a failed job back to ``new`` (e.g. after fixing a model folder)."""
        if not node.store.transition(request_id, [JobState.FAILED], JobState.NEW, reason=None):
            raise HTTPException(status.HTTP_409_CONFLICT, f"request {request_id} is not failed")
        return node.store.get(request_id).public()

    return app
