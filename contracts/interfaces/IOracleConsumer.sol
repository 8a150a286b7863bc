// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRequestErrors} from "./IRequestErrors.sol";

/// @title What the coordinator calls back on a consumer
/// @notice It inherits the errors a request can meet ({IRequestErrors}), so a consumer's ABI
///         decodes what the coordinator reverts with when the consumer asks on a user's behalf.
interface IOracleConsumer is IRequestErrors {
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
