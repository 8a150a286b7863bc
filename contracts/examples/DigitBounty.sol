// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OracleConsumerBase} from "../OracleConsumerBase.sol";

/// @title A bounty for a handwritten digit, judged by a proven classifier
/// @notice The sponsor funds a prize for an 8x8 drawing of `targetDigit` (for the reference
///         `digits` model: 64 pixel intensities at the model's input scale). Each entry pays the
///         model's fee; the first entry the classifier scores as `targetDigit`, ahead of every
///         other digit by `minMargin`, wins and may claim the prize. Nobody, not even the
///         sponsor, can decide the winner by hand: the decision is the proven model output.
contract DigitBounty is OracleConsumerBase {
    /// @notice The bounty is already won.
    error BountyClosed(address winner);
    /// @notice Only the winner may claim, once.
    error NotWinner(address have, address want);
    /// @notice The prize was already paid out.
    error PrizeClaimed();
    /// @notice Sending the prize failed.
    error PrizeTransferFailed(address to, uint256 amount);

    /// @notice `entrant` submitted an entry judged by `requestId`.
    event EntrySubmitted(address indexed entrant, uint256 indexed requestId);
    /// @notice An entry was judged: `predicted` is the argmax of `scores`.
    event EntryJudged(uint256 indexed requestId, address indexed entrant, uint256 predicted, bool won, int256[] scores);
    /// @notice The winner took the prize.
    event PrizeClaimedBy(address indexed winner, uint256 amount);

    uint256 public immutable modelId;
    uint256 public immutable targetDigit;
    int256 public immutable minMargin;
    uint32 public immutable callbackGasLimit;

    address public winner;
    bool public claimed;
    mapping(uint256 requestId => address) public entrantOf;

    /// @dev Send the prize as value.
    constructor(address coordinator_, uint256 modelId_, uint256 targetDigit_, int256 minMargin_, uint32 callbackGasLimit_)
        payable
        OracleConsumerBase(coordinator_)
    {
        modelId = modelId_;
        targetDigit = targetDigit_;
        minMargin = minMargin_;
        callbackGasLimit = callbackGasLimit_;
    }

    /// @notice Submit a drawing; send the model's fee.
    function submit(int256[] calldata pixels) external payable returns (uint256 requestId) {
        if (winner != address(0)) revert BountyClosed(winner);
        requestId = _requestInference(modelId, pixels, callbackGasLimit, msg.value);
        entrantOf[requestId] = msg.sender;
        emit EntrySubmitted(msg.sender, requestId);
    }

    /// @notice The winner takes the prize (this contract's balance at the time).
    function claimPrize() external {
        if (msg.sender != winner) revert NotWinner(msg.sender, winner);
        if (claimed) revert PrizeClaimed();
        claimed = true;
        uint256 amount = address(this).balance;
        emit PrizeClaimedBy(msg.sender, amount);
        (bool ok,) = payable(msg.sender).call{value: amount}("");
        if (!ok) revert PrizeTransferFailed(msg.sender, amount);
    }

    function _onInferenceResult(uint256 requestId, int256[] calldata scores) internal override {
        uint256 best = 0;
        for (uint256 i = 1; i < scores.length; ++i) {
            if (scores[i] > scores[best]) best = i;
        }
        bool won = best == targetDigit && winner == address(0) && _leads(scores, best);
        address entrant = entrantOf[requestId];
        if (won) winner = entrant;
        emit EntryJudged(requestId, entrant, best, won, scores);
    }

    function _leads(int256[] calldata scores, uint256 best) private view returns (bool) {
        for (uint256 i = 0; i < scores.length; ++i) {
            if (i != best && scores[best] - scores[i] < minMargin) return false;
        }
        return true;
    }
}
