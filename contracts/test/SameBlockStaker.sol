// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {INodeRegistry} from "../interfaces/INodeRegistry.sol";

/// @notice Test-only node that joins a pool and changes its stake several times in one
///         transaction, so that several writes fall in one block.
contract SameBlockStaker {
    INodeRegistry public immutable registry;

    constructor(address registry_) {
        registry = INodeRegistry(registry_);
    }

    /// @notice Stake `first`, serve `modelId`, then top up with the rest of `msg.value`.
    function joinAndTopUp(uint256 modelId, uint256 first) external payable {
        registry.stake{value: first}();
        registry.addModel(modelId);
        registry.stake{value: msg.value - first}();
    }
}
