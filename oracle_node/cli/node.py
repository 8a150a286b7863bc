"""``oracle-node run | watch | register | status | doctor | unstake | withdraw | remove-model |
cancel``: the node operator's commands.

All read the node settings (environment ``ORACLE_*`` and the optional ``--config`` TOML
file); ``--rpc``, ``--deployment``, ``--keystore`` and ``--password-file`` override them.
Read-only commands (``status``) never decrypt the key.
"""

from __future__ import annotations

import json
import signal
from typing import Any

import click

from oracle_node.cli.common import (
    ChainArgs,
    address_of,
    chain_options,
    contracts_for,
    eth,
    iso,
    parse_eth,
    send,
    signer,
    table,
    until,
)
from oracle_node.exceptions import InsufficientFundsError, OracleError
from oracle_node.logs import FORMATS, configure_logging

# Gas a registration may use, per transaction, for the balance check before it is sent.
REGISTER_GAS_PER_TX = 200_000


LOG_FORMAT = click.option(
    "--log-format", type=click.Choice(FORMATS), default="text", show_default=True,
    envvar="ORACLE_LOG_FORMAT", help="text lines, or one JSON object per line (for log shippers)",
)  # fmt: skip


@click.command()
@chain_options
@click.option("-v", "--verbose", is_flag=True, help="debug logging")
@LOG_FORMAT
def run(
    chain: ChainArgs,
    verbose: bool,
    log_format: str,
) -> None:
    """Run the node: listen, infer, prove, fulfil or post; watch others' postings; serve the
    operator API."""
    _serve(chain, verbose, log_format, watch_only=False)


@click.command()
@chain_options
@click.option("-v", "--verbose", is_flag=True, help="debug logging")
@LOG_FORMAT
def watch(
    chain: ChainArgs,
    verbose: bool,
    log_format: str,
) -> None:
    """Only watch: check every optimistic posting of the configured models, prove and
    challenge wrong ones (needs a key to send challenges; serves no requests)."""
    _serve(chain, verbose, log_format, watch_only=True)


def _serve(chain: ChainArgs, verbose: bool, log_format: str, *, watch_only: bool) -> None:
    from oracle_node.node.runner import OracleNode

    configure_logging(verbose=verbose, fmt=log_format)
    node = OracleNode(chain.settings(), watch_only=watch_only)
    api = None
    if node.settings.api.enabled:
        from oracle_node.api.server import ApiService

        api = ApiService(node, node.settings.api)
        node.add_service(api)
    node.start()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: node.stop())
    if api is not None:
        click.echo(f"operator API on {api.url}")
    while not node.wait(1.0):
        pass
    click.echo("node stopped")


@click.command()
@chain_options
@click.option(
    "--stake",
    "stake_text",
    default=None,
    help="amount to add to the stake, e.g. 1.5 (ETH) or 10wei",
)
@click.option("--model", "model_ids", type=int, multiple=True, help="model id to serve (repeat)")
def register(
    chain: ChainArgs,
    stake_text: str | None,
    model_ids: tuple[int, ...],
) -> None:
    """Stake and declare the models this node serves (default: those in the settings)."""
    settings = chain.settings()
    contracts = contracts_for(settings)
    account = signer(settings)
    registry = contracts.node_registry.functions
    stake_wei = parse_eth(stake_text) if stake_text else 0
    serving = set(registry.getNodeModels(account.address).call())
    wanted = [m for m in (model_ids or tuple(m.id for m in settings.models)) if m not in serving]
    _check_funds(contracts, account.address, stake_wei, len(wanted) + (1 if stake_wei else 0))
    if stake_wei:
        send(contracts, account, registry.stake(), f"stake {eth(stake_wei)}", stake_wei)
    for model_id in model_ids or tuple(m.id for m in settings.models):
        if model_id in serving:
            click.echo(f"model {model_id}: already served")
            continue
        send(contracts, account, registry.addModel(model_id), f"add model {model_id}")


