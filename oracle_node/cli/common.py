"""What the command groups share: options, the chain and key look-ups, and display helpers."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from oracle_node.exceptions import KeystoreError
from oracle_node.settings import KeySettings, NodeSettings, load_settings

WEI_PER_ETH = 10**18

config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="TOML settings file (default: $ORACLE_CONFIG_FILE; the environment overrides it)",
)


@dataclass(frozen=True)
class ChainArgs:
    """The command line's chain and key options; :meth:`settings` applies them."""

    rpc: str | None
    deployment: Path | None
    keystore: Path | None
    password_file: Path | None
    config_file: Path | None

    def settings(self, *, with_key: bool = True) -> NodeSettings:
        """Node settings with these overrides (``with_key=False``: the key is left as set,
        and no password is asked for: for read-only commands)."""
        if not with_key:
            return settings_from(self.config_file, self.rpc, self.deployment, self.keystore, None,
                                 prompt=False)  # fmt: skip
        return settings_from(
            self.config_file, self.rpc, self.deployment, self.keystore, self.password_file
        )


def chain_options(func: Any) -> Any:
    """Adds ``--rpc``, ``--deployment``, ``--keystore``, ``--password-file`` and ``--config``
    to a command, handed to it as one ``chain: ChainArgs`` argument; each overrides the
    matching setting (``ORACLE_CHAIN__RPC_URL`` and friends)."""

    @functools.wraps(func)
    def command(
        *args: Any,
        rpc: str | None,
        deployment: Path | None,
        keystore: Path | None,
        password_file: Path | None,
        config_file: Path | None,
        **kwargs: Any,
    ) -> Any:
        chain = ChainArgs(rpc, deployment, keystore, password_file, config_file)
        return func(*args, chain=chain, **kwargs)

    options = [
        click.option("--rpc", default=None, help="JSON-RPC URL (default: chain.rpc_url)"),
        click.option(
            "--deployment",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="deployment record (default: chain.deployment)",
        ),
        click.option(
            "--keystore",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="encrypted key to sign with (default: keys.keystore)",
        ),
        click.option(
            "--password-file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="file holding the keystore password (default: keys.password_file, else a prompt)",
        ),
        config_option,
    ]
    wrapped: Any = command
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


def settings_from(
    config_file: Path | None,
    rpc: str | None = None,
    deployment: Path | None = None,
    keystore: Path | None = None,
    password_file: Path | None = None,
    *,
    prompt: bool = True,
) -> NodeSettings:
    """Node settings with the command line's overrides applied."""
    chain: dict[str, Any] = {}
    if rpc is not None:
        chain["rpc_url"] = rpc
        chain["rpc_urls"] = []  # --rpc names the one endpoint
    if deployment is not None:
        chain["deployment"] = deployment
    keys: dict[str, Any] = {}
    if keystore is not None:
        keys = {"keystore": keystore, "dev_private_key": None, "allow_dev_key": False}
        if password_file is not None:
            keys["password_file"] = password_file
        elif prompt and not _has_password_setting():
            keys["password"] = _prompt_password(keystore)
    overrides: dict[str, Any] = {}
    if chain:
        overrides["chain"] = chain
    if keys:
        overrides["keys"] = keys
    return load_settings(config_file, **overrides)


def _has_password_setting() -> bool:
    import os

    return bool(
        os.environ.get("ORACLE_KEYS__PASSWORD") or os.environ.get("ORACLE_KEYS__PASSWORD_FILE")
    )


def _prompt_password(keystore: Path) -> str:
    return str(click.prompt(f"password of {keystore}", hide_input=True, err=True))


def signer(settings: NodeSettings) -> Any:
    """The decrypted signing key of the settings (a wrong password is one clear error)."""
    from oracle_node.keys import load_signer

    if not settings.keys.configured:
        raise KeystoreError(
            "no signing key: pass --keystore (and --password-file), or set keys.keystore"
        )
    return load_signer(settings.keys)


def address_of(keys: KeySettings) -> str:
    """The account of the configured key, WITHOUT decrypting it (read-only commands)."""
    from eth_account import Account
    from web3 import Web3

    if keys.dev_private_key is not None:
        return str(Account.from_key(keys.dev_private_key.get_secret_value()).address)
    if keys.keystore is None:
        raise KeystoreError("no key configured: set keys.keystore (or pass --keystore)")
    try:
        data = json.loads(keys.keystore.read_text())
        return str(Web3.to_checksum_address("0x" + str(data["address"]).removeprefix("0x")))
    except (OSError, ValueError, KeyError) as exc:
        raise KeystoreError(f"keystore {keys.keystore} names no address: {exc}") from None


def contracts_for(settings: NodeSettings) -> Any:
    """Connected, checked protocol contracts of the settings (record or addresses)."""
    from oracle_node.chain.contracts import open_contracts

    return open_contracts(settings.chain)


def send(contracts: Any, account: Any, call: Any, what: str, value: int = 0) -> Any:
    """Send one transaction; print a line once mined; reverts raise one decoded error."""
    from oracle_node.chain.tx import send_transaction

    receipt = send_transaction(
        contracts.w3, account, call, contracts.decoder, value=value, what=what
    )
    click.echo(f"{what}: mined in block {receipt['blockNumber']} (gas {receipt['gasUsed']:,})")
    return receipt


def eth(wei: int) -> str:
    """``1500000000000000000`` -> ``1.5 ETH`` (exact, trailing zeros dropped)."""
    value = Decimal(int(wei)) / Decimal(WEI_PER_ETH)
    text = format(value.normalize(), "f")
    return f"{text} ETH"


def parse_eth(text: str) -> int:
    """``1.5`` or ``1.5eth`` -> wei; ``123wei`` -> 123."""
    raw = text.strip().lower()
    try:
        if raw.endswith("wei"):
            return int(raw.removesuffix("wei"))
        return int(Decimal(raw.removesuffix("eth")) * WEI_PER_ETH)
    except ArithmeticError:
        raise click.BadParameter(f"{text!r} is not an amount (e.g. 1.5 or 1000wei)") from None


def iso(timestamp: int | float) -> str:
    """Unix seconds as an ISO 8601 UTC time."""
    return dt.datetime.fromtimestamp(int(timestamp), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def until(timestamp: int | float, now: int | float) -> str:
    """How long from ``now`` until ``timestamp``, e.g. ``6 d 23 h`` or ``4 min``."""
    left = int(timestamp - now)
    if left <= 0:
        return "now"
    days, rest = divmod(left, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes = max(1, rest // 60) if not (days or hours) else rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def table(rows: list[list[str]], header: list[str]) -> str:
    """A plain text table, columns padded to their widest cell."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)
