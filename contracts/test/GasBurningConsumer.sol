// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OracleConsumerBase} from "../OracleConsumerBase.sol";

/// @notice Test-only consumer whose callback burns every unit of gas it is given.
contract GasBurningConsumer is OracleConsumerBase {
    uint256 public counter;

    constructor(address coordinator_) OracleConsumerBase(coordinator_) {}

    function request(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256)
    {
        return _requestInference(modelId, input, callbackGasLimit, msg.value);
    }

    function _onInferenceResult(uint256, int256[] calldata) internal override {
        while (true) {
            counter += 1;
        }
    }
}
