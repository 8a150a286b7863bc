// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OracleConsumerBase} from "@zk-ai-oracle/OracleConsumerBase.sol";

/// @title Reads a handwritten digit with a proven classifier
/// @notice Anyone submits an 8x8 grey-level image (64 values at the model's input scale) and
///         pays the model's fee; the proven class scores come back and the argmax is stored as
///         the digit read for that submission.
contract DigitReader is OracleConsumerBase {
    /// @notice A submission was sent to the oracle.
    event DigitSubmitted(uint256 indexed requestId, address indexed submitter);
    /// @notice The oracle answered: `digit` is the class with the highest proven score.
    event DigitRead(uint256 indexed requestId, uint8 digit, int256 score);

    uint256 public immutable modelId;
    mapping(uint256 requestId => address) public submitterOf;
    mapping(uint256 requestId => uint8) public digitOf;
    mapping(uint256 requestId => bool) public answered;

    constructor(address coordinator_, uint256 modelId_) OracleConsumerBase(coordinator_) {
        modelId = modelId_;
    }

    /// @notice Ask which digit `pixels` shows; send the model's fee.
    function submit(int256[] calldata pixels) external payable returns (uint256 requestId) {
        requestId = _requestInference(modelId, pixels, 150_000, msg.value);
        submitterOf[requestId] = msg.sender;
        emit DigitSubmitted(requestId, msg.sender);
    }

    /// @notice The same question in Optimistic mode (the model must allow it): a node posts the
    ///         circuit's output without a proof, and the answer arrives once, final, when the
    ///         model's challenge window has passed (or at once, proven, if someone challenges).
    function submitOptimistic(int256[] calldata pixels) external payable returns (uint256 requestId) {
        requestId = _requestOptimistic(modelId, pixels, 150_000, msg.value);
        submitterOf[requestId] = msg.sender;
        emit DigitSubmitted(requestId, msg.sender);
    }

    function _onInferenceResult(uint256 requestId, int256[] calldata scores) internal override {
        uint8 best = 0;
        for (uint8 i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) best = i;
        }
        digitOf[requestId] = best;
        answered[requestId] = true;
        emit DigitRead(requestId, best, scores[best]);
    }
}
