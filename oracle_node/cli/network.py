"""``oracle-node deploy | models | keys``: the deployer's and the model publisher's commands.

They work against any RPC URL with a named key (an encrypted keystore), and they read and
write the deployment record, the single source of addresses for every role.
"""

from __future__ import annotations

import getpass
import secrets
from pathlib import Path
from typing import Any

import click

from oracle_node.cli.common import (
    ChainArgs,
    chain_options,
    contracts_for,
    eth,
    parse_eth,
    signer,
    table,
)
from oracle_node.exceptions import (
    DeploymentRecordError,
    KeystoreError,
    OracleError,
    VerifierCodeError,
)

# --------------------------------------------------------------------------------- keys


@click.group()
def keys() -> None:
    """Create or import an encrypted signing key (an eth-account keystore, mode 0600)."""


def _new_password(password_file: Path | None) -> str:
    if password_file is not None:
        try:
            password = password_file.read_text().rstrip("\r\n")
        except OSError as exc:
            raise KeystoreError(f"password file {password_file}: {exc}") from None
    else:
        password = click.prompt(
            "password for the new keystore", hide_input=True, confirmation_prompt=True, err=True
        )
    if len(password) < 8:
        raise KeystoreError("the keystore password must have at least 8 characters")
    return str(password)


@keys.command("new")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--password-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="read the password from this file (default: prompt twice)",
)  # fmt: skip
def keys_new(out: Path, password_file: Path | None) -> None:
    """Generate a fresh key and write it encrypted to OUT; prints its address."""
    from oracle_node.keys import write_keystore

    password = _new_password(password_file)
    address = write_keystore("0x" + secrets.token_hex(32), password, out)
    click.echo(f"{address}  written to {out} (fund this address before registering)")


@keys.command("import")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--private-key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="file holding the hex private key (default: prompt, hidden)",
)  # fmt: skip
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path), default=None)
def keys_import(out: Path, private_key_file: Path | None, password_file: Path | None) -> None:
    """Encrypt an existing private key into a keystore at OUT."""
    from eth_account import Account

    from oracle_node.keys import write_keystore

    if private_key_file is not None:
        try:
            raw = private_key_file.read_text().strip()
        except OSError as exc:
            raise KeystoreError(f"private key file {private_key_file}: {exc}") from None
    else:
        raw = getpass.getpass("private key (hex): ").strip()
    try:
        Account.from_key(raw)
    except (ValueError, TypeError):
        raise KeystoreError("that is not a valid private key (64 hex digits)") from None
    address = write_keystore(raw, _new_password(password_file), out)
    click.echo(f"{address}  written to {out}")


# ------------------------------------------------------------------------------- deploy


def _param(values: tuple[str, ...]) -> dict[str, int]:
    from dataclasses import fields

    from oracle_node.protocol import ProtocolParams

    known = {f.name for f in fields(ProtocolParams)}
    out: dict[str, int] = {}
    for item in values:
        name, sep, raw = item.partition("=")
        if not sep or name not in known:
            raise click.BadParameter(
                f"{item!r}: use NAME=INT with NAME one of {', '.join(sorted(known))}",
                param_hint="--param",
            )
        try:
            out[name] = int(raw)
        except ValueError:
            raise click.BadParameter(f"{item!r}: {raw!r} is not an integer") from None
    return out


@click.command()
@chain_options
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="where to write the deployment record, e.g. deployments/sepolia.json",
)  # fmt: skip
@click.option(
    "--network", "network", default=None, help="name kept in the record (default: OUT's stem)"
)
@click.option("--treasury", default=None, help="treasury address (default: the deployer)")
@click.option("--param", "params", multiple=True, help="protocol parameter NAME=INT (repeat)")
@click.option("--force", is_flag=True, help="overwrite an existing record")
def deploy(
    chain: ChainArgs,
    out: Path,
    network: str | None,
    treasury: str | None,
    params: tuple[str, ...],
    force: bool,
) -> None:
    """Deploy the protocol contracts and write the deployment record OUT."""
    from web3 import Web3

    from oracle_node.chain.contracts import connect
    from oracle_node.deployment import save_record
    from oracle_node.protocol import ProtocolParams
    from oracle_node.protocol.publish import deploy_protocol

    if out.exists() and not force:
        raise DeploymentRecordError(
            f"{out} already exists: it records a deployment; choose another --out or pass --force"
        )
    chosen = ProtocolParams(**_param(params))
    settings = chain.settings()
    account = signer(settings)
    w3 = connect(settings.chain.endpoints, settings.chain.chain_id)
    click.echo(f"deploying from {account.address} to chain {w3.eth.chain_id} ...")
    record = deploy_protocol(
        w3,
        account,
        network=network or out.stem,
        params=chosen,
        treasury=Web3.to_checksum_address(treasury) if treasury else None,
        log=click.echo,
    )
    save_record(record, out)
    click.echo(f"deployment record written to {out}")


