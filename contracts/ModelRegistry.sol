// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {BN254Field} from "./utils/BN254Field.sol";
import {Poseidon} from "./utils/Poseidon.sol";

/// @title Registry of immutable model records
/// @notice See {IModelRegistry}.
contract ModelRegistry is IModelRegistry {
    /// @inheritdoc IModelRegistry
    uint256 public constant maxInstances = 4096;

    uint256 private s_modelCount;
    mapping(uint256 modelId => Model) private s_models;

    /// @inheritdoc IModelRegistry
    function registerModel(ModelSpec calldata spec) external returns (uint256 modelId) {
        if (spec.inputLen == 0 || spec.outputLen == 0 || uint256(spec.inputLen) + spec.outputLen > maxInstances) {
            revert InvalidModelShape(spec.inputLen, spec.outputLen, maxInstances);
        }
        if (spec.batchSize == 0) revert InvalidBatchSize(0);
        uint256 inputInstances = spec.committed ? 1 : spec.inputLen;
        uint256 batchInstances = uint256(spec.batchSize) * (inputInstances + spec.outputLen);
        if (batchInstances > maxInstances) revert BatchTooLarge(spec.batchSize, batchInstances, maxInstances);
        if (spec.verifier.code.length == 0) revert VerifierNotContract(spec.verifier);
        if (spec.maxAbsInput == 0) revert InvalidInputRange(spec.maxAbsInput);
        if ((spec.challengeWindow == 0) != (spec.bond == 0)) {
            revert InvalidOptimisticTerms(spec.challengeWindow, spec.bond);
        }
        if (spec.onnxHash == 0) revert EmptyArtifactHash(0);
        if (spec.circuitHash == 0) revert EmptyArtifactHash(1);
        if (spec.settingsHash == 0) revert EmptyArtifactHash(2);
        if (spec.vkHash == 0) revert EmptyArtifactHash(3);

        modelId = ++s_modelCount;
        Model storage m = s_models[modelId];
        m.verifier = spec.verifier;
        m.inputLen = spec.inputLen;
        m.outputLen = spec.outputLen;
        m.active = true;
        m.batchSize = spec.batchSize;
        m.committed = spec.committed;
        m.owner = msg.sender;
        m.fee = spec.fee;
        m.inputScale = spec.inputScale;
        m.outputScale = spec.outputScale;
        m.maxCallbackGas = spec.maxCallbackGas;
        m.maxAbsInput = spec.maxAbsInput;
        m.challengeWindow = spec.challengeWindow;
        m.bond = spec.bond;
        m.verifierCodeHash = spec.verifier.codehash;
        m.onnxHash = spec.onnxHash;
        m.circuitHash = spec.circuitHash;
        m.settingsHash = spec.settingsHash;
        m.vkHash = spec.vkHash;
        m.ezklVersion = spec.ezklVersion;
        m.artifactsUri = spec.artifactsUri;
        emit ModelRegistered(modelId, msg.sender, spec, m.verifierCodeHash);
    }

    /// @inheritdoc IModelRegistry
    function deactivateModel(uint256 modelId) external {
        Model storage m = _existing(modelId);
        if (msg.sender != m.owner) revert NotModelOwner(modelId, msg.sender, m.owner);
        if (!m.active) revert ModelAlreadyInactive(modelId);
        m.active = false;
        emit ModelDeactivated(modelId, msg.sender);
    }

    /// @inheritdoc IModelRegistry
    function getModel(uint256 modelId) external view returns (Model memory) {
        return _existing(modelId);
    }

    /// @inheritdoc IModelRegistry
    function getModelTerms(uint256 modelId) external view returns (ModelTerms memory) {
        Model storage m = s_models[modelId];
        return ModelTerms(
            m.verifier,
            m.inputLen,
            m.outputLen,
            m.fee,
            m.active,
            m.maxCallbackGas,
            m.maxAbsInput,
            m.batchSize,
            m.challengeWindow,
            m.committed
        );
    }

    /// @inheritdoc IModelRegistry
    function getOptimisticTerms(uint256 modelId) external view returns (uint32 challengeWindow, uint96 bond) {
        Model storage m = s_models[modelId];
        return (m.challengeWindow, m.bond);
    }

    /// @inheritdoc IModelRegistry
    function hashCommitted(int256[] calldata input, uint256[] calldata salt) external pure returns (uint256) {
        uint256[] memory felts = new uint256[](input.length + salt.length);
        for (uint256 i = 0; i < input.length; ++i) {
            if (!BN254Field.fits(input[i])) revert NotAFieldElement(i);
            felts[i] = BN254Field.toFelt(input[i]);
        }
        for (uint256 i = 0; i < salt.length; ++i) {
            if (salt[i] >= BN254Field.R) revert NotAFieldElement(input.length + i);
            felts[input.length + i] = salt[i];
        }
        return Poseidon.hash(felts);
    }

    /// @inheritdoc IModelRegistry
    function isActive(uint256 modelId) external view returns (bool) {
        return s_models[modelId].active;
    }

    /// @inheritdoc IModelRegistry
    function modelCount() external view returns (uint256) {
        return s_modelCount;
    }

    function _existing(uint256 modelId) private view returns (Model storage m) {
        m = s_models[modelId];
        if (m.owner == address(0)) revert ModelNotFound(modelId);
    }
}
