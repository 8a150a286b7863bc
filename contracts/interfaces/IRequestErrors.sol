// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The errors a requester can meet
/// @notice What `requestInference` / `requestOptimistic` and the credit withdrawals revert with,
///         declared once and inherited by the coordinator, the node registry and every consumer
///         (through {IOracleConsumer}), so that a consumer contract's own ABI decodes them: a
///         developer calling a consumer sees `InputLengthMismatch(got, want)`, not raw revert
///         data, with any ABI-aware tool.
interface IRequestErrors {
    /// @notice An address argument (a registry given to the coordinator, a withdrawal
    ///         recipient) is zero.
    error ZeroAddress();

    /// @notice The model does not exist or is deactivated.
    error ModelNotActive(uint256 modelId);

    /// @notice No active node serves the model, so a request cannot be assigned.
    error NoActiveNodes(uint256 modelId);

    /// @notice `msg.value` differs from the model's fee.
    error IncorrectFee(uint256 sent, uint256 required);

    /// @notice The input length differs from the model's input length.
    error InputLengthMismatch(uint256 got, uint256 want);

    /// @notice Input `index` is outside the range the model's circuit can prove:
    ///         |value| must be at most `maxAbs` (`hashInput`: (r-1)/2, the field's half).
    error InputOutOfRange(uint256 index, int256 value, uint256 maxAbs);

    /// @notice `callbackGasLimit` is above the model's or the coordinator's maximum (the lower).
    error CallbackGasLimitTooHigh(uint32 limit, uint32 max);

    /// @notice The model takes Proven requests only (its record has no challenge window).
    error OptimisticNotAllowed(uint256 modelId);

    /// @notice The model's circuit hashes its inputs: ask with `requestCommitted`.
    error ModelTakesCommittedInputs(uint256 modelId);

    /// @notice The model's circuit takes public inputs: ask with `requestInference`.
    error ModelTakesPublicInputs(uint256 modelId);

    /// @notice A commitment is a field element: it must be below the BN254 scalar field's modulus.
    error CommitmentNotInField(uint256 inputCommitment);

    /// @notice The input and salt given do not hash to the request's commitment.
    error OpeningMismatch(uint256 requestId);

    /// @notice The committed input can be proven (its length, every value within the model's
    ///         `maxAbsInput` and a well-formed salt): it must be answered, not disputed.
    error InputProvable(uint256 requestId);

    /// @notice The model's challenge window is longer than this coordinator can keep a poster's
    ///         stake slashable for: `requestTimeout + challengeWindow` must stay under the node
    ///         registry's unbonding period.
    error ChallengeWindowTooLong(uint32 challengeWindow, uint256 maxChallengeWindow);

    /// @notice The caller has no credit to withdraw.
    error NothingToWithdraw(address account);

    /// @notice Sending ETH to `to` failed.
    error TransferFailed(address to, uint256 amount);
}
