// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceCoordinator} from "../interfaces/IInferenceCoordinator.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";

/// @notice Test-only attacker: an eligible node that knows a request's input in advance and tries
///         to settle it in the request's own block, before its primary is drawn, or with a seal
///         made before the request existed. Requesting and settling in one transaction stands for
///         a settlement placed right behind the request in its block.
contract SameBlockSettler {
    IInferenceCoordinator public immutable coordinator;

    constructor(address coordinator_) {
        coordinator = IInferenceCoordinator(coordinator_);
    }

    receive() external payable {}

    /// @notice Stake in the registry and serve a model, as a node.
    function becomeNode(uint256 modelId) external payable {
        INodeRegistry registry = INodeRegistry(coordinator.nodeRegistry());
        registry.stake{value: msg.value}();
        registry.addModel(modelId);
    }

    /// @notice Seal a fulfilment of a request that does not exist yet, naming a pending one.
    function sealAhead(uint256 pendingId, bytes32 seal) external {
        coordinator.sealFulfillment(pendingId, seal);
    }

    /// @notice Fulfil as this node.
    function fulfil(
        uint256 requestId,
        IInferenceCoordinator.Commitment calldata commitment,
        bytes calldata proof,
        uint256[] calldata instances
    ) external {
        coordinator.fulfill(requestId, commitment, proof, instances);
    }

    /// @notice Settle a batch as this node.
    function fulfilBatch(
        uint256[] calldata requestIds,
        IInferenceCoordinator.Commitment[] calldata commitments,
        bytes calldata proof,
        uint256[] calldata instances
    ) external {
        coordinator.fulfillBatch(requestIds, commitments, proof, instances);
    }

    /// @notice Request, then fulfil the new request in the same transaction.
    function requestAndFulfil(
        uint256 modelId,
        int256[] calldata input,
        uint32 gasLimit,
        bytes calldata proof,
        uint256[] calldata instances
    ) external payable {
        uint256 requestId = coordinator.requestInference{value: msg.value}(modelId, input, gasLimit);
        coordinator.fulfill(requestId, commitmentOf(modelId, input, gasLimit), proof, instances);
    }

    /// @notice Request, then settle the new request alone in a batch in the same transaction.
    function requestAndFulfilBatch(
        uint256 modelId,
        int256[] calldata input,
        uint32 gasLimit,
        bytes calldata proof,
        uint256[] calldata instances
    ) external payable {
        uint256 requestId = coordinator.requestInference{value: msg.value}(modelId, input, gasLimit);
        uint256[] memory ids = new uint256[](1);
        ids[0] = requestId;
        IInferenceCoordinator.Commitment[] memory cs = new IInferenceCoordinator.Commitment[](1);
        cs[0] = commitmentOf(modelId, input, gasLimit);
        coordinator.fulfillBatch(ids, cs, proof, instances);
    }

    /// @notice The commitment of a request this contract makes in the current block.
    function commitmentOf(uint256 modelId, int256[] calldata input, uint32 gasLimit)
        public
        view
        returns (IInferenceCoordinator.Commitment memory c)
    {
        IModelRegistry.ModelTerms memory m = IModelRegistry(coordinator.modelRegistry()).getModelTerms(modelId);
        (uint256 slotCount, uint96 slashAmount, uint16 harmedShareBps) =
            INodeRegistry(coordinator.nodeRegistry()).requestTerms(modelId);
        c.modelId = modelId;
        c.requester = address(this);
        c.verifier = m.verifier;
        c.fee = m.fee;
        c.callbackGasLimit = gasLimit;
        c.inputLen = m.inputLen;
        c.outputLen = m.outputLen;
        c.requestBlock = uint64(block.number);
        c.poolHistoryLength = uint64(slotCount);
        c.windowEnd = uint64(block.timestamp) + coordinator.exclusiveWindow();
        c.deadline = uint64(block.timestamp) + coordinator.requestTimeout();
        c.slashAmount = slashAmount;
        c.harmedShareBps = harmedShareBps;
        c.inputHash = coordinator.hashInput(input);
    }
}
