"""Request and response bodies of the API (big integers travel as decimal strings)."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from oracle_node.store import JobState
from oracle_node.watchlog import WatchState


class InferenceIn(BaseModel):
    """An off-chain input: fixed-point ints at the model's input scale, or floats."""

    model_id: int = Field(ge=0)
    input: list[int] | None = Field(default=None, description="ints at the input scale")
    input_float: list[float] | None = Field(default=None, description="floats, quantized here")

    @model_validator(mode="after")
    def _one_input(self) -> InferenceIn:
        if (self.input is None) == (self.input_float is None):
            raise ValueError("give exactly one of input and input_float")
        return self


class InferenceOut(BaseModel):
    model_id: int
    input: list[str]
    output: list[str] = Field(description="the circuit's outputs at the output scale")
    output_float: list[float]
    onnx_output: list[float] = Field(description="onnxruntime's float outputs, for comparison")
    proof: str = Field(description="0x hex proof bytes, as fulfill takes them")
    instances: list[str] = Field(description="public instances (input felts, output felts)")
    timings: dict[str, float]


# ------------------------------------------------------------------------------- status


class HealthOut(BaseModel):
    ok: bool = Field(description="every service thread runs")
    services: dict[str, bool]


class ReadyOut(BaseModel):
    ready: bool
    problems: list[str] = Field(description="why the node is not ready (not staked, ...)")
    lag_blocks: int | None = Field(
        default=None, description="blocks between the chain head and the last block scanned"
    )
    head_age_s: float | None = Field(
        default=None, description="seconds since the chain's newest block"
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="what does not stop the node but may stall it (a chain that stopped mining)",
    )


# ------------------------------------------------------------------------------- models


class ProvingKeyOut(BaseModel):
    state: str = Field(description="ready | missing | not built")
    path: str | None
    bytes: int | None
    ready_s: float | None = Field(description="seconds the key took to build or find at start")


class ModelOut(BaseModel):
    model_id: int
    name: str
    onnx_sha256: str
    vk_sha256: str
    input_len: int
    output_len: int
    input_scale: int
    output_scale: int
    logrows: int
    provider: str = Field(description="onnxruntime execution provider")
    proving_key: ProvingKeyOut
    challenge_window: int = Field(
        default=0, description="seconds a posting stays open to challenge (0: Proven only)"
    )
    bond_wei: str = Field(default="0", description="what a posting proven wrong costs its poster")


class ModelsOut(BaseModel):
    served: list[ModelOut]
    refused: dict[str, str] = Field(description="model id -> why it is not served")


# --------------------------------------------------------------------------------- jobs


class JobOut(BaseModel):
    request_id: str
    model_id: int
    state: JobState
    reason: str | None = Field(description="why the job failed (an error)")
    taken_by: str | None
    note: str | None = Field(
        default=None, description="not an error: e.g. another node settled the request"
    )
    primary_node: str
    block_number: int
    input: list[str]
    output: list[str] | None
    float_output: list[float] | None
    proof: str | None = Field(description="0x hex; null when not proved or not asked for")
    tx_hash: str | None
    attempts: int
    timings: dict[str, float] = Field(description="seconds per stage (infer_s, prove_s, ...)")
    fee_wei: str
    gas_used: int = Field(
        description="gas of this job's mined fulfilment transactions (a batch's share)"
    )
    gas_wei: str = Field(description="what that gas cost")
    batch: list[str] | None = Field(
        default=None,
        description="request ids one batched proof and transaction cover, in slot order",
    )
    optimistic: bool = Field(default=False, description="answered by a posting, not a proof")
    final_at: int | None = Field(
        default=None, description="block time our posting becomes final (once it is mined)"
    )
    created_at: float
    updated_at: float


class JobsOut(BaseModel):
    jobs: list[JobOut]
    counts: dict[str, int]


# ---------------------------------------------------------------------------- the node


class ChainOut(BaseModel):
    chain_id: int
    time: int | None = Field(default=None, description="the newest block's timestamp seen")
    head: int | None
    safe_head: int | None
    cursor: int | None = Field(description="last block the listener scanned")
    lag_blocks: int | None
    last_error: str | None


class NodeOut(BaseModel):
    """Who the node is on chain, and what it holds there."""

    address: str
    version: str
    uptime_s: float | None
    active: bool = Field(description="in the draw pools of its models")
    stake_wei: str
    unbonding: bool
    unlock_at: int = Field(description="unix time the stake can be withdrawn; 0 if not unbonding")
    open_assignments: int
    models: list[int] = Field(description="model ids declared in the registry")
    balance_wei: str
    fee_credit_wei: str = Field(description="fees in the coordinator, not yet withdrawn")
    slash_credit_wei: str = Field(description="slash credit in the registry")
    withdrawable_wei: str
    block_number: int = Field(description="block these figures were read at")
    chain: ChainOut


class EarningPoint(BaseModel):
    t: float = Field(description="unix time the job settled")
    request_id: str
    fee_wei: str
    gas_wei: str
    fees_total_wei: str
    gas_total_wei: str


class EarningsOut(BaseModel):
    fulfilled: int
    fees_earned_wei: str = Field(description="fees of the requests this node fulfilled")
    gas_used: int
    gas_spent_wei: str = Field(description="wei paid for fulfilment gas (reverts included)")
    profit_wei: str = Field(description="fees earned minus gas spent (may be negative)")
    series: list[EarningPoint] = Field(description="running totals, oldest first")


class WithdrawIn(BaseModel):
    to: str | None = Field(default=None, description="recipient; the node's address if omitted")


class WithdrawalOut(BaseModel):
    what: str
    amount_wei: str
    tx_hash: str
    gas_used: int


class WithdrawOut(BaseModel):
    to: str
    withdrawn_wei: str
    transactions: list[WithdrawalOut] = Field(description="empty when there was nothing to take")


# --------------------------------------------------------------------------- optimistic


class OpenPostingOut(BaseModel):
    request_id: str
    model_id: int
    final_at: int = Field(description="block time from which it can no longer be challenged")
    fee_wei: str
    bond_wei: str = Field(description="what this posting costs if it is proven wrong")
    output: list[str]


class OptimisticOut(BaseModel):
    """This node's Optimistic settlement: its postings and its challenges."""

    time: int | None = Field(description="the chain's time (newest block timestamp seen)")
    open_postings: list[OpenPostingOut] = Field(description="our postings still in their window")
    stake_at_risk_wei: str = Field(description="the bonds of those postings")
    posted: int = Field(description="our postings mined, ever")
    finalised: int = Field(description="our postings finalised")
    challenges_suffered: int = Field(description="our postings proven wrong (we were slashed)")
    challenges_made: int = Field(description="wrong postings of others we proved and challenged")
    challenges_in_progress: int = Field(description="wrong postings being proven or challenged")
    checked: dict[str, int] = Field(description="others' postings we checked, per state")


class WatchedOut(BaseModel):
    """A posting of another node that this node checked."""

    request_id: str
    model_id: int
    poster: str
    state: WatchState
    reason: str | None
    final_at: int
    fee_wei: str
    posted_output: list[str]
    output: list[str] | None = Field(description="the circuit's output for the request's input")
    tx_hash: str | None = Field(description="our challenge transaction")
    slashed_wei: str = Field(description="what the poster lost to our challenge")
    gas_used: int
    gas_wei: str
    timings: dict[str, float]
    block_number: int
    created_at: float
    updated_at: float


class ChallengesOut(BaseModel):
    postings: list[WatchedOut]
    counts: dict[str, int]
