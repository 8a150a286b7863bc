"""Dependencies of the API routes; each can be replaced with ``app.dependency_overrides``."""

from __future__ import annotations

import hmac
from typing import Annotated, Any, Protocol

from fastapi import Depends, Header, HTTPException, Request, status

from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import ModelSet
from oracle_node.node.provers import ProverBackend
from oracle_node.settings import NodeSettings
from oracle_node.store import JobStore


class NodeView(Protocol):
    """What the API needs from a running node (tests may pass any object that has it)."""

    settings: NodeSettings
    store: JobStore
    models: ModelSet
    pool: ProverBackend
    metrics: NodeMetrics

    def health(self) -> dict[str, Any]: ...

    def readiness(self) -> dict[str, Any]: ...


def get_node(request: Request) -> NodeView:
    node: NodeView = request.app.state.node
    return node


def get_settings(node: Annotated[NodeView, Depends(get_node)]) -> NodeSettings:
    return node.settings


def require_token(
    settings: Annotated[NodeSettings, Depends(get_settings)],
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """Mutating endpoints need ``Authorization: Bearer <api.token>``; none without a token set."""
    token = settings.api.token
    if token is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "mutating endpoints are disabled: set api.token"
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given, token.get_secret_value()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "missing or wrong bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip


Node = Annotated[NodeView, Depends(get_node)]
Authorized = Depends(require_token)
