// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceCoordinator} from "./interfaces/IInferenceCoordinator.sol";
import {IOracleConsumer} from "./interfaces/IOracleConsumer.sol";

/// @title Base for contracts that consume proven inferences
/// @notice Inherit, call `_requestInference` and implement `_onInferenceResult`. Only the
///         coordinator can deliver a result. A refund of a cancelled request is credited to this
///         contract in the coordinator; `_withdrawRefunds` collects it.
abstract contract OracleConsumerBase is IOracleConsumer {
    /// @notice The coordinator this consumer trusts.
    IInferenceCoordinator public immutable coordinator;

    constructor(address coordinator_) {
        coordinator = IInferenceCoordinator(coordinator_);
    }

    /// @inheritdoc IOracleConsumer
    function rawFulfill(uint256 requestId, int256[] calldata output) external {
        if (msg.sender != address(coordinator)) {
            revert OnlyCoordinatorCanFulfill(msg.sender, address(coordinator));
        }
        _onInferenceResult(requestId, output);
    }

    /// @notice Handle a proven output. It runs with the request's callback gas limit; a revert
    ///         here is recorded by the coordinator and the result is not delivered again.
    function _onInferenceResult(uint256 requestId, int256[] calldata output) internal virtual;

    /// @notice Ask for an inference, paying `fee` from this contract's balance.
    function _requestInference(uint256 modelId, int256[] memory input, uint32 callbackGasLimit, uint256 fee)
        internal
        returns (uint256 requestId)
    {
        return coordinator.requestInference{value: fee}(modelId, input, callbackGasLimit);
    }

    /// @notice Move this contract's coordinator credit (refunds) to `recipient`.
    function _withdrawRefunds(address payable recipient) internal {
        coordinator.withdraw(recipient);
    }
}
