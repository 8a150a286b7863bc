"""Custom errors are decoded from the shipped ABIs (selectors computed, never copied)."""

from __future__ import annotations

from eth_abi.abi import encode
from eth_utils.crypto import keccak

from oracle_node.chain.abi import ErrorDecoder, load_abi
from oracle_node.exceptions import RevertError


def _revert_data(signature: str, types: list[str], values: list[object]) -> str:
    return "0x" + (keccak(text=signature)[:4] + encode(types, values)).hex()


def decoder() -> ErrorDecoder:
    return ErrorDecoder(load_abi("InferenceCoordinator"), load_abi("NodeRegistry"))


def test_every_coordinator_error_is_known():
    names = decoder().names
    for item in load_abi("InferenceCoordinator"):
        if item["type"] == "error":
            assert item["name"] in names


def test_a_custom_error_with_arguments_decodes_by_name():
    node = "0x" + "11" * 20
    primary = "0x" + "22" * 20
    data = _revert_data(
        "NotPrimaryNode(uint256,address,address,uint64)",
        ["uint256", "address", "address", "uint64"],
        [7, node, primary, 99],
    )
    decoded = decoder().decode(data)
    assert decoded is not None
    assert decoded.name == "NotPrimaryNode"
    assert decoded.args["requestId"] == 7 and decoded.args["windowEnd"] == 99
    assert str(RevertError("fulfill", decoded)).startswith("fulfill reverted: NotPrimaryNode(")


def test_error_string_and_unknown_data():
    d = decoder()
    message = d.decode(_revert_data("Error(string)", ["string"], ["boom"]))
    assert message is not None and message.args == {"message": "boom"}
    assert d.decode("0xdeadbeef") is None
    assert d.decode(None) is None
    assert d.decode(
        {"data": _revert_data("RequestNotPending(uint256)", ["uint256"], [3])}
    ).name == ("RequestNotPending")
