"""``oracle-node demo``: the protocol end to end on a local anvil chain."""

from __future__ import annotations

import time

import click

from oracle_node.devchain import Anvil


@click.command()
@click.option("--port", type=int, default=8545, show_default=True, help="anvil port on 127.0.0.1")
def demo(port: int) -> None:
    """Start anvil, deploy, call, and shut everything down again.

    Until the node lands this is a smoke run of the toolchain: compile with the offline
    solc-js, deploy to a real anvil, send a transaction and read the state back.
    """
    from ape import project
    from web3 import Web3

    started = time.monotonic()
    click.echo("compiling contracts (offline solc-js)...")
    contract_type = project.Ping.contract_type
    abi = [item.model_dump(mode="json", by_alias=True) for item in contract_type.abi]
    bytecode = (
        contract_type.deployment_bytecode.bytecode if contract_type.deployment_bytecode else None
    )
    if not bytecode:
        raise click.ClickException("Ping has no deployment bytecode")
    with Anvil(port=port) as anvil:
        click.echo(f"anvil ready at {anvil.url}")
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        sender = w3.eth.accounts[0]
        factory = w3.eth.contract(abi=abi, bytecode=bytecode)
        receipt = w3.eth.wait_for_transaction_receipt(
            factory.constructor().transact({"from": sender})
        )
        ping = w3.eth.contract(address=receipt["contractAddress"], abi=abi)
        click.echo(f"deployed Ping at {ping.address} (gas {receipt['gasUsed']})")
        tx = ping.functions.ping().transact({"from": sender})
        w3.eth.wait_for_transaction_receipt(tx)
        value = ping.functions.n().call()
        if value != 1:
            raise click.ClickException(f"expected n() == 1 after one ping, read {value}")
        click.echo(f"ping() mined, n() == {value}")
    click.echo(f"demo smoke run ok in {time.monotonic() - started:.1f} s; anvil stopped")
