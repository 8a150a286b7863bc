// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Registry of immutable model records
/// @notice A model record binds, by hash, everything an inference output depends on: the ONNX
///         file, the compiled EZKL circuit, the EZKL settings, the verifying key and the verifier
///         contract generated from it, plus the input/output shape and fixed-point scales. Once
///         registered a record never changes; a new version of a model is a new model id. The
///         owner (whoever registered it) may only deactivate it, which stops new requests.
///         Registration is permissionless.
///
///         The record also fixes what a node must be able to prove: every input value must satisfy
///         |x| <= `maxAbsInput` (the circuit's range-checked input range; the coordinator refuses
///         other requests), and a request's callback may ask for at most `maxCallbackGas` gas
///         (the fee is set knowing that bound). The verifier's code hash (EXTCODEHASH at
///         registration) is recorded so that anyone can check the deployed bytecode against the
///         verifier compiled from the published artifacts. A verifier is trusted to be a pure
///         function of (proof, instances): one that forwards calls or reads mutable state can change
///         what the model id accepts, and must not be used (the coordinator calls it with
///         STATICCALL, so it cannot change state during a fulfilment, but it could read state
///         that someone else changes).
interface IModelRegistry {
    /// @notice What a publisher supplies to register a model.
    /// @param onnxHash sha256 of the ONNX file.
    /// @param circuitHash sha256 of the compiled EZKL circuit.
    /// @param settingsHash sha256 of the EZKL settings JSON.
    /// @param vkHash Hash of the verifying key (as written in the model's manifest).
    /// @param verifier The Halo2 verifier contract generated from that verifying key.
    /// @param inputLen Number of public input instances (flattened input length).
    /// @param outputLen Number of public output instances (flattened output length).
    /// @param inputScale Fixed-point scale of the inputs: a float v is round(v * 2^inputScale).
    /// @param outputScale Fixed-point scale of the outputs.
    /// @param fee Fee in wei a requester pays per inference; it goes to the fulfilling node.
    /// @param maxAbsInput Largest |x| of an input value that the circuit can prove (at least 1).
    ///        For an EZKL circuit with range-check decomposition base b and n legs, b^n - 1.
    /// @param maxCallbackGas Largest `callbackGasLimit` a request for this model may ask for; the
    ///        node pays that gas, so the fee must cover it.
    /// @param batchSize Requests one proof settles (N, at least 1): the circuit proves N
    ///        inferences at once and its public instances are the N inputs then the N outputs,
    ///        N * (inputLen + outputLen) in all, at most `maxInstances`. A model with N = 1 is
    ///        fulfilled with `fulfill` or `fulfillBatch`, a model with N > 1 only with
    ///        `fulfillBatch` (see {IInferenceCoordinator}).
    /// @param challengeWindow Seconds an optimistic posting stays open to challenge; zero when the
    ///        model takes Proven requests only (see {IInferenceCoordinator-requestOptimistic}).
    ///        With a non-zero window, `bond` must be non-zero too.
    /// @param bond Wei slashed from the stake of a node whose optimistic posting is proven wrong,
    ///        all of it credited to the challenger: it must cover a challenge transaction (one
    ///        proof verified on-chain, about 0.5M gas) with margin. Zero without a window.
    /// @param committed True for a committed circuit: its proof carries, for each of its N
    ///        samples, one Poseidon hash of the input values and a salt instead of the values
    ///        (N * (1 + outputLen) instances). Such a model takes `requestCommitted` requests
    ///        only, and `inputLen` is the number of values the hash covers, salt left out.
    /// @param ezklVersion EZKL version that built the circuit, e.g. "23.0.5".
    /// @param artifactsUri Where operators fetch the artifacts (ONNX, circuit, settings, vk).
    struct ModelSpec {
        bytes32 onnxHash;
        bytes32 circuitHash;
        bytes32 settingsHash;
        bytes32 vkHash;
        address verifier;
        uint32 inputLen;
        uint32 outputLen;
        int32 inputScale;
        int32 outputScale;
        uint96 fee;
        uint128 maxAbsInput;
        uint32 maxCallbackGas;
        uint16 batchSize;
        uint32 challengeWindow;
        uint96 bond;
        bool committed;
        string ezklVersion;
        string artifactsUri;
    }

    /// @notice A registered model record. `verifierCodeHash` is the verifier's EXTCODEHASH at
    ///         registration; the other fields are as in {ModelSpec}.
    /// @dev Field order packs the fields the coordinator reads on every request into three slots
    ///      (the challenge window fills the third; the bond, read only on a challenge, starts the
    ///      fourth).
    struct Model {
        address verifier;
        uint32 inputLen;
        uint32 outputLen;
        bool active;
        uint16 batchSize;
        bool committed;
        address owner;
        uint96 fee;
        int32 inputScale;
        int32 outputScale;
        uint32 maxCallbackGas;
        uint128 maxAbsInput;
        uint32 challengeWindow;
        uint96 bond;
        bytes32 onnxHash;
        bytes32 circuitHash;
        bytes32 settingsHash;
        bytes32 vkHash;
        bytes32 verifierCodeHash;
        string ezklVersion;
        string artifactsUri;
    }

