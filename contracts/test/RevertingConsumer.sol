// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OracleConsumerBase} from "../OracleConsumerBase.sol";

/// @notice Test-only consumer whose callback always reverts.
contract RevertingConsumer is OracleConsumerBase {
    error NotToday(uint256 requestId);

    constructor(address coordinator_) OracleConsumerBase(coordinator_) {}

    function request(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256)
    {
        return _requestInference(modelId, input, callbackGasLimit, msg.value);
    }

    function _onInferenceResult(uint256 requestId, int256[] calldata) internal pure override {
        revert NotToday(requestId);
    }
}
