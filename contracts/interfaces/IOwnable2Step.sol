// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Two-step ownership
/// @notice The owner names a successor, who must accept before the handover takes effect, so a
///         typo in an address can never lock the admin functions away.
interface IOwnable2Step {
    /// @notice The caller is not the owner.
    /// @param have The caller.
    /// @param want The owner.
    error OnlyOwner(address have, address want);

    /// @notice The caller is not the pending owner named by `transferOwnership`.
    /// @param have The caller.
    /// @param want The pending owner (zero when no transfer is pending).
    error OnlyPendingOwner(address have, address want);

    /// @notice The owner proposed `newOwner` as successor.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);

    /// @notice Ownership moved from `previousOwner` to `newOwner`.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The current owner.
    function owner() external view returns (address);

    /// @notice The proposed successor, or zero when no transfer is pending.
    function pendingOwner() external view returns (address);

    /// @notice Propose `newOwner` as successor (zero cancels a pending proposal). Owner only.
    function transferOwnership(address newOwner) external;

    /// @notice Accept ownership. Pending owner only.
    function acceptOwnership() external;
}
