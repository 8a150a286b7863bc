// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceCoordinator} from "../interfaces/IInferenceCoordinator.sol";
import {OracleConsumerBase} from "../OracleConsumerBase.sol";

/// @notice Test-only consumer that, from its callback, replays a call it was armed with into
///         the coordinator (e.g. the very `fulfill` being delivered) and records how that went.
contract ReentrantConsumer is OracleConsumerBase {
    bytes private s_replay;
    bool public reentrySucceeded;
    bytes public reentryRevertData;
    uint256 public deliveries;

    constructor(address coordinator_) OracleConsumerBase(coordinator_) {}

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

    function arm(bytes calldata replay) external {
        s_replay = replay;
    }

    function _onInferenceResult(uint256, int256[] calldata) internal override {
        deliveries += 1;
        (bool ok, bytes memory ret) = address(coordinator).call(s_replay);
        reentrySucceeded = ok;
        reentryRevertData = ret;
    }
}
