// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceCoordinator} from "../interfaces/IInferenceCoordinator.sol";

/// @notice Test-only consumer that records, per request, the gas left when its callback starts
///         (so a test can see how much the coordinator forwarded to it).
contract GasProbeConsumer {
    IInferenceCoordinator public immutable coordinator;
    mapping(uint256 requestId => uint256) public gasAtEntry;

    constructor(address coordinator_) {
        coordinator = IInferenceCoordinator(coordinator_);
    }

    function request(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256)
    {
        return coordinator.requestInference{value: msg.value}(modelId, input, callbackGasLimit);
    }

    function rawFulfill(uint256 requestId, int256[] calldata) external {
        uint256 left = gasleft();
        gasAtEntry[requestId] = left;
    }
}
