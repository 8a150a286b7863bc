// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OracleConsumerBase} from "../OracleConsumerBase.sol";
import {IInferenceCoordinator} from "../interfaces/IInferenceCoordinator.sol";

/// @notice Test-only consumer that records what it is given.
contract RecordingConsumer is OracleConsumerBase {
    uint256 public lastRequestId;
    uint256 public deliveries;
    int256[] private s_lastOutput;

    constructor(address coordinator_) OracleConsumerBase(coordinator_) {}

    receive() external payable {}

    function request(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256)
    {
        return _requestInference(modelId, input, callbackGasLimit, msg.value);
    }

    function requestOptimistic(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256)
    {
        return _requestOptimistic(modelId, input, callbackGasLimit, msg.value);
    }

    function requestCommitted(
        uint256 modelId,
        uint256 inputCommitment,
        uint32 callbackGasLimit,
        bytes calldata delivery
    ) external payable returns (uint256) {
        return _requestCommitted(modelId, inputCommitment, callbackGasLimit, delivery, msg.value);
    }

    function deliverInput(
        uint256 requestId,
        IInferenceCoordinator.Commitment calldata commitment,
        bytes calldata delivery
    ) external {
        _deliverInput(requestId, commitment, delivery);
    }

    function withdrawRefunds(address payable recipient) external {
        _withdrawRefunds(recipient);
    }

    function withdrawCompensation(address payable recipient) external {
        _withdrawCompensation(recipient);
    }

    function lastOutput() external view returns (int256[] memory) {
        return s_lastOutput;
    }

    function _onInferenceResult(uint256 requestId, int256[] calldata output) internal override {
        lastRequestId = requestId;
        deliveries += 1;
        s_lastOutput = output;
    }
}
