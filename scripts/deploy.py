"""Deploy the protocol, deploy each model's verifier and register the model, on any Ape network.

    ape run deploy --network ethereum:local:test
    ape run deploy --network ethereum:local:foundry --model breast_cancer --fee 1000000000000000
    ape run deploy --network ethereum:sepolia:alchemy --account deployer --output deployment.json

Without ``--account`` a local network's first test account deploys. Without ``--model`` every
built circuit folder (``circuits/<name>/manifest.json``) is registered. The logic lives in
:mod:`oracle_node.deploy`, which deploys from the artifacts shipped in the package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from ape import accounts
from ape.cli import ConnectedProviderCommand

from oracle_node.deploy import ProtocolParams, deploy_model, deploy_protocol

ROOT = Path(__file__).resolve().parents[1]
CIRCUITS = ROOT / "circuits"


def _deployer(alias: str | None, provider: Any) -> Any:
    if alias:
        return accounts.load(alias)
    if provider.network.is_local:
        return accounts.test_accounts[0]
    raise click.UsageError("name the deploying account with --account on a non-local network")


@click.command(cls=ConnectedProviderCommand, short_help="Deploy the protocol and register models")
@click.option("--account", "alias", default=None, help="Ape account alias that deploys and owns.")
@click.option("--treasury", default=None, help="Treasury address (default: the deployer).")
@click.option("--model", "models", multiple=True, help="Circuit folder name; repeatable.")
@click.option("--fee", type=int, default=10**15, show_default=True, help="Fee per inference, wei.")
@click.option("--min-stake", type=int, default=ProtocolParams.min_stake, show_default=True)
@click.option("--window", type=int, default=ProtocolParams.exclusive_window, show_default=True)
@click.option("--timeout", type=int, default=ProtocolParams.request_timeout, show_default=True)
@click.option(
    "--output", type=click.Path(path_type=Path), default=None, help="Write addresses here."
)
def cli(
    provider: Any,
    alias: str | None,
    treasury: str | None,
    models: tuple[str, ...],
    fee: int,
    min_stake: int,
    window: int,
    timeout: int,
    output: Path | None,
) -> None:
    deployer = _deployer(alias, provider)
    params = ProtocolParams(min_stake=min_stake, exclusive_window=window, request_timeout=timeout)
    protocol = deploy_protocol(deployer, treasury=treasury, params=params)
    record: dict[str, Any] = {
        "network": provider.network.choice,
        "chainId": provider.chain_id,
        "contracts": protocol.addresses(),
        "models": {},
    }
    names = models or tuple(sorted(p.parent.name for p in CIRCUITS.glob("*/manifest.json")))
    for name in names:
        verifier, model_id = deploy_model(
            deployer, protocol, CIRCUITS / name, fee=fee, verifier_root=ROOT
        )
        record["models"][name] = {"modelId": model_id, "verifier": str(verifier.address)}
    text = json.dumps(record, indent=2)
    click.echo(text)
    if output:
        output.write_text(text + "\n")