def _check_funds(contracts: Any, address: str, value: int, transactions: int) -> None:
    """Refuse, before sending anything, when the account cannot pay ``value`` plus gas."""
    w3 = contracts.w3
    balance = int(w3.eth.get_balance(address))
    gas = transactions * REGISTER_GAS_PER_TX * int(w3.eth.gas_price)
    if balance < value + gas:
        raise InsufficientFundsError(
            f"{address} holds {eth(balance)}: fund it with at least {eth(value + gas - balance)} "
            f"more ({eth(value)} stake + about {eth(gas)} gas), then run this again"
        )


@click.command()
@chain_options
def unstake(
    chain: ChainArgs,
) -> None:
    """Leave every draw pool and start the unbonding period."""
    settings = chain.settings()
    contracts = contracts_for(settings)
    account = signer(settings)
    registry = contracts.node_registry.functions
    send(contracts, account, registry.requestUnstake(), "unstake")
    unlock_at = int(registry.getNode(account.address).call()[1])
    now = _chain_now(contracts)
    click.echo(
        f"stake withdrawable from {iso(unlock_at)} (in {until(unlock_at, now)}): "
        "run `oracle-node withdraw` then"
    )


@click.command()
@chain_options
@click.option("--to", "recipient", default=None, help="recipient (default: the node's address)")
def withdraw(
    chain: ChainArgs,
    recipient: str | None,
) -> None:
    """Withdraw fees earned, slash credit, and the stake once unbonded."""
    settings = chain.settings()
    contracts = contracts_for(settings)
    account = signer(settings)
    from oracle_node.chain.account import read_account, withdraw_credits

    to = contracts.w3.to_checksum_address(recipient or account.address)
    done = withdraw_credits(
        contracts, account.address, to, lambda call, what: send(contracts, account, call, what)
    )
    did = bool(done)
    state = read_account(contracts, account.address)
    stake, unlock_at, open_assignments = state.stake_wei, state.unlock_at, state.open_assignments
    now = _chain_now(contracts)
    if unlock_at and stake:
        if now < unlock_at:
            message = f"stake {eth(stake)} withdrawable from {iso(unlock_at)} (in {until(unlock_at, now)})"
            if not did:
                raise OracleError(f"nothing to withdraw yet: {message}")
            click.echo(message)
        elif open_assignments:
            click.echo(f"stake {eth(stake)} waits for {open_assignments} open assignment(s) to end")
        else:
            call = contracts.node_registry.functions.withdrawStake(to)
            send(contracts, account, call, f"withdraw stake {eth(stake)}")
            did = True
    if not did:
        click.echo("nothing to withdraw")


def _chain_now(contracts: Any) -> int:
    return int(contracts.w3.eth.get_block("latest")["timestamp"])


@click.command("remove-model")
@click.argument("model_id", type=int)
@chain_options
def remove_model(
    model_id: int,
    chain: ChainArgs,
) -> None:
    """Stop serving MODEL_ID: leave its draw pool (open assignments still count)."""
    settings = chain.settings()
    contracts = contracts_for(settings)
    account = signer(settings)
    send(
        contracts,
        account,
        contracts.node_registry.functions.removeModel(model_id),
        f"remove model {model_id}",
    )


@click.command()
@click.argument("request_id", type=int)
@chain_options
def cancel(
    request_id: int,
    chain: ChainArgs,
) -> None:
    """Cancel REQUEST_ID after its deadline: the requester is refunded, the primary slashed."""
    from oracle_node.chain.contracts import commitment_tuple

    settings = chain.settings()
    contracts = contracts_for(settings)
    coordinator = contracts.coordinator
    logs = coordinator.events.InferenceRequested().get_logs(
        from_block=settings.chain.start_block, argument_filters={"requestId": request_id}
    )
    if not logs:
        raise OracleError(f"request {request_id} was never made on this deployment")
    commitment = logs[-1]["args"]["commitment"]
    if int.from_bytes(bytes(coordinator.functions.commitmentOf(request_id).call()), "big") == 0:
        raise OracleError(f"request {request_id} is settled already (fulfilled or cancelled)")
    deadline = int(commitment["deadline"])
    now = _chain_now(contracts)
    if now <= deadline:
        raise OracleError(
            f"request {request_id} can be cancelled after {iso(deadline)} (in {until(deadline + 1, now)})"
        )
    account = signer(settings)
    call = coordinator.functions.cancelRequest(request_id, commitment_tuple(commitment))
    send(contracts, account, call, f"cancel request {request_id}")