    /// @notice What the coordinator needs per request.
    /// @param verifier The model's verifier.
    /// @param inputLen Number of input instances.
    /// @param outputLen Number of output instances.
    /// @param fee Fee in wei.
    /// @param active False for an unknown or deactivated model.
    /// @param maxCallbackGas Largest callback gas limit a request may ask for.
    /// @param maxAbsInput Largest |x| of an input value.
    /// @param batchSize Requests one proof settles (zero for an unknown model).
    /// @param challengeWindow Seconds an optimistic posting stays open (zero: Proven only).
    /// @param committed Whether requests commit to their input (see {ModelSpec}).
    struct ModelTerms {
        address verifier;
        uint32 inputLen;
        uint32 outputLen;
        uint96 fee;
        bool active;
        uint32 maxCallbackGas;
        uint128 maxAbsInput;
        uint16 batchSize;
        uint32 challengeWindow;
        bool committed;
    }

    /// @notice No model has id `modelId`.
    error ModelNotFound(uint256 modelId);

    /// @notice Only the model's owner may do this.
    /// @param modelId The model.
    /// @param have The caller.
    /// @param want The model's owner.
    error NotModelOwner(uint256 modelId, address have, address want);

    /// @notice The model is already deactivated.
    error ModelAlreadyInactive(uint256 modelId);

    /// @notice Input and output lengths must each be at least 1 and together at most `maxInstances`.
    error InvalidModelShape(uint32 inputLen, uint32 outputLen, uint256 maxInstances);

    /// @notice The batch size must be at least 1.
    error InvalidBatchSize(uint16 batchSize);

    /// @notice A batch's instances, `batchSize * (inputLen + outputLen)` (`batchSize * (1 +
    ///         outputLen)` for a committed model), exceed `maxInstances`.
    error BatchTooLarge(uint16 batchSize, uint256 instances, uint256 maxInstances);

    /// @notice The verifier address holds no contract code.
    error VerifierNotContract(address verifier);

    /// @notice The input range must admit at least one non-zero value.
    error InvalidInputRange(uint128 maxAbsInput);

    /// @notice An optimistic window needs a bond and a bond needs a window (both zero: Proven only).
    error InvalidOptimisticTerms(uint32 challengeWindow, uint96 bond);

    /// @notice A value to hash is not a field element (|input| above (r-1)/2, or a salt value at
    ///         or above r).
    error NotAFieldElement(uint256 index);

    /// @notice One of the artifact hashes is zero.
    /// @param index 0 onnxHash, 1 circuitHash, 2 settingsHash, 3 vkHash.
    error EmptyArtifactHash(uint8 index);

    /// @notice A model was registered under `modelId` by `owner`; `verifierCodeHash` is the
    ///         verifier's EXTCODEHASH, recorded with it.
    event ModelRegistered(uint256 indexed modelId, address indexed owner, ModelSpec spec, bytes32 verifierCodeHash);

    /// @notice The model's owner deactivated it; it accepts no new requests.
    event ModelDeactivated(uint256 indexed modelId, address indexed owner);

    /// @notice Register a model; the caller becomes its owner. Ids start at 1.
    /// @return modelId The new model's id.
    function registerModel(ModelSpec calldata spec) external returns (uint256 modelId);

    /// @notice Deactivate a model for good. Owner of the model only.
    function deactivateModel(uint256 modelId) external;

    /// @notice The full record. Reverts with `ModelNotFound` for an unknown id.
    function getModel(uint256 modelId) external view returns (Model memory);

    /// @notice The fields the coordinator needs per request (three storage reads). An unknown id
    ///         returns zeros with `active == false`.
    function getModelTerms(uint256 modelId) external view returns (ModelTerms memory);

    /// @notice A model's optimistic terms: its challenge window (zero: Proven requests only) and
    ///         the bond a wrong posting costs its poster. Zeros for an unknown id.
    function getOptimisticTerms(uint256 modelId) external view returns (uint32 challengeWindow, uint96 bond);

    /// @notice True when the model exists and is active.
    function isActive(uint256 modelId) external view returns (bool);

    /// @notice Number of models registered so far (the highest id).
    function modelCount() external view returns (uint256);

    /// @notice What a committed circuit makes public for an input and its salt: EZKL's Poseidon
    ///         hash of the input values as field elements, then the salt values (each below the
    ///         field's modulus). About 20k gas per value: for the rare dispute path.
    function hashCommitted(int256[] calldata input, uint256[] calldata salt) external pure returns (uint256);

    /// @notice Upper bound on batchSize * (inputLen + outputLen), the proof's instance count.
    function maxInstances() external view returns (uint256);
}
