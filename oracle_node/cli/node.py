"""``oracle-node run | register | unstake | withdraw | status``: the operator's commands.

All read the node settings (environment ``ORACLE_*`` and the optional ``--config`` TOML file).
"""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path
from typing import Any

import click

from oracle_node.settings import NodeSettings, load_settings

config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="TOML settings file (default: $ORACLE_CONFIG_FILE; the environment overrides it)",
)


def _chain(settings: NodeSettings) -> tuple[Any, Any, Any]:
    from oracle_node.chain.contracts import open_contracts
    from oracle_node.keys import load_signer

    settings.require_chain()
    contracts = open_contracts(settings.chain)
    return contracts.w3, contracts, load_signer(settings.keys)


def _send(w3: Any, signer: Any, contracts: Any, call: Any, what: str, value: int = 0) -> None:
    from oracle_node.chain.tx import send_transaction

    receipt = send_transaction(w3, signer, call, contracts.decoder, value=value, what=what)
    click.echo(f"{what}: mined in block {receipt['blockNumber']} (gas {receipt['gasUsed']})")


@click.command()
@config_option
@click.option("-v", "--verbose", is_flag=True, help="debug logging")
def run(config_file: Path | None, verbose: bool) -> None:
    """Run the node: listen, infer, prove, fulfil; serve the operator API."""
    from oracle_node.node.runner import OracleNode

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    node = OracleNode(load_settings(config_file))
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
@config_option
@click.option("--stake", "stake_wei", type=int, default=0, help="wei to add to the stake")
@click.option("--model", "model_ids", type=int, multiple=True, help="model id to serve (repeat)")
def register(config_file: Path | None, stake_wei: int, model_ids: tuple[int, ...]) -> None:
    """Stake and declare the models this node serves (default: those in the settings)."""
    settings = load_settings(config_file)
    w3, contracts, signer = _chain(settings)
    registry = contracts.node_registry
    if stake_wei:
        _send(
            w3, signer, contracts, registry.functions.stake(), f"stake {stake_wei} wei", stake_wei
        )
    serving = set(registry.functions.getNodeModels(signer.address).call())
    for model_id in model_ids or tuple(m.id for m in settings.models):
        if model_id in serving:
            click.echo(f"model {model_id}: already served")
            continue
        _send(w3, signer, contracts, registry.functions.addModel(model_id), f"add model {model_id}")


@click.command()
@config_option
def unstake(config_file: Path | None) -> None:
    """Leave every draw pool and start the unbonding period."""
    w3, contracts, signer = _chain(load_settings(config_file))
    _send(w3, signer, contracts, contracts.node_registry.functions.requestUnstake(), "unstake")
    node = contracts.node_registry.functions.getNode(signer.address).call()
    click.echo(f"stake withdrawable from unix time {node[1]}")


@click.command()
@config_option
@click.option("--to", "recipient", default=None, help="recipient (default: the node's address)")
def withdraw(config_file: Path | None, recipient: str | None) -> None:
    """Withdraw fees earned, slash credit, and the stake once unbonded."""
    from oracle_node.chain.account import withdraw_credits
    from oracle_node.chain.tx import send_transaction

    w3, contracts, signer = _chain(load_settings(config_file))
    to = w3.to_checksum_address(recipient or signer.address)

    def send(call: Any, what: str) -> Any:
        receipt = send_transaction(w3, signer, call, contracts.decoder, what=what)
        click.echo(f"{what}: mined in block {receipt['blockNumber']} (gas {receipt['gasUsed']})")
        return receipt

    did = bool(withdraw_credits(contracts, signer.address, to, send))
    registry = contracts.node_registry.functions
    if registry.getNode(signer.address).call()[1]:
        send(registry.withdrawStake(to), "withdraw stake")
        did = True
    if not did:
        click.echo("nothing to withdraw")


@click.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def status(config_file: Path | None, as_json: bool) -> None:
    """Stake, models, credits and local job counts of this node."""
    from oracle_node.chain.account import read_account
    from oracle_node.store import JobStore

    settings = load_settings(config_file)
    _, contracts, signer = _chain(settings)
    account = read_account(contracts, signer.address)
    report: dict[str, Any] = {
        "address": account.address,
        "active": account.active,
        "stake_wei": str(account.stake_wei),
        "unlock_at": account.unlock_at,
        "open_assignments": account.open_assignments,
        "models": account.models,
        "balance_wei": str(account.balance_wei),
        "fees_wei": str(account.fee_credit_wei),
        "slash_credit_wei": str(account.slash_credit_wei),
    }
    if settings.db_path.is_file():
        store = JobStore(settings.db_path)
        report["jobs"] = store.counts()
        store.close()
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        click.echo(f"{key:>17}: {value}")


COMMANDS = (run, register, unstake, withdraw, status)