def _job_summary(job: Any) -> dict[str, Any]:
    """A job as ``status`` shows it: the API's view, with the proof's size instead of its bytes
    (the API's ``/v1/jobs/{id}`` has the proof)."""
    summary: dict[str, Any] = job.public()
    proof = summary.pop("proof", None)
    summary["proof_bytes"] = 0 if proof is None else (len(proof) - 2) // 2
    return summary


@click.command()
@chain_options
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option(
    "--jobs", "job_rows", type=int, default=10, show_default=True, help="recent jobs shown"
)
def status(
    chain: ChainArgs,
    as_json: bool,
    job_rows: int,
) -> None:
    """Stake, models, credits and jobs of this node (read-only: the key is not decrypted)."""
    from oracle_node.store import JobStore

    settings = chain.settings(with_key=False)
    address = address_of(settings.keys)
    contracts = contracts_for(settings)
    from oracle_node.chain.account import read_account

    state = read_account(contracts, address)
    stake, unlock_at, open_assignments = state.stake_wei, state.unlock_at, state.open_assignments
    now = _chain_now(contracts)
    report: dict[str, Any] = {
        "address": address,
        "chain_id": int(contracts.w3.eth.chain_id),
        "active": state.active,
        "balance_wei": str(state.balance_wei),
        "stake_wei": str(stake),
        "min_stake_wei": str(contracts.node_registry.functions.minStake().call()),
        "unlock_at": iso(unlock_at) if unlock_at else None,
        "open_assignments": open_assignments,
        "models": state.models,
        "fees_wei": str(state.fee_credit_wei),
        "slash_credit_wei": str(state.slash_credit_wei),
        "jobs": {},
        "recent_jobs": [],
    }
    if settings.db_path.is_file():
        store = JobStore(settings.db_path)
        try:
            report["jobs"] = {k: v for k, v in store.counts().items() if v}
            report["recent_jobs"] = [_job_summary(job) for job in store.list_jobs(limit=job_rows)]
        finally:
            store.close()
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    unbonding = "no"
    if unlock_at:
        unbonding = (
            f"yes, stake withdrawable from {report['unlock_at']} (in {until(unlock_at, now)})"
        )
    lines = [
        ("node", address),
        ("chain", str(report["chain_id"])),
        ("active", "yes" if report["active"] else "no"),
        ("balance", eth(int(report["balance_wei"]))),
        ("stake", f"{eth(stake)} (minimum {eth(int(report['min_stake_wei']))})"),
        ("unbonding", unbonding),
        ("assignments", f"{open_assignments} open"),
        ("models", ", ".join(str(m) for m in report["models"]) or "none"),
        ("fees", f"{eth(int(report['fees_wei']))} withdrawable"),
        ("slash credit", eth(int(report["slash_credit_wei"]))),
        ("jobs", ", ".join(f"{k} {v}" for k, v in report["jobs"].items()) or "none"),
    ]
    for label, value in lines:
        click.echo(f"{label:>12}: {value}")
    if report["recent_jobs"]:
        click.echo("")
        click.echo(
            table(
                [
                    [
                        j["request_id"],
                        str(j["model_id"]),
                        j["state"],
                        iso(j["updated_at"]),
                        (j.get("tx_hash") or "")[:18],
                        (j.get("reason") or "")[:40],
                    ]
                    for j in report["recent_jobs"]
                ],
                ["request", "model", "state", "updated", "tx", "reason"],
            )  # fmt: skip
        )


@click.command()
@chain_options
def doctor(
    chain: ChainArgs,
) -> None:
    """Preflight: RPC, chain, deployment, key, balance, stake, models and their verifiers, SRS,
    port, proving keys."""
    from oracle_node.cli.doctor import run_checks

    settings = chain.settings()
    failed = 0
    for ok, line in run_checks(settings):
        click.echo(f"{'WARN' if ok is None else 'ok  ' if ok else 'FAIL'}  {line}")
        failed += ok is False
    if failed:
        raise OracleError(f"{failed} check(s) failed: fix the FAIL lines above")
    click.echo("all checks passed")


COMMANDS = (run, watch, register, status, doctor, unstake, withdraw, remove_model, cancel)
