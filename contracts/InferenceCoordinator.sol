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

    /// @dev Starts at 1 (set in the constructor) so that no request pays a zero-to-nonzero write.
    uint256 private s_nextRequestId;
    mapping(uint256 requestId => bytes32) private s_commitments;
    mapping(address account => uint256) private s_credits;

    /// @param modelRegistry_ The model registry.
    /// @param nodeRegistry_ The node registry (whose coordinator must be set to this contract).
    /// @param exclusiveWindow_ Seconds during which only the primary may fulfil.
    /// @param requestTimeout_ Seconds until the deadline; must exceed the window.
    /// @param maxCallbackGasLimit_ Largest callback gas limit a requester may ask for.
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
        modelRegistry = modelRegistry_;
        nodeRegistry = nodeRegistry_;
        exclusiveWindow = exclusiveWindow_;
        requestTimeout = requestTimeout_;
        maxCallbackGasLimit = maxCallbackGasLimit_;
        s_nextRequestId = 1;
    }

    /// @inheritdoc IInferenceCoordinator
    function requestInference(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256 requestId)
    {
        Commitment memory c = _newCommitment(modelId, input, callbackGasLimit);
        requestId = s_nextRequestId++;
        uint256 seed = uint256(keccak256(abi.encode(requestId, block.prevrandao, blockhash(block.number - 1))));
        address primary = INodeRegistry(nodeRegistry).assignNode(modelId, seed);
        c.primary = primary;
        s_commitments[requestId] = _hashAndEmitRequest(requestId, c, input);
    }

    /// @inheritdoc IInferenceCoordinator
    function fulfill(
        uint256 requestId,
        Commitment calldata commitment,
        bytes calldata proof,
        uint256[] calldata instances
    ) external returns (FulfillmentResult result) {
        _checkPending(requestId, commitment);
        if (block.timestamp > commitment.deadline) revert RequestExpired(requestId, commitment.deadline);
        if (msg.sender != commitment.primary) {
            if (!INodeRegistry(nodeRegistry).isEligible(msg.sender, commitment.modelId)) {
                revert NodeNotEligible(requestId, msg.sender);
            }
            if (block.timestamp < commitment.windowEnd) {
                revert NotPrimaryNode(requestId, msg.sender, commitment.primary, commitment.windowEnd);
            }
        }
        uint256 inputLen = commitment.inputLen;
        uint256 want = inputLen + commitment.outputLen;
        if (instances.length != want) revert InstanceCountMismatch(requestId, instances.length, want);
        if (_hashWords(instances[:inputLen]) != commitment.inputHash) revert InputInstancesMismatch(requestId);
        if (!_verify(commitment.verifier, proof, instances)) revert InvalidProof(requestId);

        // Effects before the callback: the request can never be settled twice.
        delete s_commitments[requestId];
        s_credits[msg.sender] += commitment.fee;
        INodeRegistry(nodeRegistry).releaseAssignment(commitment.primary);
        uint256 slashed;
        if (msg.sender != commitment.primary) {
            slashed = INodeRegistry(nodeRegistry).slash(commitment.primary, msg.sender);
        }

        int256[] memory output = new int256[](commitment.outputLen);
        for (uint256 i = 0; i < output.length; ++i) {
            output[i] = BN254Field.fromFelt(instances[inputLen + i]);
        }
        result = _callback(requestId, commitment.requester, commitment.callbackGasLimit, output);
        emit InferenceFulfilled(requestId, msg.sender, result, output, slashed);
    }

    /// @inheritdoc IInferenceCoordinator
    function cancelRequest(uint256 requestId, Commitment calldata commitment) external {
        _checkPending(requestId, commitment);
        if (block.timestamp <= commitment.deadline) revert RequestNotExpired(requestId, commitment.deadline);
        delete s_commitments[requestId];
        s_credits[commitment.requester] += commitment.fee;
        INodeRegistry(nodeRegistry).releaseAssignment(commitment.primary);
        uint256 slashed = INodeRegistry(nodeRegistry).slash(commitment.primary, commitment.requester);
        emit InferenceCancelled(requestId, commitment.requester, commitment.primary, commitment.fee, slashed);
    }

    /// @inheritdoc IInferenceCoordinator
    function withdraw(address payable recipient) external nonReentrant {
        uint256 amount = s_credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        s_credits[msg.sender] = 0;
        emit CreditWithdrawn(msg.sender, recipient, amount);
        (bool ok,) = recipient.call{value: amount}("");
        if (!ok) revert TransferFailed(recipient, amount);
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
    function hashInput(int256[] calldata input) external pure returns (bytes32) {
        return _hashInput(input);
    }

    /// @inheritdoc IInferenceCoordinator
    function toFelt(int256 x) external pure returns (uint256) {
        if (!BN254Field.fits(x)) revert InputOutOfField(0, x);
        return BN254Field.toFelt(x);
    }

    /// @inheritdoc IInferenceCoordinator
    function fromFelt(uint256 felt) external pure returns (int256) {
        return BN254Field.fromFelt(felt);
    }

    // ------------------------------------------------------------------------------- internals

    /// @dev Validates a request against its model and builds its commitment (primary unset).
    function _newCommitment(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        private
        view
        returns (Commitment memory c)
    {
        (address verifier, uint32 inputLen, uint32 outputLen, uint96 fee, bool active) =
            IModelRegistry(modelRegistry).getModelTerms(modelId);
        if (!active) revert ModelNotActive(modelId);
        if (msg.value != fee) revert IncorrectFee(msg.value, fee);
        if (input.length != inputLen) revert InputLengthMismatch(input.length, inputLen);
        if (callbackGasLimit > maxCallbackGasLimit) {
            revert CallbackGasLimitTooHigh(callbackGasLimit, maxCallbackGasLimit);
        }
        c.modelId = modelId;
        c.requester = msg.sender;
        c.verifier = verifier;
        c.fee = fee;
        c.callbackGasLimit = callbackGasLimit;
        c.inputLen = inputLen;
        c.outputLen = outputLen;
        c.windowEnd = uint64(block.timestamp) + exclusiveWindow;
        c.deadline = uint64(block.timestamp) + requestTimeout;
        c.inputHash = _hashInput(input);
    }

    function _checkPending(uint256 requestId, Commitment calldata commitment) private view {
        bytes32 stored = s_commitments[requestId];
        if (stored == 0) revert RequestNotPending(requestId);
        if (keccak256(abi.encode(requestId, commitment)) != stored) revert CommitmentMismatch(requestId);
    }

    /// @dev Maps each input to its felt (see {BN254Field}) and hashes the 32-byte big-endian
    ///      words, in one pass over calldata; reverts on the first input that does not fit.
    function _hashInput(int256[] calldata input) private pure returns (bytes32 digest) {
        uint256 bad = type(uint256).max;
        assembly ("memory-safe") {
            let start := mload(0x40)
            let out := start
            for { let i := 0 } lt(i, input.length) { i := add(i, 1) } {
                let x := calldataload(add(input.offset, shl(5, i)))
                // Fits when -HALF <= x <= HALF (signed), HALF = (r - 1) / 2.
                if or(sgt(x, 0x183227397098d014dc2822db40c0ac2e9419f4243cdcb848a1f0fac9f8000000), slt(x, sub(0, 0x183227397098d014dc2822db40c0ac2e9419f4243cdcb848a1f0fac9f8000000))) {
                    bad := i
                    break
                }
                // x >= 0 stays x; x < 0 becomes r + x = r - |x| (wrapping add).
                mstore(out, add(x, mul(slt(x, 0), 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001)))
                out := add(out, 0x20)
            }
            digest := keccak256(start, sub(out, start))
        }
        if (bad != type(uint256).max) revert InputOutOfField(bad, input[bad]);
    }

    /// @dev Emits `InferenceRequested(requestId, c.modelId, c.primary, c, input)` and returns
    ///      `keccak256(abi.encode(requestId, c))`, from one buffer: [requestId | c (11 words) |
    ///      offset | input.length | input]. The first 12 words are the hashed encoding, the rest
    ///      from word 1 on is the event's ABI-encoded data. Hand-written because Solidity's
    ///      encoder copies the calldata array element by element (about 200 gas per input).
    function _hashAndEmitRequest(uint256 requestId, Commitment memory c, int256[] calldata input)
        private
        returns (bytes32 commitmentHash)
    {
        bytes32 topic0 = InferenceRequested.selector;
        uint256 modelId = c.modelId;
        address primary = c.primary;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, requestId)
            // A memory struct of value types is one full word per field, in declaration order.
            mcopy(add(ptr, 0x20), c, 0x160)
            // The data head: 11 static words of the struct, then the array's offset (12 words).
            mstore(add(ptr, 0x180), 0x180)
            mstore(add(ptr, 0x1a0), input.length)
            let size := shl(5, input.length)
            calldatacopy(add(ptr, 0x1c0), input.offset, size)
            commitmentHash := keccak256(ptr, 0x180)
            log4(add(ptr, 0x20), add(0x1a0, size), topic0, requestId, modelId, primary)
        }
    }

    /// @dev keccak256 of calldata words, without copying them through abi.encodePacked.
    function _hashWords(uint256[] calldata words) private pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let size := mul(words.length, 0x20)
            calldatacopy(ptr, words.offset, size)
            digest := keccak256(ptr, size)
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
