"""``oracle-node doctor``: a preflight of everything a node needs, one line per check.

Each check says ``ok`` with what it saw, or what is wrong and what to do. Checks that need an
earlier one (the contracts need the RPC) are skipped when it failed, so one cause gives one
FAIL line, not ten.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from oracle_node.cli.common import address_of, eth
from oracle_node.exceptions import OracleError
from oracle_node.settings import NodeSettings

Check = tuple[bool | None, str]
"""``(ok, line)``: True ok, False a failure, None a warning (printed, not failed)."""

# Below this balance a node cannot pay for many fulfilments (about 0.5 M gas each).
LOW_BALANCE_GAS = 20 * 600_000


def run_checks(settings: NodeSettings) -> Iterator[Check]:
    from oracle_node.chain.contracts import OracleContracts, connect

    chain = settings.chain
    if len(chain.endpoints) > 1:  # each endpoint on its own, then the node's view of them
        for url in chain.endpoints:
            try:
                one = connect(url, chain.chain_id)
            except OracleError as exc:
                yield False, f"rpc: {exc}"
            else:
                yield True, f"rpc: {url} answers, block {one.eth.block_number}"
    try:
        w3 = connect(chain.endpoints, chain.chain_id)
    except OracleError as exc:
        yield False, f"rpc: {exc}"
        return
    served = int(w3.eth.chain_id)
    where = ", ".join(chain.endpoints)
    yield True, f"rpc: {where} answers, chain {served}, block {w3.eth.block_number}"
    yield head_check(w3, chain.stale_head_s)
    if chain.deployment is not None:
        yield True, f"deployment: {chain.deployment} is for chain {served}"
    if not (chain.coordinator and chain.model_registry and chain.node_registry):
        yield False, "contracts: no addresses: set chain.deployment (or the three addresses)"
        return
    contracts = OracleContracts(w3, chain.coordinator, chain.model_registry, chain.node_registry)
    try:
        contracts.check_deployed()
    except OracleError as exc:
        yield False, f"contracts: {exc}"
        return
    yield True, f"contracts: coordinator {chain.coordinator} and both registries hold code"
    yield from _key_checks(settings, contracts)
    yield from _model_checks(settings, contracts)
    yield from _port_check(settings)


def head_check(w3: Any, stale_s: float) -> Check:
    """The newest block's age; a warning past ``stale_s``: the node waits for confirmations,
    so on a chain that stopped mining a request is never picked up."""
    from oracle_node.node.readiness import stale_head_warning

    latest = w3.eth.get_block("latest")
    age = max(0.0, time.time() - int(latest["timestamp"]))
    if age > stale_s:
        return None, f"head: block {int(latest['number'])}: {stale_head_warning(age)}"
    return True, f"head: block {int(latest['number'])} mined {int(age)} s ago"


def _key_checks(settings: NodeSettings, contracts: Any) -> Iterator[Check]:
    from oracle_node.keys import load_signer

    try:
        address = address_of(settings.keys)
        load_signer(settings.keys)
    except OracleError as exc:
        yield False, f"key: {exc}"
        return
    yield True, f"key: {address} decrypts"
    w3 = contracts.w3
    balance = int(w3.eth.get_balance(address))
    low = LOW_BALANCE_GAS * int(w3.eth.gas_price)
    if balance < low:
        yield False, f"balance: {eth(balance)}: send at least {eth(low - balance)} more for gas"
    else:
        yield True, f"balance: {eth(balance)}"
    registry = contracts.node_registry.functions
    stake = int(registry.getNode(address).call()[0])
    minimum = int(registry.minStake().call())
    if not registry.isActive(address).call():
        yield (
            False,
            (
                f"stake: {eth(stake)} staked, {eth(minimum)} needed and not unbonding: "
                f"run `oracle-node register --stake {eth(max(minimum - stake, 0)).split()[0]}`"
            ),
        )
    else:
        yield True, f"stake: {eth(stake)} active"
    serving = {int(m) for m in registry.getNodeModels(address).call()}
    for model in settings.models:
        if model.id not in serving:
            yield (
                False,
                f"model {model.id}: not declared on chain: run `oracle-node register --model {model.id}`",
            )


def _model_checks(settings: NodeSettings, contracts: Any) -> Iterator[Check]:
    from oracle_node.chain.verifier_code import verifier_problem
    from oracle_node.circuits.manifest import default_srs_path, load_manifest
    from oracle_node.circuits.proving import check_srs, proving_key_path
    from oracle_node.node.models import check_record, verifier_source

    if not settings.models:
        yield False, 'models: none configured: set ORACLE_MODELS=\'[{"id": 1, "dir": "..."}]\''
        return
    for served in settings.models:
        label = f"model {served.id}"
        try:
            manifest = load_manifest(served.dir)
            record = contracts.model(served.id)
        except OracleError as exc:
            yield False, f"{label}: {exc}"
            continue
        problem = check_record(manifest, record)
        if problem is not None:
            yield False, f"{label}: {problem}"
            continue
        yield True, f"{label}: {manifest.name} matches its on-chain record"
        problem = verifier_problem(
            contracts.w3,
            record.verifier,
            verifier_source(served.dir, manifest),
            recorded_hash=record.verifier_code_hash,
            cache_dir=settings.verifier_cache_dir,
        )
        if problem is not None:
            yield False, f"{label}: {problem}"
        else:
            yield (
                True,
                f"{label}: verifier {record.verifier} is {manifest.verifier_contract} as compiled "
                "from the circuit's verifier source, and its code hash is the registered one",
            )
        srs = served.srs_path or default_srs_path(served.dir, manifest)
        try:
            check_srs(srs, manifest.srs_sha256)
        except OracleError as exc:
            yield False, f"{label}: {exc}"
        else:
            yield True, f"{label}: SRS {srs} hashes to the manifest's value"
        key = proving_key_path(settings.key_cache_dir, manifest.name, manifest.vk_sha256)
        if key.is_file():
            yield True, f"{label}: proving key cached at {key}"
        else:
            yield True, f"{label}: proving key not cached yet: `oracle-node run` builds it at start"


def _port_check(settings: NodeSettings) -> Iterator[Check]:
    api = settings.api
    if not api.enabled:
        return
    from oracle_node.api.server import port_is_free

    if not port_is_free(api.host, api.port):
        yield (
            False,
            f"api: port {api.port} on {api.host} is in use: stop that process or set api.port",
        )
        return
    yield True, f"api: port {api.port} on {api.host} is free"