# ------------------------------------------------------------------------------- models


@click.group()
def models() -> None:
    """Publish a built circuit into a deployment; list and show registered models."""


@models.command("publish")
@click.argument("model_dir", type=click.Path(file_okay=False, path_type=Path))
@chain_options
@click.option("--fee", "fee_text", required=True, help="fee per request, e.g. 0.001 (ETH) or 10wei")
@click.option(
    "--artifacts-uri", required=True,
    help="where operators fetch the circuit folder (https://, ipfs://, file://...)",
)  # fmt: skip
@click.option(
    "--verifier", "verifier", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="where the circuit's generated verifier source is (default: found from the manifest; "
    "it must hash to the manifest's verifier_sha256)",
)  # fmt: skip
@click.option(
    "--verifier-address", default=None,
    help="use this deployed verifier instead of deploying one (its code must be what the "
    "circuit's verifier source compiles to)",
)  # fmt: skip
@click.option(
    "--challenge-window", type=click.IntRange(min=0), default=0, show_default=True,
    help="seconds an optimistic posting stays open to challenge; 0 allows Proven requests only",
)  # fmt: skip
@click.option(
    "--bond", "bond_text", default="0",
    help="stake a wrong optimistic posting costs its poster, paid to its challenger, e.g. 0.05 "
    "(ETH); required with --challenge-window",
)  # fmt: skip
def publish(
    model_dir: Path,
    chain: ChainArgs,
    fee_text: str,
    artifacts_uri: str,
    verifier: Path | None,
    verifier_address: str | None,
    challenge_window: int,
    bond_text: str,
) -> None:
    """Deploy MODEL_DIR's verifier and register the model into an existing deployment.

    The verifier is compiled from the circuit's own hash-checked source, and the code at its
    address is compared with that before anything is registered."""
    from oracle_node.deployment import load_record, save_record
    from oracle_node.protocol import registration_for
    from oracle_node.protocol.publish import publish_model

    if not model_dir.exists():
        raise DeploymentRecordError(f"{model_dir} does not exist: pass a built circuit folder")
    if not (model_dir / "manifest.json").is_file():
        raise DeploymentRecordError(
            f"{model_dir} is not a built circuit folder (no manifest.json): run "
            "`oracle-node circuits build` first"
        )
    bond = parse_eth(bond_text)
    if (challenge_window == 0) != (bond == 0):
        raise click.UsageError(
            "--challenge-window and --bond go together: both set (Optimistic requests allowed) "
            "or both 0 (Proven only)"
        )
    settings = chain.settings()
    record_path = settings.chain.deployment
    if record_path is None:
        raise DeploymentRecordError("publishing needs the deployment record: pass --deployment")
    record = load_record(record_path)
    contracts = contracts_for(settings)
    record.check_chain(int(contracts.w3.eth.chain_id), record_path)
    account = signer(settings)
    registration = registration_for(
        model_dir,
        fee=parse_eth(fee_text),
        artifacts_uri=artifacts_uri,
        challenge_window=challenge_window,
        bond=bond,
        verifier_source=verifier,
    )
    published = publish_model(
        contracts, account, record, registration, verifier_address=verifier_address,
        log=click.echo,
    )  # fmt: skip
    save_record(record, record_path)
    click.echo(
        f"model {published.model_id} ({published.name}) registered, fee {eth(published.fee)}; "
        f"recorded in {record_path}"
    )


