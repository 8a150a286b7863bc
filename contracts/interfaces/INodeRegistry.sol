// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRequestErrors} from "./IRequestErrors.sol";

/// @title Staking registry of oracle nodes
/// @notice Operators stake ETH and declare the models they serve (a bounded list). A node is
///         *active* while its stake is at least `minStake` and it has not asked to unstake; only
///         active nodes that declared a model are in that model's draw pool. Unstaking is two-step:
///         `requestUnstake` leaves every pool at once, `withdrawStake` pays out after the unbonding
///         period, which the coordinator requires to be longer than a request's timeout.
///
///         Primary draws are weighted by stake. The first time a node joins a model's pool it
///         gets a permanent *slot* there (1, 2, ...; never reused or removed). The slot's weight
///         is the node's stake while it is in the pool and zero while it is not; the weights sit
///         in a Fenwick tree whose every node keeps checkpoints by block (`StakeTree`), so each
///         change of a pool member's stake, and each join or leave, updates O(log n) tree nodes
///         per model it serves, and a draw reads O(log n) of them. A request is drawn over the
///         slots that existed when it was made (`requestTerms`' `slotCount`, which the
///         coordinator keeps in the commitment), with the weights as they stood at the end of
///         the request's block: nothing that happens to the pool after that block can move the
///         draw onto another node, and a top-up or slash weighs from the next block on.
///
///         Only the coordinator slashes. A slash takes `min(amount, stake)` with the amount and the
///         harmed party's share that the request was made under (snapshotted by the coordinator):
///         that share is credited to the harmed party (the requester) and the rest to the
///         treasury; both withdraw their credit (pull payment). The owner may change the slash
///         parameters for future requests only, and the amount never above `minStake`.
interface INodeRegistry is IRequestErrors {
    /// @notice Per-node state, packed in one slot.
    /// @param stake Staked wei.
    /// @param unlockAt Zero while bonded; after `requestUnstake`, when `withdrawStake` opens.
    /// @param modelCount Number of models the node declared.
    struct Node {
        uint96 stake;
        uint64 unlockAt;
        uint16 modelCount;
    }

    /// @notice The caller is not the coordinator.
    error OnlyCoordinator(address have, address want);

    /// @notice The coordinator can be set only once.
    error CoordinatorAlreadySet(address coordinator);

    /// @notice `stake` was called without value.
    error ZeroStake();

    /// @notice The share for the harmed party is above 10,000 basis points.
    error InvalidShareBps(uint16 harmedShareBps);

    /// @notice The node has asked to unstake; it cannot stake or change its models until it withdraws.
    error NodeUnbonding(address node, uint64 unlockAt);

    /// @notice `withdrawStake` without a prior `requestUnstake`.
    error NotUnbonding(address node);

    /// @notice `requestUnstake` by an address with no stake.
    error NoStake(address node);

    /// @notice The unbonding period has not elapsed.
    error UnbondingNotElapsed(address node, uint64 unlockAt);

    /// @notice An encryption key must be a compressed secp256k1 public key: 33 bytes, the first
    ///         0x02 or 0x03.
    error EncryptionKeyMalformed(uint256 length);

    /// @notice The node already declared `maxModelsPerNode` models.
    error TooManyModels(address node, uint256 maxModels);

    /// @notice The node already declared this model.
    error AlreadyServing(address node, uint256 modelId);

    /// @notice The node did not declare this model.
    error NotServing(address node, uint256 modelId);

    /// @notice A slash amount above `minStake` would let one missed request take a node's whole
    ///         minimum stake and more.
    error SlashAmountTooHigh(uint96 slashAmount, uint256 max);

    /// @notice The owner set the coordinator (once).
    event CoordinatorSet(address indexed coordinator);

    /// @notice The owner changed the treasury.
    event TreasuryUpdated(address indexed previousTreasury, address indexed newTreasury);

    /// @notice The owner changed the slash parameters (they apply to requests made from now on).
    event SlashParamsUpdated(uint96 slashAmount, uint16 harmedShareBps);

    /// @notice `node` added `amount` to its stake, now `totalStake`.
    event NodeStaked(address indexed node, uint256 amount, uint256 totalStake);

    /// @notice `node` declared that it serves `modelId`.
    event NodeModelAdded(address indexed node, uint256 indexed modelId);

    /// @notice `node` published `key` for private deliveries of committed requests.
    event EncryptionKeySet(address indexed node, bytes key);

    /// @notice `node` stopped serving `modelId`.
    event NodeModelRemoved(address indexed node, uint256 indexed modelId);

    /// @notice `node` asked to unstake `stake`; it may withdraw from `unlockAt` on.
    event UnstakeRequested(address indexed node, uint256 stake, uint64 unlockAt);

    /// @notice `node` withdrew its remaining stake of `amount`.
    event StakeWithdrawn(address indexed node, address indexed recipient, uint256 amount);

    /// @notice The coordinator slashed `node` by `amount`: `harmedShare` to `harmedParty`,
    ///         `treasuryShare` to the treasury; `remainingStake` is left.
    event NodeSlashed(
        address indexed node,
        address indexed harmedParty,
        uint256 amount,
        uint256 harmedShare,
        uint256 treasuryShare,
        uint256 remainingStake
    );

    /// @notice `account` withdrew `amount` of slash credit to `recipient`.
    event CreditWithdrawn(address indexed account, address indexed recipient, uint256 amount);

    // ---------------------------------------------------------------- admin (owner)

    /// @notice Set the coordinator, once.
    function setCoordinator(address coordinator) external;

    /// @notice Change the treasury that receives the rest of each slash.
    function setTreasury(address treasury) external;

