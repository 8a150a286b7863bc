// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceCoordinator} from "./interfaces/IInferenceCoordinator.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IOracleConsumer} from "./interfaces/IOracleConsumer.sol";

/// @title Base for contracts that consume proven inferences
/// @notice Inherit, call `_requestInference` and implement `_onInferenceResult`. Only the
///         coordinator can deliver a result. Two kinds of credit accrue to this contract and only
///         it can collect them, so every consumer must expose a way to call the helpers:
///         refunds of cancelled requests in the coordinator (`_withdrawRefunds`), and its share of
///         the slash of a primary that missed its window, in the node registry
///         (`_withdrawCompensation`). `_collectableCredit` says what is waiting.
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

    /// @notice Ask for an inference in Optimistic mode (the model must allow it), paying `fee`:
    ///         the result arrives once, final, after the model's challenge window (or earlier,
    ///         proven, if the posting is challenged).
    function _requestOptimistic(uint256 modelId, int256[] memory input, uint32 callbackGasLimit, uint256 fee)
        internal
        returns (uint256 requestId)
    {
        return coordinator.requestOptimistic{value: fee}(modelId, input, callbackGasLimit);
    }

    /// @notice Ask for an inference of a committed model without putting the input on-chain,
    ///         paying `fee`. `inputCommitment` is the Poseidon hash of the input and a salt,
    ///         computed off-chain (`oracle_node.protocol.committed.commit`); `delivery` carries
    ///         the input and salt to the serving node in the clear; empty, the request awaits
    ///         `_deliverInput` with a delivery sealed for its drawn primary.
    function _requestCommitted(
        uint256 modelId,
        uint256 inputCommitment,
        uint32 callbackGasLimit,
        bytes memory delivery,
        uint256 fee
    ) internal returns (uint256 requestId) {
        return coordinator.requestCommitted{value: fee}(modelId, inputCommitment, callbackGasLimit, delivery);
    }

    /// @notice Deliver the input of a committed request made with an empty delivery, sealed
    ///         off-chain for its drawn primary (`CommittedInput.sealed` in
    ///         `oracle_node.protocol.committed`). The coordinator takes it from the requester
    ///         only, so a consumer forwards it; guard who may call the function that does.
    function _deliverInput(
        uint256 requestId,
        IInferenceCoordinator.Commitment memory commitment,
        bytes memory delivery
    ) internal {
        coordinator.deliverInput(requestId, commitment, delivery);
    }

    /// @notice Move this contract's coordinator credit (refunds) to `recipient`.
    function _withdrawRefunds(address payable recipient) internal {
        coordinator.withdraw(recipient);
    }

    /// @notice Move this contract's node-registry credit (slash compensation) to `recipient`.
    function _withdrawCompensation(address payable recipient) internal {
        INodeRegistry(coordinator.nodeRegistry()).withdrawCredit(recipient);
    }

    /// @notice Credit waiting for this contract: refunds in the coordinator and compensation in
    ///         the node registry.
    function _collectableCredit() internal view returns (uint256 refunds, uint256 compensation) {
        refunds = coordinator.credits(address(this));
        compensation = INodeRegistry(coordinator.nodeRegistry()).credits(address(this));
    }
}
