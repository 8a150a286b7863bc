// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OracleConsumerBase} from "../OracleConsumerBase.sol";

/// @title A bounty for a handwritten digit, judged by a proven classifier
/// @notice The sponsor funds a prize for an 8x8 drawing of `targetDigit` (for the reference
///         `digits` model: 64 pixel intensities at the model's input scale). The prize goes to the
///         FIRST entry the classifier scores as `targetDigit`, ahead of every other digit by
///         `minMargin`, where "first" is the order in which entries were committed, not the order
///         in which the oracle happens to answer them. Nobody, not even the sponsor, can decide
///         the winner by hand: the decision is the proven model output.
///
///         Entering takes two steps, because a drawing becomes public as soon as it is submitted
///         (it is the request's input, emitted by the coordinator): `commit` a hash of
///         (entrant, drawing, salt), then in a later block, within `revealWindow` blocks,
///         `submit` the drawing and the salt with the model's fee. A copier sees a drawing only
///         when it is submitted, after its commitment is already ordered ahead of any commitment
///         the copier can still make, and a commitment names its entrant, so it cannot be copied
///         either.
///
///         The leader can claim once every earlier entry is decided: its reveal window passed
///         without a submission, or its request was settled (answered, or cancelled after its
///         deadline, which anyone may do). Refunds of cancelled entries and slash compensation
///         are credit of this contract; `collectCredits` (anyone) adds them to the prize, or
///         sends them to the winner once the prize is paid.
contract DigitBounty is OracleConsumerBase {
    /// @notice The prize was already paid out.
    error BountyClosed(address winner);
    /// @notice Only the leading entrant may claim.
    error NotWinner(address have, address want);
    /// @notice No entry has won yet.
    error NoWinnerYet();
    /// @notice The prize was already paid out.
    error PrizeClaimed();
    /// @notice Sending ETH failed.
    error PrizeTransferFailed(address to, uint256 amount);
    /// @notice No entry has this index.
    error UnknownEntry(uint256 entry);
    /// @notice Only the entrant who committed may submit the entry.
    error NotEntrant(uint256 entry, address have, address want);
    /// @notice The entry was already submitted.
    error AlreadySubmitted(uint256 entry);
    /// @notice An entry is submitted in a block after its commitment, at most `revealWindow` later.
    error OutsideRevealWindow(uint256 entry, uint256 firstBlock, uint256 lastBlock);
    /// @notice The drawing and salt do not hash to the entry's commitment.
    error DrawingMismatch(uint256 entry);
    /// @notice An entry committed before the leader is still undecided.
    error EarlierEntryUndecided(uint256 entry);

    /// @notice `entrant` committed entry number `entry`.
    event EntryCommitted(uint256 indexed entry, address indexed entrant, bytes32 commitment);
    /// @notice `entrant` submitted entry `entry`, judged by `requestId`.
    event EntrySubmitted(uint256 indexed entry, address indexed entrant, uint256 indexed requestId);
    /// @notice An entry was judged: `predicted` is the argmax of `scores`; `leads` says whether it
    ///         is now the earliest winning entry.
    event EntryJudged(uint256 indexed requestId, address indexed entrant, uint256 predicted, bool leads, int256[] scores);
    /// @notice The winner took the prize.
    event PrizeClaimedBy(address indexed winner, uint256 amount);
    /// @notice Credit owed to this contract was collected (refunds and slash compensation).
    event CreditsCollected(uint256 refunds, uint256 compensation);

    /// @notice One entry, in commitment order.
    struct Entry {
        address entrant;
        uint64 committedBlock;
        bool submitted;
        bytes32 commitment;
        uint256 requestId;
    }

    uint256 private constant NONE = type(uint256).max;

    uint256 public immutable modelId;
    uint256 public immutable targetDigit;
    int256 public immutable minMargin;
    uint32 public immutable callbackGasLimit;
    /// @notice Blocks after its commitment's block during which an entry may be submitted.
    uint64 public immutable revealWindow;

    /// @notice Index of the earliest winning entry judged so far (`type(uint256).max`: none).
    uint256 public leader = NONE;
    bool public claimed;
    Entry[] private s_entries;
    /// @dev Entry index + 1 of a request.
    mapping(uint256 requestId => uint256) private s_entryOf;

    /// @dev Send the prize as value.
    constructor(
        address coordinator_,
        uint256 modelId_,
        uint256 targetDigit_,
        int256 minMargin_,
        uint32 callbackGasLimit_,
        uint64 revealWindow_
    ) payable OracleConsumerBase(coordinator_) {
        modelId = modelId_;
        targetDigit = targetDigit_;
        minMargin = minMargin_;
        callbackGasLimit = callbackGasLimit_;
        revealWindow = revealWindow_;
    }

    /// @notice Prize top-ups, and the credits `collectCredits` pulls in.
    receive() external payable {}

    /// @notice The hash to commit for `pixels`, entered by `entrant` with a secret `salt`.
    function entryCommitment(address entrant, int256[] calldata pixels, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(entrant, pixels, salt));
    }

    /// @notice Commit to a drawing; returns the entry's number (its place in the order).
    function commit(bytes32 commitment) external returns (uint256 entry) {
        if (claimed) revert BountyClosed(winner());
        entry = s_entries.length;
        s_entries.push(Entry(msg.sender, uint64(block.number), false, commitment, 0));
        emit EntryCommitted(entry, msg.sender, commitment);
    }

    /// @notice Submit a committed drawing for judging; send the model's fee.
    function submit(uint256 entry, int256[] calldata pixels, bytes32 salt)
        external
        payable
        returns (uint256 requestId)
    {
        if (claimed) revert BountyClosed(winner());
        if (entry >= s_entries.length) revert UnknownEntry(entry);
        Entry storage e = s_entries[entry];
        if (e.entrant != msg.sender) revert NotEntrant(entry, msg.sender, e.entrant);
        if (e.submitted) revert AlreadySubmitted(entry);
        if (block.number <= e.committedBlock || block.number > e.committedBlock + revealWindow) {
            revert OutsideRevealWindow(entry, e.committedBlock + 1, e.committedBlock + revealWindow);
        }
        if (entryCommitment(msg.sender, pixels, salt) != e.commitment) revert DrawingMismatch(entry);
        e.submitted = true;
        requestId = _requestInference(modelId, pixels, callbackGasLimit, msg.value);
        e.requestId = requestId;
        s_entryOf[requestId] = entry + 1;
        emit EntrySubmitted(entry, msg.sender, requestId);
    }

    /// @notice The leader takes the prize (this contract's balance at the time), once every
    ///         entry committed before it is decided.
    function claimPrize() external {
        if (claimed) revert PrizeClaimed();
        if (leader == NONE) revert NoWinnerYet();
        address want = s_entries[leader].entrant;
        if (msg.sender != want) revert NotWinner(msg.sender, want);
        for (uint256 i = 0; i < leader; ++i) {
            if (!_decided(s_entries[i])) revert EarlierEntryUndecided(i);
        }
        claimed = true;
        uint256 amount = address(this).balance;
        emit PrizeClaimedBy(msg.sender, amount);
        _pay(msg.sender, amount);
    }

    /// @notice Collect refunds and slash compensation owed to this contract into the prize (or to
    ///         the winner once it is paid). Anyone may call.
    function collectCredits() external {
        (uint256 refunds, uint256 compensation) = _collectableCredit();
        if (refunds != 0) _withdrawRefunds(payable(address(this)));
        if (compensation != 0) _withdrawCompensation(payable(address(this)));
        emit CreditsCollected(refunds, compensation);
        if (claimed) _pay(winner(), refunds + compensation);
    }

    /// @notice The current leader's entrant (zero while none).
    function winner() public view returns (address) {
        return leader == NONE ? address(0) : s_entries[leader].entrant;
    }

    /// @notice Entry number `entry`.
    function entries(uint256 entry) external view returns (Entry memory) {
        return s_entries[entry];
    }

    /// @notice Number of entries committed.
    function entryCount() external view returns (uint256) {
        return s_entries.length;
    }

    function _onInferenceResult(uint256 requestId, int256[] calldata scores) internal override {
        uint256 entry = s_entryOf[requestId] - 1;
        uint256 best = 0;
        for (uint256 i = 1; i < scores.length; ++i) {
            if (scores[i] > scores[best]) best = i;
        }
        bool leads = best == targetDigit && entry < leader && !claimed && _margin(scores, best);
        if (leads) leader = entry;
        emit EntryJudged(requestId, s_entries[entry].entrant, best, leads, scores);
    }

    function _decided(Entry storage e) private view returns (bool) {
        if (e.submitted) return coordinator.commitmentOf(e.requestId) == 0;
        return block.number > e.committedBlock + revealWindow;
    }

    function _margin(int256[] calldata scores, uint256 best) private view returns (bool) {
        for (uint256 i = 0; i < scores.length; ++i) {
            if (i != best && scores[best] - scores[i] < minMargin) return false;
        }
        return true;
    }

    function _pay(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = payable(to).call{value: amount}("");
        if (!ok) revert PrizeTransferFailed(to, amount);
    }
}
