"""Dependencies of the API routes; each can be replaced with ``app.dependency_overrides``."""

from __future__ import annotations

import hmac
from typing import Annotated, Any, Protocol

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from oracle_node.chain.account import AccountState, Withdrawal
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
    address: str
    started_at: float | None

    def health(self) -> dict[str, Any]: ...

    def readiness(self) -> dict[str, Any]: ...

    def account(self, max_age: float = 2.0) -> AccountState: ...

    def chain_status(self) -> dict[str, Any]: ...

    def withdraw(self, to: str | None = None) -> list[Withdrawal]: ...


def get_node(request: Request) -> NodeView:
    node: NodeView = request.app.state.node
    return node


def get_settings(node: Annotated[NodeView, Depends(get_node)]) -> NodeSettings:
    return node.settings


# auto_error=False: a missing or non-bearer header reaches require_token as None, which then
# answers with this API's own 401/403 messages; the scheme still shows in the OpenAPI docs.
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="OperatorToken",
    description="The node's `api.token` (`ORACLE_API__TOKEN`); needed by every mutating route.",
)


def require_token(
    settings: Annotated[NodeSettings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Mutating endpoints need ``Authorization: Bearer <api.token>``; none without a token set."""
    token = settings.api.token
    if token is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "mutating endpoints are disabled: set api.token"
        )
    given = credentials.credentials if credentials is not None else ""
    if credentials is None or not hmac.compare_digest(given, token.get_secret_value()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "missing or wrong bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip


Node = Annotated[NodeView, Depends(get_node)]
Authorized = Depends(require_token)