def _model_rows(
    contracts: object, ids: list[int], names: dict[int, str]
) -> list[dict[str, object]]:
    rows = []
    for model_id in ids:
        record = contracts.model(model_id)  # type: ignore[attr-defined]
        rows.append(
            {
                "model_id": model_id,
                "name": names.get(model_id, "?"),
                "active": record.active,
                "fee_wei": record.fee,
                "inputs": record.input_len,
                "outputs": record.output_len,
                "input_scale": record.input_scale,
                "output_scale": record.output_scale,
                "max_abs_input": record.max_abs_input,
                "max_callback_gas": record.max_callback_gas,
                "batch_size": record.batch_size,
                "owner": record.owner,
                "artifacts_uri": record.artifacts_uri,
                "verifier": record.verifier,
                "vk_hash": record.vk_hash,
                "ezkl": record.ezkl_version,
                "challenge_window_s": record.challenge_window,
                "bond_wei": record.bond,
            }
        )
    return rows


@models.command("list")
@chain_options
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def list_models(
    chain: ChainArgs,
    as_json: bool,
) -> None:
    """Every model registered in the deployment (names from the record where known)."""
    import json

    settings = chain.settings(with_key=False)
    contracts = contracts_for(settings)
    names = _record_names(settings.chain.deployment)
    count = int(contracts.model_registry.functions.modelCount().call())
    rows = _model_rows(contracts, list(range(1, count + 1)), names)
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        click.echo("no model is registered yet (oracle-node models publish)")
        return
    click.echo(
        table(
            [
                [
                    str(r["model_id"]),
                    str(r["name"]),
                    "yes" if r["active"] else "no",
                    eth(int(str(r["fee_wei"]))),
                    f"{r['inputs']} -> {r['outputs']}",
                    str(r["verifier"]),
                ]
                for r in rows
            ],
            ["id", "name", "active", "fee", "shape", "verifier"],
        )  # fmt: skip
    )


@models.command("show")
@click.argument("model_id", type=int)
@chain_options
@click.option(
    "--circuit", "circuit", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="the model's circuit folder: check that it fits the record and that the verifier is "
    "what the circuit's own verifier source compiles to (exit 1 if not)",
)  # fmt: skip
def show_model(
    model_id: int,
    chain: ChainArgs,
    circuit: Path | None,
) -> None:
    """One model's on-chain record, and the nodes serving it; with --circuit, whether its
    verifier is the circuit's own."""
    settings = chain.settings(with_key=False)
    contracts = contracts_for(settings)
    count = int(contracts.model_registry.functions.modelCount().call())
    if not 1 <= model_id <= count:
        raise DeploymentRecordError(
            f"model {model_id} is not registered (this deployment has models 1..{count})"
        )
    [row] = _model_rows(contracts, [model_id], _record_names(settings.chain.deployment))
    nodes = contracts.node_registry.functions.getModelNodes(model_id).call()
    for key, value in row.items():
        shown = eth(int(str(value))) if key.endswith("_wei") else value
        if key == "max_abs_input":
            scale = int(str(row["input_scale"]))
            shown = f"{value:,} (|x| at input scale; {int(str(value)) / 2**scale:.6g})"
        click.echo(f"{key.replace('_wei', ''):>18}: {shown}")
    click.echo(f"{'nodes':>18}: {len(nodes)} serving" + (f" ({', '.join(nodes)})" if nodes else ""))
    if circuit is None:
        click.echo(f"{'circuit':>18}: not checked (pass --circuit DIR, the model's circuit folder)")
        return
    problem = _circuit_problem(contracts, model_id, circuit)
    if problem is not None:
        raise VerifierCodeError(f"model {model_id} does not fit {circuit}: {problem}")
    click.echo(
        f"{'circuit':>18}: {circuit} fits the record; the verifier is what its verifier source "
        "compiles to"
    )


def _circuit_problem(contracts: Any, model_id: int, circuit: Path) -> str | None:
    """Why ``circuit`` is not model ``model_id``'s folder, or its verifier not the circuit's own.
    The verifier is compiled for this process only: a publisher's command leaves no cache."""
    from oracle_node.chain.verifier_code import verifier_problem
    from oracle_node.circuits.manifest import load_manifest
    from oracle_node.node.models import check_record, verifier_source

    record = contracts.model(model_id)
    try:
        manifest = load_manifest(circuit)
    except OracleError as exc:
        return str(exc)
    return check_record(manifest, record) or verifier_problem(
        contracts.w3,
        record.verifier,
        verifier_source(circuit, manifest),
        recorded_hash=record.verifier_code_hash,
    )


def _record_names(path: Path | None) -> dict[int, str]:
    from oracle_node.deployment import load_record

    if path is None:
        return {}
    return {m.model_id: m.name for m in load_record(path).models}


COMMANDS = (deploy, models, keys)
