// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Test-only address that refuses every ETH transfer.
contract EtherRejecter {
    receive() external payable {
        revert("no ether");
    }
}
