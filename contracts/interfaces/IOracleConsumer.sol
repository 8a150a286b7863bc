// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title What the coordinator calls back on a consumer
interface IOracleConsumer {
    /// @notice Only the coordinator may deliver results.
    /// @param have The caller.
    /// @param want The coordinator.
    error OnlyCoordinatorCanFulfill(address have, address want);

    /// @notice Deliver a proven output. Called by the coordinator with exactly the request's
    ///         `callbackGasLimit` gas; a revert is recorded, never retried.
    /// @param requestId The request.
    /// @param output The model's output at its output scale.
    function rawFulfill(uint256 requestId, int256[] calldata output) external;
}