    /// @notice Change the slash amount (at most `minStake`) and the harmed party's share (basis
    ///         points) for requests made from now on; pending requests keep theirs.
    function setSlashParams(uint96 slashAmount, uint16 harmedShareBps) external;

    // ---------------------------------------------------------------- operators

    /// @notice Add `msg.value` to the caller's stake. Reverts while unbonding.
    function stake() external payable;

    /// @notice Declare that the caller serves an active model (bounded by `maxModelsPerNode`).
    function addModel(uint256 modelId) external;

    /// @notice Publish the caller's encryption key: a compressed secp256k1 public key (33
    ///         bytes) to which requesters encrypt the private deliveries of committed requests
    ///         (`InferenceCoordinator.deliverInput`). A node serving committed models sets it when
    ///         it registers, and may replace it; a delivery made to the old key stays readable
    ///         only with the old private key.
    function setEncryptionKey(bytes calldata key) external;

    /// @notice The node's published encryption key (empty if none).
    function encryptionKeyOf(address node) external view returns (bytes memory);

    /// @notice Stop serving a model.
    function removeModel(uint256 modelId) external;

    /// @notice Leave every draw pool and start the unbonding period.
    function requestUnstake() external;

    /// @notice Pay out the remaining stake to `recipient` once the unbonding period has passed;
    ///         the node's record and model list are cleared.
    function withdrawStake(address payable recipient) external;

    /// @notice Withdraw the caller's slash credit to `recipient`.
    function withdrawCredit(address payable recipient) external;

    // ---------------------------------------------------------------- coordinator

    /// @notice What a new request for `modelId` is made under: the number of slots of the
    ///         model's pool now (`poolSlotCount`, the draw's range) and the current slash
    ///         parameters. Reverts with `NoActiveNodes` when no active node serves the model.
    function requestTerms(uint256 modelId)
        external
        view
        returns (uint256 slotCount, uint96 slashAmount, uint16 harmedShareBps);

    /// @notice The node drawn by `seed` among slots 1..`slotCount` of `modelId`'s pool, each with
    ///         probability proportional to its weight (the node's stake while in the pool, zero
    ///         otherwise) as of the end of block `atBlock`: with `total = poolStakeAt(modelId,
    ///         slotCount, atBlock)`, the slot whose weight interval, in slot order, holds
    ///         `seed % total`. Zero when `total` is zero or `slotCount` is above `poolSlotCount`.
    ///         Reads O(log slotCount) storage words (one checkpoint per tree node, unless the
    ///         tree node changed after `atBlock`: then a binary search of its checkpoints).
    ///         `slotCount` must be a slot count of block `atBlock` or earlier (a later slot's tree
    ///         node has no checkpoint at `atBlock`), as the coordinator's snapshot is.
    function drawNode(uint256 modelId, uint256 seed, uint256 slotCount, uint256 atBlock)
        external
        view
        returns (address node);

    /// @notice Slash `node` by `min(amount, stake)`: `harmedShareBps` of it to `harmedParty`, the
    ///         rest to the treasury. Never reverts for a low stake: it takes what is there
    ///         (possibly zero). Coordinator only.
    /// @return taken The wei taken from the stake.
    function slash(address node, address harmedParty, uint96 amount, uint16 harmedShareBps)
        external
        returns (uint256 taken);

    // ---------------------------------------------------------------- views

    /// @notice True when `node` is active and serves `modelId` (it is in the model's pool).
    function isEligible(address node, uint256 modelId) external view returns (bool);

    /// @notice True when `node` has at least `minStake` and is not unbonding.
    function isActive(address node) external view returns (bool);

    /// @notice The node's state.
    function getNode(address node) external view returns (Node memory);

    /// @notice The models `node` declared.
    function getNodeModels(address node) external view returns (uint256[] memory);

    /// @notice The active nodes serving `modelId` (the draw pool).
    function getModelNodes(uint256 modelId) external view returns (address[] memory);

    /// @notice Number of slots of `modelId`'s pool: of nodes that ever joined it.
    function poolSlotCount(uint256 modelId) external view returns (uint256);

    /// @notice `node`'s permanent slot in `modelId`'s pool; zero if it never joined it.
    function slotOf(uint256 modelId, address node) external view returns (uint256);

    /// @notice The node of slot `slot` in `modelId`'s pool; zero for a slot not yet given out.
    function nodeAtSlot(uint256 modelId, uint256 slot) external view returns (address);

    /// @notice Total weight (stake of the nodes in the pool) of slots 1..`slotCount` of
    ///         `modelId`'s pool as of the end of block `atBlock` (`slotCount` capped at
    ///         `poolSlotCount`, and subject to the same condition as in `drawNode`).
    function poolStakeAt(uint256 modelId, uint256 slotCount, uint256 atBlock) external view returns (uint256);

    /// @notice Withdrawable slash credit of `account`.
    function credits(address account) external view returns (uint256);

    /// @notice Minimum stake for a node to be active.
    function minStake() external view returns (uint256);

    /// @notice Seconds between `requestUnstake` and the earliest `withdrawStake`.
    function unbondingPeriod() external view returns (uint64);

    /// @notice Most models one node may declare.
    function maxModelsPerNode() external view returns (uint256);

    /// @notice Wei taken per slash of a request made now (capped by the stake).
    function slashAmount() external view returns (uint96);

    /// @notice Share of a slash credited to the harmed party, in basis points.
    function harmedShareBps() external view returns (uint16);

    /// @notice Receives the rest of each slash.
    function treasury() external view returns (address);

    /// @notice The only address that may slash.
    function coordinator() external view returns (address);

    /// @notice The model registry consulted by `addModel`.
    function modelRegistry() external view returns (address);
}
