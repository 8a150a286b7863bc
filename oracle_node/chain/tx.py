"""Send one contract transaction (or deploy one contract) from a key, with reverts decoded."""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError

from oracle_node.chain.abi import ErrorDecoder
from oracle_node.exceptions import DeploymentError, RevertError

# Gas limit = estimate x GAS_MARGIN for every transaction the node sends: the estimate can fall
# short when state moves between estimation and mining (e.g. a pool or a credit changes).
GAS_MARGIN = 1.25


def send_transaction(
    w3: Web3,
    account: LocalAccount,
    call: Any,
    decoder: ErrorDecoder,
    *,
    value: int = 0,
    what: str = "transaction",
    timeout: float = 120.0,
) -> Any:
    """Estimate, sign, send and wait for ``call``; a revert raises :class:`RevertError`."""
    sender = Web3.to_checksum_address(account.address)
    params: dict[str, Any] = {"from": sender, "value": value}
    try:
        gas = int(call.estimate_gas(params) * GAS_MARGIN)
    except ContractLogicError as exc:
        raise RevertError(what, decoder.decode(exc.data), str(exc.data or "")) from None
    params.update(
        nonce=w3.eth.get_transaction_count(sender, "pending"), gas=gas, chainId=w3.eth.chain_id
    )
    signed = account.sign_transaction(call.build_transaction(params))
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout)
    if receipt["status"] != 1:
        raise RevertError(what, None, f"mined but reverted in {tx_hash.hex()}")
    return receipt


def deploy_contract(
    w3: Web3,
    signer: LocalAccount,
    abi: list[dict[str, Any]],
    bytecode: str,
    *args: Any,
    what: str,
    decoder: ErrorDecoder | None = None,
) -> tuple[Contract, Any]:
    """Deploy one contract from ``signer``; returns it with its receipt."""
    factory = w3.eth.contract(abi=abi, bytecode=bytecode)
    receipt = send_transaction(
        w3, signer, factory.constructor(*args), decoder or ErrorDecoder(abi), what=what
    )
    address = receipt["contractAddress"]
    if not address or not w3.eth.get_code(address):
        raise DeploymentError(f"{what}: no contract code at {address} after deployment")
    return w3.eth.contract(address=address, abi=abi), receipt
