// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceCoordinator} from "../interfaces/IInferenceCoordinator.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";

/// @notice Test-only attacker contract. It requests only when it predicts that `victim` will be the primary,
///         using everything a contract can see in the request's own transaction (the pool, the
///         next request id, prevrandao and the previous block's hash).
contract PrimaryPicker {
    IInferenceCoordinator public immutable coordinator;

    constructor(address coordinator_) {
        coordinator = IInferenceCoordinator(coordinator_);
    }

    receive() external payable {}

    /// @return made Whether it requested (it predicted `victim`).
    function requestIfVictim(uint256 modelId, int256[] calldata input, address victim, uint32 gasLimit)
        external
        payable
        returns (bool made)
    {
        uint256 requestId = coordinator.requestCount() + 1;
        address[] memory pool = INodeRegistry(coordinator.nodeRegistry()).getModelNodes(modelId);
        uint256 seed = uint256(keccak256(abi.encode(requestId, block.prevrandao, blockhash(block.number - 1))));
        if (pool[seed % pool.length] != victim) return false;
        coordinator.requestInference{value: msg.value}(modelId, input, gasLimit);
        return true;
    }

    /// @notice Stake in the registry and serve a model, as a node (for the seal tests).
    function becomeNode(uint256 modelId) external payable {
        INodeRegistry registry = INodeRegistry(coordinator.nodeRegistry());
        registry.stake{value: msg.value}();
        registry.addModel(modelId);
    }

    /// @notice Seal and fulfil in one transaction: a copier that saw a proof in the mempool
    ///         cannot have sealed it in an earlier block.
    function sealAndFulfil(
        uint256 requestId,
        IInferenceCoordinator.Commitment calldata commitment,
        bytes calldata proof,
        uint256[] calldata instances
    ) external {
        coordinator.sealFulfillment(requestId, coordinator.fulfillmentSeal(requestId, address(this), proof, instances));
        coordinator.fulfill(requestId, commitment, proof, instances);
    }
}
