// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Poseidon} from "../utils/Poseidon.sol";

/// @notice Test-only: exposes the Poseidon library.
contract PoseidonProbe {
    function hash(uint256[] calldata values) external pure returns (uint256) {
        return Poseidon.hash(values);
    }
}
