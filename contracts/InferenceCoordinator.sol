// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IHalo2Verifier} from "./interfaces/IHalo2Verifier.sol";
import {IInferenceCoordinator} from "./interfaces/IInferenceCoordinator.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IOracleConsumer} from "./interfaces/IOracleConsumer.sol";
import {BN254Field} from "./utils/BN254Field.sol";
import {ReentrancyGuard} from "./utils/ReentrancyGuard.sol";

/// @title Coordinator of zk-verified inference requests
/// @notice See {IInferenceCoordinator}. It holds exactly the fees of pending requests plus the
///         credits it owes (node earnings and refunds).
contract InferenceCoordinator is IInferenceCoordinator, ReentrancyGuard {
    /// @dev Gas kept back around the callback: what the CALL itself may cost (the consumer's
    ///      account is already warm, so ~100) plus the work between the check and the call.
    uint256 private constant CALLBACK_CALL_OVERHEAD = 5_000;
    /// @dev The lowest bit of a stored hash: clear for a pending request's commitment, set for
    ///      an open posting's.
    uint256 private constant POSTED = 1;
    /// @dev A committed circuit's salt: SALT_LEN values, each below 2^SALT_BITS
    ///      (oracle_node.circuits.committed).
    uint256 private constant SALT_LEN = 6;
    uint256 private constant SALT_BITS = 24;
    /// @dev A lie's slash goes wholly to its challenger.
    uint16 private constant CHALLENGER_SHARE_BPS = 10_000;

    /// @inheritdoc IInferenceCoordinator
    uint64 public immutable exclusiveWindow;
    /// @inheritdoc IInferenceCoordinator
    uint64 public immutable requestTimeout;
    /// @inheritdoc IInferenceCoordinator
    uint32 public immutable maxCallbackGasLimit;
    /// @inheritdoc IInferenceCoordinator
    address public immutable modelRegistry;
    /// @inheritdoc IInferenceCoordinator
    address public immutable nodeRegistry;
    /// @inheritdoc IInferenceCoordinator
    uint256 public immutable maxChallengeWindow;

    /// @dev What `fulfillBatch` knows of its batch (in memory, to keep the stack shallow).
    struct Batch {
        uint256 modelId;
        uint256 n;
        uint256 inputLen;
        uint256 outputLen;
        address verifier;
        uint256 settled;
        uint256 fees;
        uint256 callbackGas;
        uint256 standInId;
        uint256 inputsAt;
        uint256 lastRequestBlock;
    }

    /// @dev Starts at 1 (set in the constructor) so that no request pays a zero-to-nonzero write.
    uint256 private s_nextRequestId;
    mapping(uint256 requestId => bytes32) private s_commitments;
    mapping(address account => uint256) private s_credits;
    /// @dev A node's seals: seal => block it was made in.
    mapping(address node => mapping(bytes32 seal => uint256)) private s_seals;
    /// @dev Draws recorded by `pinPrimary`, read once the request's block hash is out of reach.
    mapping(uint256 requestId => address) private s_pinned;
    /// @dev Committed requests whose primary rejected the delivery (`rejectDelivery`): at most
    ///      once per request. Left in storage after the request settles.
    mapping(uint256 requestId => bool) private s_rejected;

    /// @param modelRegistry_ The model registry.
    /// @param nodeRegistry_ The node registry (whose coordinator must be set to this contract).
    /// @param exclusiveWindow_ Seconds during which only the primary may fulfil.
    /// @param requestTimeout_ Seconds until the deadline; must exceed the window and be shorter
    ///        than the node registry's unbonding period.
    /// @param maxCallbackGasLimit_ Largest callback gas limit a requester may ask for (a model may
    ///        set a lower one).
    constructor(
        address modelRegistry_,
        address nodeRegistry_,
        uint64 exclusiveWindow_,
        uint64 requestTimeout_,
        uint32 maxCallbackGasLimit_
    ) {
        if (modelRegistry_ == address(0) || nodeRegistry_ == address(0)) revert ZeroAddress();
        if (exclusiveWindow_ >= requestTimeout_) {
            revert WindowNotBeforeDeadline(exclusiveWindow_, requestTimeout_);
        }
        uint64 unbonding = INodeRegistry(nodeRegistry_).unbondingPeriod();
        // A committed request's life: a delivery, a rejection and an opening may each come up
        // to one window late before the last deadline (see `openInput`).
        if (requestTimeout_ + 3 * uint256(exclusiveWindow_) >= unbonding) {
            revert TimeoutNotBeforeUnbonding(requestTimeout_, unbonding);
        }
        modelRegistry = modelRegistry_;
        nodeRegistry = nodeRegistry_;
        exclusiveWindow = exclusiveWindow_;
        requestTimeout = requestTimeout_;
        maxCallbackGasLimit = maxCallbackGasLimit_;
        maxChallengeWindow = unbonding - requestTimeout_ - 1;
        s_nextRequestId = 1;
    }

    /// @inheritdoc IInferenceCoordinator
    function requestInference(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256 requestId)
    {
        return _request(modelId, input, callbackGasLimit, false);
    }

    /// @inheritdoc IInferenceCoordinator
    function requestOptimistic(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256 requestId)
    {
        return _request(modelId, input, callbackGasLimit, true);
    }

    /// @inheritdoc IInferenceCoordinator
    function requestCommitted(
        uint256 modelId,
        uint256 inputCommitment,
        uint32 callbackGasLimit,
        bytes calldata delivery
    ) external payable returns (uint256 requestId) {
        (Commitment memory c,) = _newCommitment(modelId, callbackGasLimit, false, true);
        if (inputCommitment >= BN254Field.R) revert CommitmentNotInField(inputCommitment);
        c.inputLen = 1;
        c.inputHash = keccak256(abi.encode(inputCommitment));
        if (delivery.length == 0) {
            // Awaiting the requester's delivery (`deliverInput`) until the window's end.
            c.deadline = c.windowEnd;
            c.windowEnd = 0;
        }
        requestId = s_nextRequestId++;
        uint256 ptr = _requestHead(requestId, c, 1);
        assembly ("memory-safe") {
            mstore(add(ptr, 0x240), inputCommitment)
        }
        s_commitments[requestId] = _pendingSlot(_hashAndLogRequest(ptr, c, 1));
        if (delivery.length != 0) emit InputDelivered(requestId, delivery);
    }

    /// @inheritdoc IInferenceCoordinator
    function disputeInput(
        uint256 requestId,
        Commitment calldata commitment,
        int256[] calldata input,
        uint256[] calldata salt
    ) external {
        _checkPending(requestId, commitment);
        _checkOpen(requestId, commitment);
        IModelRegistry.ModelTerms memory m = IModelRegistry(modelRegistry).getModelTerms(commitment.modelId);
        if (!m.committed) revert ModelTakesPublicInputs(commitment.modelId);
        address primary = _draw(requestId, commitment);
        if (msg.sender != primary) revert NotPrimaryNode(requestId, msg.sender, primary, commitment.windowEnd);
        uint256 opened = IModelRegistry(modelRegistry).hashCommitted(input, salt);
        if (keccak256(abi.encode(opened)) != commitment.inputHash) revert OpeningMismatch(requestId);
        if (_provable(input, salt, m)) revert InputProvable(requestId);

        delete s_commitments[requestId];
        s_credits[msg.sender] += commitment.fee;
        emit InputUnprovable(requestId, msg.sender);
    }

    /// @inheritdoc IInferenceCoordinator
    function deliverInput(uint256 requestId, Commitment calldata commitment, bytes calldata delivery) external {
        _checkPending(requestId, commitment);
        _checkOpen(requestId, commitment);
        if (msg.sender != commitment.requester) revert NotRequester(requestId, msg.sender);
        if (commitment.windowEnd != 0 || s_rejected[requestId]) revert DeliveryNotAwaited(requestId);
        emit InputDelivered(requestId, delivery);
        _renew(requestId, commitment, block.timestamp + exclusiveWindow, block.timestamp + requestTimeout);
    }

    /// @inheritdoc IInferenceCoordinator
    function rejectDelivery(uint256 requestId, Commitment calldata commitment) external {
        _checkPending(requestId, commitment);
        _checkOpen(requestId, commitment);
        if (!IModelRegistry(modelRegistry).getModelTerms(commitment.modelId).committed) {
            revert ModelTakesPublicInputs(commitment.modelId);
        }
        address primary = _draw(requestId, commitment);
        if (msg.sender != primary || block.timestamp >= commitment.windowEnd) {
            revert NotPrimaryNode(requestId, msg.sender, primary, commitment.windowEnd);
        }
        if (s_rejected[requestId]) revert DeliveryAlreadyRejected(requestId);
        s_rejected[requestId] = true;
        emit DeliveryRejected(requestId, msg.sender);
        _renew(requestId, commitment, 0, block.timestamp + exclusiveWindow);
    }

    /// @inheritdoc IInferenceCoordinator
    function openInput(
        uint256 requestId,
        Commitment calldata commitment,
        int256[] calldata input,
        uint256[] calldata salt
    ) external {
        _checkPending(requestId, commitment);
        _checkOpen(requestId, commitment);
        if (commitment.windowEnd != 0) revert OpeningNotAwaited(requestId);
        uint256 opened = IModelRegistry(modelRegistry).hashCommitted(input, salt);
        if (keccak256(abi.encode(opened)) != commitment.inputHash) revert OpeningMismatch(requestId);
        s_rejected[requestId] = true;
        emit InputOpened(requestId, input, salt);
        _renew(requestId, commitment, block.timestamp + exclusiveWindow, block.timestamp + requestTimeout);
    }

    /// @inheritdoc IInferenceCoordinator
    function postOutput(uint256 requestId, Commitment calldata commitment, int256[] calldata output) external {
        bytes32 commitmentHash = _checkPending(requestId, commitment);
        if (commitment.challengeWindow == 0) revert NotOptimistic(requestId);
        _checkOpen(requestId, commitment);
        if (output.length != commitment.outputLen) {
            revert OutputLengthMismatch(requestId, output.length, commitment.outputLen);
        }
        bytes32 outputHash = keccak256(abi.encodePacked(output));
        address primary = _draw(requestId, commitment);
        if (msg.sender != primary) {
            _checkStandInSeal(requestId, commitment, primary, _postingSeal(requestId, msg.sender, outputHash));
        }
        uint64 finalAt = uint64(block.timestamp) + commitment.challengeWindow;
        s_commitments[requestId] = _postingSlot(_newPostingHash(requestId, commitment, finalAt, commitmentHash, outputHash));
        if (msg.sender != primary && primary != address(0)) _slash(primary, commitment);
        emit OutputPosted(requestId, msg.sender, finalAt, output);
    }

    /// @inheritdoc IInferenceCoordinator
    function challenge(
        uint256 requestId,
        Commitment calldata commitment,
        Posting calldata posting,
        int256[] calldata postedOutput,
        bytes calldata proof,
        uint256[] calldata instances
    ) external returns (FulfillmentResult result) {
        _checkPosted(requestId, posting, keccak256(abi.encodePacked(postedOutput)));
        int256[] memory output = _checkChallenge(requestId, commitment, posting, postedOutput, proof, instances);

        // Effects before the callback: the request can never be settled twice.
        delete s_commitments[requestId];
        s_credits[msg.sender] += posting.fee;
        (, uint96 bond) = IModelRegistry(modelRegistry).getOptimisticTerms(commitment.modelId);
        uint256 slashed =
            INodeRegistry(nodeRegistry).slash(posting.poster, msg.sender, bond, CHALLENGER_SHARE_BPS);
        emit PostingChallenged(requestId, posting.poster, msg.sender, slashed);
        result = _callback(requestId, posting.requester, posting.callbackGasLimit, output);
        emit InferenceFulfilled(requestId, msg.sender, result, output, slashed);
    }

    /// @inheritdoc IInferenceCoordinator
    function finalize(uint256[] calldata requestIds, Posting[] calldata postings, int256[][] calldata outputs)
        external
        returns (FulfillmentResult[] memory results)
    {
        uint256 k = requestIds.length;
        if (k == 0 || postings.length != k || outputs.length != k) {
            revert FinalizeLengthMismatch(k, postings.length, outputs.length);
        }
        results = new FulfillmentResult[](k);
        // Every check and effect before any callback: a consumer that re-enters finds them settled.
        (uint256 settled, uint256 callbackGas) = _settlePostings(requestIds, postings, outputs, results);
        if (gasleft() < callbackGas) revert InsufficientGasForCallbacks(gasleft(), callbackGas);
        uint256[] memory ids = new uint256[](settled);
        FulfillmentResult[] memory done = new FulfillmentResult[](settled);
        uint256 at;
        for (uint256 i = 0; i < k; ++i) {
            if (results[i] == FulfillmentResult.Skipped) continue;
            Posting calldata p = postings[i];
            results[i] = _callback(requestIds[i], p.requester, p.callbackGasLimit, outputs[i]);
            ids[at] = requestIds[i];
            done[at++] = results[i];
        }
        emit OutputsFinalized(ids, done);
    }

    /// @inheritdoc IInferenceCoordinator
    function fulfill(
        uint256 requestId,
        Commitment calldata commitment,
        bytes calldata proof,
        uint256[] calldata instances
    ) external returns (FulfillmentResult result) {
        _checkPending(requestId, commitment);
        _checkOpen(requestId, commitment);
        address primary = _draw(requestId, commitment);
        if (msg.sender != primary) {
            _checkStandInSeal(requestId, commitment, primary, fulfillmentSeal(requestId, msg.sender, proof, instances));
        }
        int256[] memory output = _provenOutput(requestId, commitment, proof, instances);

        // Effects before the callback: the request can never be settled twice.
        delete s_commitments[requestId];
        s_credits[msg.sender] += commitment.fee;
        uint256 slashed;
        if (msg.sender != primary && primary != address(0)) {
            slashed = _slash(primary, commitment);
        }
        result = _callback(requestId, commitment.requester, commitment.callbackGasLimit, output);
        emit InferenceFulfilled(requestId, msg.sender, result, output, slashed);
    }

    /// @inheritdoc IInferenceCoordinator
    function fulfillBatch(
        uint256[] calldata requestIds,
        Commitment[] calldata commitments,
        bytes calldata proof,
        uint256[] calldata instances
    ) external returns (FulfillmentResult[] memory results) {
        uint256 k = requestIds.length;
        if (k != commitments.length) revert BatchLengthMismatch(k, commitments.length);
        if (k == 0) revert BatchSizeOutOfRange(0, 0);
        Batch memory b;
        b.modelId = commitments[0].modelId;
        {
            IModelRegistry.ModelTerms memory m = IModelRegistry(modelRegistry).getModelTerms(b.modelId);
            b.n = m.batchSize;
            b.inputLen = m.committed ? 1 : m.inputLen;
            b.outputLen = m.outputLen;
            b.verifier = m.verifier;
        }
        if (k > b.n) revert BatchSizeOutOfRange(k, b.n);
        uint256 want = b.n * (b.inputLen + b.outputLen);
        if (instances.length != want) revert BatchInstanceCountMismatch(instances.length, want);

        // Checks of every request, before anything is paid or changed.
        results = new FulfillmentResult[](k);
        address[] memory slashable = new address[](k);
        {
            uint256 inputsAt;
            assembly ("memory-safe") {
                inputsAt := instances.offset
            }
            b.inputsAt = inputsAt;
        }
        _checkBatch(b, requestIds, commitments, results, slashable);
        if (b.settled == 0) revert NothingToSettle();
        if (b.standInId != 0) {
            if (!INodeRegistry(nodeRegistry).isEligible(msg.sender, b.modelId)) {
                revert NodeNotEligible(b.standInId, msg.sender);
            }
            bytes32 seal = batchSeal(requestIds, msg.sender, proof, instances);
            _spendSeal(b.standInId, b.lastRequestBlock, seal);
        }
        if (!_verify(b.verifier, proof, instances)) revert InvalidProof(requestIds[0]);

        // Every effect before any callback: a consumer that re-enters finds the whole batch settled.
        uint256[] memory slashed = _settleBatch(b, requestIds, commitments, results, slashable);
        if (gasleft() < b.callbackGas) revert InsufficientGasForCallbacks(gasleft(), b.callbackGas);
        _deliverBatch(b, requestIds, commitments, instances, results, slashed);
    }

    /// @inheritdoc IInferenceCoordinator
    function cancelRequest(uint256 requestId, Commitment calldata commitment) external {
        _checkPending(requestId, commitment);
        if (block.timestamp <= commitment.deadline) revert RequestNotExpired(requestId, commitment.deadline);
        // While the request awaits its requester (a delivery or an opening), no node answers for it.
        address primary = commitment.windowEnd == 0 ? address(0) : _draw(requestId, commitment);
        delete s_commitments[requestId];
        s_credits[commitment.requester] += commitment.fee;
        uint256 slashed;
        if (primary != address(0)) slashed = _slash(primary, commitment);
        emit InferenceCancelled(requestId, commitment.requester, primary, commitment.fee, slashed);
    }

    /// @inheritdoc IInferenceCoordinator
    function sealFulfillment(uint256 requestId, bytes32 seal) external {
        if (s_commitments[requestId] == 0) revert RequestNotPending(requestId);
        if (s_seals[msg.sender][seal] != 0) return;
        s_seals[msg.sender][seal] = block.number;
        emit FulfillmentSealed(requestId, msg.sender, seal);
    }

    /// @inheritdoc IInferenceCoordinator
    function withdraw(address payable recipient) external nonReentrant {
        if (recipient == address(0)) revert ZeroAddress();
        uint256 amount = s_credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        s_credits[msg.sender] = 0;
        emit CreditWithdrawn(msg.sender, recipient, amount);
        (bool ok,) = recipient.call{value: amount}("");
        if (!ok) revert TransferFailed(recipient, amount);
    }

    /// @inheritdoc IInferenceCoordinator
    function pinPrimary(uint256 requestId, Commitment calldata commitment) external returns (address primary) {
        _checkPending(requestId, commitment);
        primary = s_pinned[requestId];
        if (primary != address(0)) return primary;
        if (blockhash(commitment.requestBlock) == 0) revert DrawOutOfReach(requestId, commitment.requestBlock);
        primary = _draw(requestId, commitment);
        if (primary == address(0)) return primary;
        s_pinned[requestId] = primary;
        emit PrimaryPinned(requestId, primary);
    }

    /// @inheritdoc IInferenceCoordinator
    function challengeSeal(uint256 requestId, address challenger, bytes calldata proof, uint256[] calldata instances)
        public
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encode(requestId, challenger, keccak256(proof), keccak256(abi.encodePacked(instances)), 2)
        );
    }

    /// @inheritdoc IInferenceCoordinator
    function postingSeal(uint256 requestId, address node, int256[] calldata output) external pure returns (bytes32) {
        return _postingSeal(requestId, node, keccak256(abi.encodePacked(output)));
    }

    /// @inheritdoc IInferenceCoordinator
    function isPosted(uint256 requestId, Posting calldata posting, int256[] calldata output)
        external
        view
        returns (bool)
    {
        return s_commitments[requestId]
            == _postingSlot(_postingHash(requestId, posting, keccak256(abi.encodePacked(output))));
    }

    /// @inheritdoc IInferenceCoordinator
    function primaryOf(uint256 requestId, Commitment calldata commitment) external view returns (address) {
        _checkPending(requestId, commitment);
        return _draw(requestId, commitment);
    }

    /// @inheritdoc IInferenceCoordinator
    function fulfillmentSeal(uint256 requestId, address node, bytes calldata proof, uint256[] calldata instances)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(requestId, node, keccak256(proof), keccak256(abi.encodePacked(instances))));
    }

    /// @inheritdoc IInferenceCoordinator
    function batchSeal(uint256[] calldata requestIds, address node, bytes calldata proof, uint256[] calldata instances)
        public
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encode(
                keccak256(abi.encodePacked(requestIds)),
                node,
                keccak256(proof),
                keccak256(abi.encodePacked(instances))
            )
        );
    }

    /// @inheritdoc IInferenceCoordinator
    function sealedAt(address node, bytes32 seal) external view returns (uint256) {
        return s_seals[node][seal];
    }

    /// @inheritdoc IInferenceCoordinator
    function credits(address account) external view returns (uint256) {
        return s_credits[account];
    }

    /// @inheritdoc IInferenceCoordinator
    function commitmentOf(uint256 requestId) external view returns (bytes32) {
        return s_commitments[requestId];
    }

    /// @inheritdoc IInferenceCoordinator
    function requestCount() external view returns (uint256) {
        return s_nextRequestId - 1;
    }

    /// @inheritdoc IInferenceCoordinator
    function hashInput(int256[] calldata input) external pure returns (bytes32 digest) {
        uint256 bad;
        (digest, bad) = BN254Field.hashInput(input, BN254Field.HALF);
        if (bad != BN254Field.ALL_IN_RANGE) revert InputOutOfRange(bad, input[bad], BN254Field.HALF);
    }

    /// @inheritdoc IInferenceCoordinator
    function toFelt(int256 x) external pure returns (uint256) {
        if (!BN254Field.fits(x)) revert ValueOutOfField(x);
        return BN254Field.toFelt(x);
    }

    /// @inheritdoc IInferenceCoordinator
    function fromFelt(uint256 felt) external pure returns (int256) {
        return BN254Field.fromFelt(felt);
    }

    // ------------------------------------------------------------------------------- internals

    function _request(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit, bool optimistic)
        private
        returns (uint256 requestId)
    {
        (Commitment memory c, IModelRegistry.ModelTerms memory m) =
            _newCommitment(modelId, callbackGasLimit, optimistic, false);
        if (input.length != m.inputLen) revert InputLengthMismatch(input.length, m.inputLen);
        (bytes32 inputHash, uint256 bad) = BN254Field.hashInput(input, m.maxAbsInput);
        if (bad != BN254Field.ALL_IN_RANGE) revert InputOutOfRange(bad, input[bad], m.maxAbsInput);
        c.inputHash = inputHash;
        requestId = s_nextRequestId++;
        uint256 ptr = _requestHead(requestId, c, input.length);
        assembly ("memory-safe") {
            calldatacopy(add(ptr, 0x240), input.offset, shl(5, input.length))
        }
        s_commitments[requestId] = _pendingSlot(_hashAndLogRequest(ptr, c, input.length));
    }

    /// @dev Validates a request (`committed`: one that commits to its input) against its
    ///      model's terms and builds its commitment, all but the input's hash; returns the terms.
    function _newCommitment(uint256 modelId, uint32 callbackGasLimit, bool optimistic, bool committed)
        private
        view
        returns (Commitment memory c, IModelRegistry.ModelTerms memory m)
    {
        m = IModelRegistry(modelRegistry).getModelTerms(modelId);
        if (!m.active) revert ModelNotActive(modelId);
        if (m.committed != committed) {
            if (committed) revert ModelTakesPublicInputs(modelId);
            revert ModelTakesCommittedInputs(modelId);
        }
        if (msg.value != m.fee) revert IncorrectFee(msg.value, m.fee);
        uint32 maxGas = m.maxCallbackGas < maxCallbackGasLimit ? m.maxCallbackGas : maxCallbackGasLimit;
        if (callbackGasLimit > maxGas) revert CallbackGasLimitTooHigh(callbackGasLimit, maxGas);
        (uint256 slotCount, uint96 slashAmount, uint16 harmedShareBps) =
            INodeRegistry(nodeRegistry).requestTerms(modelId);
        c.modelId = modelId;
        c.requester = msg.sender;
        c.verifier = m.verifier;
        c.fee = m.fee;
        c.callbackGasLimit = callbackGasLimit;
        c.inputLen = m.inputLen;
        c.outputLen = m.outputLen;
        c.requestBlock = uint64(block.number);
        c.poolHistoryLength = uint64(slotCount);
        c.windowEnd = uint64(block.timestamp) + exclusiveWindow;
        c.deadline = uint64(block.timestamp) + requestTimeout;
        c.slashAmount = slashAmount;
        c.harmedShareBps = harmedShareBps;
        if (optimistic) {
            if (m.challengeWindow == 0) revert OptimisticNotAllowed(modelId);
            if (m.challengeWindow > maxChallengeWindow) {
                revert ChallengeWindowTooLong(m.challengeWindow, maxChallengeWindow);
            }
            c.challengeWindow = m.challengeWindow;
        }
    }

    /// @dev Reverts unless the request is pending under exactly `commitment`; returns the
    ///      commitment's hash.
    function _checkPending(uint256 requestId, Commitment calldata commitment) private view returns (bytes32 h) {
        bytes32 stored = s_commitments[requestId];
        if (stored == 0) revert RequestNotPending(requestId);
        if (uint256(stored) & POSTED != 0) revert RequestAlreadyPosted(requestId);
        h = _commitmentHash(requestId, commitment);
        if (_pendingSlot(h) != stored) revert CommitmentMismatch(requestId);
    }

    /// @dev A pending request may be settled from the block after its own until its deadline.
    function _checkOpen(uint256 requestId, Commitment calldata c) private view {
        if (block.number <= c.requestBlock) revert RequestNotYetOpen(requestId, c.requestBlock);
        if (block.timestamp > c.deadline) revert RequestExpired(requestId, c.deadline);
    }

    function _checkPosted(uint256 requestId, Posting calldata posting, bytes32 outputHash) private view {
        bytes32 stored = s_commitments[requestId];
        if (uint256(stored) & POSTED == 0) revert RequestNotPosted(requestId);
        if (_postingSlot(_postingHash(requestId, posting, outputHash)) != stored) revert PostingMismatch(requestId);
    }

    /// @dev The checks of `challenge`; returns the proven output. The caller's seal is spent.
    function _checkChallenge(
        uint256 requestId,
        Commitment calldata commitment,
        Posting calldata posting,
        int256[] calldata postedOutput,
        bytes calldata proof,
        uint256[] calldata instances
    ) private returns (int256[] memory output) {
        if (_commitmentHash(requestId, commitment) != posting.commitmentHash) revert CommitmentMismatch(requestId);
        if (block.timestamp >= posting.finalAt) revert ChallengeWindowClosed(requestId, posting.finalAt);
        output = _provenOutput(requestId, commitment, proof, instances);
        if (keccak256(abi.encodePacked(output)) == keccak256(abi.encodePacked(postedOutput))) {
            revert PostingNotWrong(requestId);
        }
        _spendSeal(requestId, commitment.requestBlock, challengeSeal(requestId, msg.sender, proof, instances));
    }

    /// @dev The checks and effects of `finalize`: each finalizable posting deleted and its fee
    ///      credited to its poster (one write per run of the same poster); skipped entries marked.
    ///      Returns how many were settled and the gas their callbacks need.
    function _settlePostings(
        uint256[] calldata requestIds,
        Posting[] calldata postings,
        int256[][] calldata outputs,
        FulfillmentResult[] memory results
    ) private returns (uint256 settled, uint256 callbackGas) {
        address payee;
        uint256 owed;
        for (uint256 i = 0; i < requestIds.length; ++i) {
            Posting calldata p = postings[i];
            if (!_finalizable(requestIds[i], p, outputs[i])) {
                results[i] = FulfillmentResult.Skipped;
                continue;
            }
            delete s_commitments[requestIds[i]];
            if (p.poster != payee) {
                if (owed != 0) s_credits[payee] += owed;
                (payee, owed) = (p.poster, 0);
            }
            owed += p.fee;
            callbackGas += uint256(p.callbackGasLimit) * 64 / 63 + CALLBACK_CALL_OVERHEAD;
            settled += 1;
        }
        if (settled == 0) revert NothingToSettle();
        s_credits[payee] += owed;
    }

    /// @dev Whether `finalize` settles this entry: false when the request is no longer posted;
    ///      reverts when the posting or the output does not match, or its window is open.
    function _finalizable(uint256 requestId, Posting calldata p, int256[] calldata output)
        private
        view
        returns (bool)
    {
        bytes32 stored = s_commitments[requestId];
        if (uint256(stored) & POSTED == 0) {
            if (stored != 0) revert RequestNotPosted(requestId);
            return false;
        }
        if (_postingSlot(_postingHash(requestId, p, keccak256(abi.encodePacked(output)))) != stored) {
            revert PostingMismatch(requestId);
        }
        if (block.timestamp < p.finalAt) revert ChallengeWindowOpen(requestId, p.finalAt);
        return true;
    }

    /// @dev The output a proof of the request's input shows, once the instances are bound to the
    ///      request (count and input felts) and the model's verifier accepts the proof.
    function _provenOutput(
        uint256 requestId,
        Commitment calldata commitment,
        bytes calldata proof,
        uint256[] calldata instances
    ) private view returns (int256[] memory output) {
        uint256 inputLen = commitment.inputLen;
        uint256 want = inputLen + commitment.outputLen;
        if (instances.length != want) revert InstanceCountMismatch(requestId, instances.length, want);
        if (keccak256(abi.encodePacked(instances[:inputLen])) != commitment.inputHash) {
            revert InputInstancesMismatch(requestId);
        }
        if (!_verify(commitment.verifier, proof, instances)) revert InvalidProof(requestId);
        output = new int256[](commitment.outputLen);
        for (uint256 i = 0; i < output.length; ++i) {
            output[i] = BN254Field.fromFelt(instances[inputLen + i]);
        }
    }

    /// @dev Whether a committed circuit of the model can prove `input` with `salt`.
    function _provable(int256[] calldata input, uint256[] calldata salt, IModelRegistry.ModelTerms memory m)
        private
        pure
        returns (bool)
    {
        if (input.length != m.inputLen || salt.length != SALT_LEN) return false;
        for (uint256 i = 0; i < input.length; ++i) {
            if (BN254Field.abs(input[i]) > m.maxAbsInput) return false;
        }
        for (uint256 i = 0; i < SALT_LEN; ++i) {
            if (salt[i] >> SALT_BITS != 0) return false;
        }
        return true;
    }

    function _pendingSlot(bytes32 commitmentHash) private pure returns (bytes32) {
        return bytes32(uint256(commitmentHash) & ~POSTED);
    }

    function _postingSlot(bytes32 postingHash) private pure returns (bytes32) {
        return bytes32(uint256(postingHash) | POSTED);
    }

    function _postingSeal(uint256 requestId, address node, bytes32 outputHash) private pure returns (bytes32) {
        return keccak256(abi.encode(requestId, node, outputHash, 1));
    }

    /// @dev The request's primary (see the interface notice): zero while the request's block is
    ///      the current one, or when no slot of the pool had stake in the request's block. Past
    ///      256 blocks (`blockhash` is zero then) it is the pinned draw, or zero if none was
    ///      pinned. A pin is left in storage after the request settles.
    function _draw(uint256 requestId, Commitment calldata c) private view returns (address) {
        bytes32 hash = blockhash(c.requestBlock);
        if (hash == 0) return s_pinned[requestId];
        uint256 seed = uint256(keccak256(abi.encode(requestId, hash)));
        return INodeRegistry(nodeRegistry).drawNode(c.modelId, seed, c.poolHistoryLength, c.requestBlock);
    }

    /// @dev The checks of `fulfillBatch` for every slot in use: ids strictly ascending and not
    ///      the padding id 0, one model, and for each pending request its commitment, its input
    ///      slice, that its block is over, and the caller's right to settle it now. A request no
    ///      longer pending or past its deadline is marked `Skipped`. For the others it tallies fees and callback gas,
    ///      records the primary to slash when the caller stands in for it, and notes the first
    ///      request the caller stands in for.
    function _checkBatch(
        Batch memory b,
        uint256[] calldata requestIds,
        Commitment[] calldata commitments,
        FulfillmentResult[] memory results,
        address[] memory slashable
    ) private view {
        for (uint256 i = 0; i < requestIds.length; ++i) {
            uint256 requestId = requestIds[i];
            if (i == 0) {
                if (requestId == 0) revert PaddingClaimedAsRequest();
            } else if (requestId <= requestIds[i - 1]) {
                if (requestId == requestIds[i - 1]) revert DuplicateRequestInBatch(requestId);
                revert RequestIdsNotAscending(requestIds[i - 1], requestId);
            }
            (bool settle, address primary) = _checkRequest(b, requestId, commitments[i], i);
            if (settle) slashable[i] = primary;
            else results[i] = FulfillmentResult.Skipped;
        }
    }

    /// @dev One request of a batch, in slot `slot` (see `_checkBatch`). Returns whether it is settled and, when the caller stands in for a
    ///      primary, that primary.
    function _checkRequest(Batch memory b, uint256 requestId, Commitment calldata c, uint256 slot)
        private
        view
        returns (bool settle, address slashable)
    {
        if (c.modelId != b.modelId) revert BatchModelMismatch(requestId, c.modelId, b.modelId);
        bytes32 stored = s_commitments[requestId];
        if (stored == 0 || uint256(stored) & POSTED != 0) return (false, address(0));
        if (_pendingSlot(_commitmentHash(requestId, c)) != stored) revert CommitmentMismatch(requestId);
        if (block.timestamp > c.deadline) return (false, address(0));
        if (block.number <= c.requestBlock) revert RequestNotYetOpen(requestId, c.requestBlock);
        if (_inputSliceHash(b, slot) != c.inputHash) revert InputInstancesMismatch(requestId);
        address primary = _draw(requestId, c);
        if (msg.sender != primary) {
            if (primary != address(0) && _primaryHolds(c)) {
                revert NotPrimaryNode(requestId, msg.sender, primary, c.windowEnd);
            }
            if (b.standInId == 0) b.standInId = requestId;
            slashable = primary;
        }
        if (c.requestBlock > b.lastRequestBlock) b.lastRequestBlock = c.requestBlock;
        b.settled += 1;
        b.fees += c.fee;
        b.callbackGas += uint256(c.callbackGasLimit) * 64 / 63 + CALLBACK_CALL_OVERHEAD;
        settle = true;
    }

    /// @dev The effects of `fulfillBatch`: every settled request's commitment deleted, its
    ///      primary slashed where the caller stood in for it, and one credit of all the fees.
    ///      Returns what each slot's primary lost.
    function _settleBatch(
        Batch memory b,
        uint256[] calldata requestIds,
        Commitment[] calldata commitments,
        FulfillmentResult[] memory results,
        address[] memory slashable
    ) private returns (uint256[] memory slashed) {
        slashed = new uint256[](requestIds.length);
        for (uint256 i = 0; i < requestIds.length; ++i) {
            if (results[i] == FulfillmentResult.Skipped) continue;
            delete s_commitments[requestIds[i]];
            if (slashable[i] != address(0)) slashed[i] = _slash(slashable[i], commitments[i]);
        }
        s_credits[msg.sender] += b.fees;
    }

    /// @dev The callbacks and events of `fulfillBatch`, in slot order; records each result.
    function _deliverBatch(
        Batch memory b,
        uint256[] calldata requestIds,
        Commitment[] calldata commitments,
        uint256[] calldata instances,
        FulfillmentResult[] memory results,
        uint256[] memory slashed
    ) private {
        uint256 outputsAt = b.n * b.inputLen;
        for (uint256 i = 0; i < requestIds.length; ++i) {
            if (results[i] == FulfillmentResult.Skipped) continue;
            uint256 requestId = requestIds[i];
            int256[] memory output = new int256[](b.outputLen);
            uint256 at = outputsAt + i * output.length;
            for (uint256 j = 0; j < output.length; ++j) {
                output[j] = BN254Field.fromFelt(instances[at + j]);
            }
            Commitment calldata c = commitments[i];
            FulfillmentResult result = _callback(requestId, c.requester, c.callbackGasLimit, output);
            results[i] = result;
            emit InferenceFulfilled(requestId, msg.sender, result, output, slashed[i]);
        }
    }

    /// @dev The hash of the posting the caller makes now: `_postingHash` of `Posting(c.requester,
    ///      msg.sender, c.fee, c.callbackGasLimit, finalAt, commitmentHash)`. The commitment's
    ///      words were just hashed to the stored commitment, so they are canonical. Measured:
    ///      559 gas less per `postOutput` than `abi.encode` of the same eight words.
    function _newPostingHash(
        uint256 requestId,
        Commitment calldata c,
        uint64 finalAt,
        bytes32 commitmentHash,
        bytes32 outputHash
    ) private view returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, requestId)
            mstore(add(ptr, 0x20), calldataload(add(c, 0x20))) // requester
            mstore(add(ptr, 0x40), caller())
            mstore(add(ptr, 0x60), calldataload(add(c, 0x60))) // fee
            mstore(add(ptr, 0x80), calldataload(add(c, 0x80))) // callbackGasLimit
            mstore(add(ptr, 0xa0), finalAt)
            mstore(add(ptr, 0xc0), commitmentHash)
            mstore(add(ptr, 0xe0), outputHash)
            h := keccak256(ptr, 0x100)
        }
    }

    /// @dev `keccak256(abi.encode(requestId, p, outputHash))` from one copy of the calldata struct
    ///      (six static fields; a non-canonical encoding hashes differently and is refused).
    ///      Measured: about 550 gas less per `finalize` entry than `abi.encode` (a batch of 16).
    function _postingHash(uint256 requestId, Posting calldata p, bytes32 outputHash) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, requestId)
            calldatacopy(add(ptr, 0x20), p, 0xc0)
            mstore(add(ptr, 0xe0), outputHash)
            h := keccak256(ptr, 0x100)
        }
    }

    /// @dev `keccak256(abi.encode(requestId, c))` from one copy of the calldata struct (all its
    ///      fields are static, so its calldata encoding is its ABI encoding; a non-canonical
    ///      encoding hashes differently and is refused as a mismatch).
    function _commitmentHash(uint256 requestId, Commitment calldata c) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, requestId)
            calldatacopy(add(ptr, 0x20), c, 0x1e0)
            h := keccak256(ptr, 0x200)
        }
    }

    /// @dev Whether only the primary may settle the request now: within its window, or while
    ///      the request awaits its requester (`windowEnd` zero: a delivery or an opening).
    function _primaryHolds(Commitment calldata c) private view returns (bool) {
        return c.windowEnd == 0 || block.timestamp < c.windowEnd;
    }

    /// @dev Replaces the pending request's commitment by the same with a new window end and
    ///      deadline, and says so (`RequestRenewed`).
    function _renew(uint256 requestId, Commitment calldata c, uint256 windowEnd, uint256 deadline) private {
        bytes32 h;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, requestId)
            calldatacopy(add(ptr, 0x20), c, 0x1e0)
            mstore(add(ptr, 0x140), windowEnd) // field 9
            mstore(add(ptr, 0x160), deadline) // field 10
            h := keccak256(ptr, 0x200)
        }
        s_commitments[requestId] = _pendingSlot(h);
        emit RequestRenewed(requestId, uint64(windowEnd), uint64(deadline));
    }

    /// @dev `keccak256(abi.encodePacked(instances[slot * inputLen:(slot + 1) * inputLen]))`, the
    ///      hash of a slot's input instances (in bounds: the instance count was checked).
    function _inputSliceHash(Batch memory b, uint256 slot) private pure returns (bytes32 h) {
        uint256 from = b.inputsAt + slot * b.inputLen * 32;
        uint256 size = b.inputLen * 32;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, from, size)
            h := keccak256(ptr, size)
        }
    }

    /// @dev A node other than the primary may fulfil (or post) when it is eligible, the window is
    ///      over (or there is no primary) and it sealed this very fulfilment (`seal`) in an earlier
    ///      block, after the request's own. The seal is spent.
    function _checkStandInSeal(uint256 requestId, Commitment calldata c, address primary, bytes32 seal) private {
        if (!INodeRegistry(nodeRegistry).isEligible(msg.sender, c.modelId)) {
            revert NodeNotEligible(requestId, msg.sender);
        }
        if (primary != address(0) && _primaryHolds(c)) {
            revert NotPrimaryNode(requestId, msg.sender, primary, c.windowEnd);
        }
        _spendSeal(requestId, c.requestBlock, seal);
    }

    /// @dev The caller's `seal` must have been made in a block after `requestBlock` and before
    ///      this one; it is spent.
    function _spendSeal(uint256 requestId, uint256 requestBlock, bytes32 seal) private {
        uint256 sealedIn = s_seals[msg.sender][seal];
        if (sealedIn <= requestBlock || sealedIn >= block.number) {
            revert FulfillmentNotSealed(requestId, msg.sender, sealedIn);
        }
        delete s_seals[msg.sender][seal];
    }

    /// @dev Slashes the primary at the terms the request was made under, in the requester's
    ///      favour (the requester is the party harmed by a late or missing answer).
    function _slash(address primary, Commitment calldata c) private returns (uint256) {
        return INodeRegistry(nodeRegistry).slash(primary, c.requester, c.slashAmount, c.harmedShareBps);
    }

    /// @dev The head of a request's buffer in free memory: [requestId | c (15 words) | offset |
    ///      inputLength]; the caller writes the `inputLength` input words after it (at 0x240)
    ///      and passes it to `_hashAndLogRequest` with nothing allocated in between. Hand-written
    ///      because Solidity's encoder copies a calldata array element by element: measured
    ///      against `keccak256(abi.encode(...))` plus `emit`, it saves about 1.4k gas plus 79 gas
    ///      per input.
    function _requestHead(uint256 requestId, Commitment memory c, uint256 inputLength)
        private
        pure
        returns (uint256 ptr)
    {
        assembly ("memory-safe") {
            ptr := mload(0x40)
            mstore(ptr, requestId)
            // A memory struct of value types is one full word per field, in declaration order.
            mcopy(add(ptr, 0x20), c, 0x1e0)
            // The data head: 15 static words of the struct, then the array's offset (16 words).
            mstore(add(ptr, 0x200), 0x200)
            mstore(add(ptr, 0x220), inputLength)
        }
    }

    /// @dev Emits `InferenceRequested(requestId, c.modelId, c.requester, c, input)` from the
    ///      buffer at `ptr` (`_requestHead` and the input) and returns `keccak256(abi.encode(
    ///      requestId, c))`: the first 16 words are the hashed encoding, the rest from word 1 on
    ///      is the event's ABI-encoded data.
    function _hashAndLogRequest(uint256 ptr, Commitment memory c, uint256 inputLength)
        private
        returns (bytes32 commitmentHash)
    {
        bytes32 topic0 = InferenceRequested.selector;
        uint256 modelId = c.modelId;
        address requester = c.requester;
        assembly ("memory-safe") {
            commitmentHash := keccak256(ptr, 0x200)
            log4(add(ptr, 0x20), add(0x220, shl(5, inputLength)), topic0, mload(ptr), modelId, requester)
        }
    }

    /// @dev True when the verifier returns exactly `true`. A revert (what the generated verifier
    ///      does on a bad proof), a short or other answer are all false. STATICCALL: the
    ///      generated verifier only reads, and a hostile verifier registered by anyone can then
    ///      neither re-enter the coordinator nor change any state. At most 32 bytes are copied.
    function _verify(address verifier, bytes calldata proof, uint256[] calldata instances)
        private
        view
        returns (bool accepted)
    {
        bytes memory data = abi.encodeCall(IHalo2Verifier.verifyProof, (proof, instances));
        assembly ("memory-safe") {
            let ok := staticcall(gas(), verifier, add(data, 0x20), mload(data), 0x00, 0x20)
            accepted := and(and(ok, iszero(lt(returndatasize(), 0x20))), eq(mload(0x00), 1))
        }
    }

    /// @dev Calls `requester.rawFulfill(requestId, output)` with exactly `gasLimit` gas. Reverts
    ///      the whole fulfilment if the caller did not bring enough gas for that (EIP-150 would
    ///      otherwise silently give the consumer less); records instead of reverting when the
    ///      consumer fails. Return data is never copied, so a consumer cannot bomb the caller.
    function _callback(uint256 requestId, address requester, uint32 gasLimit, int256[] memory output)
        private
        returns (FulfillmentResult)
    {
        if (requester.code.length == 0) return FulfillmentResult.NoCallbackCode;
        bytes memory data = abi.encodeCall(IOracleConsumer.rawFulfill, (requestId, output));
        uint256 before = gasleft();
        // After the overhead, the call may forward at most 63/64 of what is left (EIP-150).
        if (before < CALLBACK_CALL_OVERHEAD || (before - CALLBACK_CALL_OVERHEAD) * 63 / 64 < gasLimit) {
            revert InsufficientGasForCallback(requestId, before, uint256(gasLimit) * 64 / 63 + CALLBACK_CALL_OVERHEAD);
        }
        bool success;
        assembly ("memory-safe") {
            success := call(gasLimit, requester, 0, add(data, 0x20), mload(data), 0, 0)
        }
        if (success) return FulfillmentResult.Delivered;
        // A callee that runs out of gas consumes all it was given; a revert returns the rest.
        if (before - gasleft() >= gasLimit) return FulfillmentResult.CallbackOutOfGas;
        return FulfillmentResult.CallbackReverted;
    }
}
