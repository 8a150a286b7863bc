"""ABIs shipped as package data, and custom errors decoded from them.

Contract artifacts live in ``oracle_node/artifacts/<Name>.json`` (an ethpm ContractType with
``abi``). Revert data is decoded by selector computed from each ABI error's signature; nothing
is hand-copied, so a changed error in Solidity changes the decoding with it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.crypto import keccak

from oracle_node.exceptions import AbiError, DecodedError

ABI = list[dict[str, Any]]


@cache
def load_abi(name: str) -> ABI:
    """The ABI of contract ``name`` from the package's artifacts."""
    from oracle_node import artifacts

    abi = artifacts.load_abi(name)
    if not isinstance(abi, list):
        raise AbiError(f"contract artifact {name}.json has no ABI")
    return abi


def abi_type(item: dict[str, Any]) -> str:
    """Canonical ABI type of a parameter (tuples expanded)."""
    kind = str(item["type"])
    if kind.startswith("tuple"):
        inner = ",".join(abi_type(c) for c in item["components"])
        return f"({inner}){kind[5:]}"
    return kind


_BUILTIN: dict[bytes, tuple[str, list[str], list[str]]] = {
    keccak(text="Error(string)")[:4]: ("Error", ["string"], ["message"]),
    keccak(text="Panic(uint256)")[:4]: ("Panic", ["uint256"], ["code"]),
}


class ErrorDecoder:
    """Maps 4-byte selectors to the custom errors of a set of ABIs."""

    def __init__(self, *abis: ABI) -> None:
        self._errors = dict(_BUILTIN)
        for abi in abis:
            for item in abi:
                if item.get("type") != "error":
                    continue
                types = [abi_type(i) for i in item.get("inputs", [])]
                names = [str(i.get("name") or f"arg{n}") for n, i in enumerate(item["inputs"])]
                selector = keccak(text=f"{item['name']}({','.join(types)})")[:4]
                self._errors[selector] = (str(item["name"]), types, names)

    @property
    def names(self) -> set[str]:
        return {name for name, _, _ in self._errors.values()}

    def decode(self, data: bytes | str | dict[str, Any] | None) -> DecodedError | None:
        raw = _as_bytes(data)
        if raw is None or len(raw) < 4:
            return None
        known = self._errors.get(raw[:4])
        if known is None:
            return None
        name, types, names = known
        try:
            values = abi_decode(types, raw[4:])
        except Exception:  # malformed payload: report the name only
            return DecodedError(name, {})
        return DecodedError(name, dict(zip(names, values, strict=True)))


def _as_bytes(data: bytes | str | dict[str, Any] | None) -> bytes | None:
    if data is None:
        return None
    if isinstance(data, dict):
        return _as_bytes(data.get("data"))
    if isinstance(data, bytes):
        return data
    text = str(data).removeprefix("0x")
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None
