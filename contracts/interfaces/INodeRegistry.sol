// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Staking registry of oracle nodes
/// @notice Operators stake ETH and declare the models they serve (a bounded list). A node is
///         *active* while its stake is at least `minStake` and it has not asked to unstake; only
///         active nodes that declared a model are in that model's draw pool. Unstaking is two-step:
///         `requestUnstake` leaves every pool at once, `withdrawStake` pays out after the unbonding
///         period AND once no assignment is open, so a node stays slashable for every request it
///         was assigned. Only the coordinator assigns, releases and slashes. A slash takes
///         `min(slashAmount, stake)`: `harmedShareBps` of it is credited to the harmed party (the
///         refunded requester, or the node that fulfilled in the primary's place) and the rest to
///         the treasury; both withdraw their credit (pull payment).
interface INodeRegistry {
    /// @notice Per-node state, packed in one slot.
    /// @param stake Staked wei.
    /// @param unlockAt Zero while bonded; after `requestUnstake`, when `withdrawStake` opens.
    /// @param openAssignments Requests assigned to the node as primary and not yet settled.
    /// @param modelCount Number of models the node declared.
    struct Node {
        uint96 stake;
        uint64 unlockAt;
        uint32 openAssignments;
        uint16 modelCount;
    }

    /// @notice The caller is not the coordinator.
    error OnlyCoordinator(address have, address want);

    /// @notice The coordinator can be set only once.
    error CoordinatorAlreadySet(address coordinator);

    /// @notice An address argument was zero.
    error ZeroAddress();

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

    /// @notice The node still has open assignments and stays slashable for them.
    error AssignmentsOpen(address node, uint32 openAssignments);

    /// @notice The node already declared `maxModelsPerNode` models.
    error TooManyModels(address node, uint256 maxModels);

    /// @notice The model does not exist or is inactive.
    error ModelNotActive(uint256 modelId);

    /// @notice The node already declared this model.
    error AlreadyServing(address node, uint256 modelId);

    /// @notice The node did not declare this model.
    error NotServing(address node, uint256 modelId);

    /// @notice No active node serves the model, so a request cannot be assigned.
    error NoActiveNodes(uint256 modelId);

    /// @notice The node has no open assignment to release.
    error NoOpenAssignment(address node);

    /// @notice The caller has no credit to withdraw.
    error NothingToWithdraw(address account);

    /// @notice Sending ETH to `to` failed.
    error TransferFailed(address to, uint256 amount);

    /// @notice The owner set the coordinator (once).
    event CoordinatorSet(address indexed coordinator);

    /// @notice The owner changed the treasury.
    event TreasuryUpdated(address indexed previousTreasury, address indexed newTreasury);

    /// @notice The owner changed the slash parameters.
    event SlashParamsUpdated(uint96 slashAmount, uint16 harmedShareBps);

    /// @notice `node` added `amount` to its stake, now `totalStake`.
    event NodeStaked(address indexed node, uint256 amount, uint256 totalStake);

    /// @notice `node` declared that it serves `modelId`.
    event NodeModelAdded(address indexed node, uint256 indexed modelId);

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

    /// @notice Change the slash amount and the harmed party's share (basis points).
    function setSlashParams(uint96 slashAmount, uint16 harmedShareBps) external;

    // ---------------------------------------------------------------- operators

    /// @notice Add `msg.value` to the caller's stake. Reverts while unbonding.
    function stake() external payable;

    /// @notice Declare that the caller serves an active model (bounded by `maxModelsPerNode`).
    function addModel(uint256 modelId) external;

    /// @notice Stop serving a model.
    function removeModel(uint256 modelId) external;

    /// @notice Leave every draw pool and start the unbonding period.
    function requestUnstake() external;

    /// @notice Pay out the remaining stake to `recipient` once unbonded with no open assignment;
    ///         the node's record and model list are cleared.
    function withdrawStake(address payable recipient) external;

    /// @notice Withdraw the caller's slash credit to `recipient`.
    function withdrawCredit(address payable recipient) external;

    // ---------------------------------------------------------------- coordinator

    /// @notice Draw a primary node for a request from the model's pool, with probability
    ///         proportional to stake ({drawNode}), and count the assignment as open.
    ///         Coordinator only. O(log n) in the pool's size.
    /// @dev The seed is pseudo-random (see the coordinator); the draw is only as fair as it is.
    function assignNode(uint256 modelId, uint256 seed) external returns (address node);

    /// @notice Close one open assignment of `node`. Coordinator only.
    function releaseAssignment(address node) external;

    /// @notice Slash `node` in favour of `harmedParty`. Never reverts for a low stake: it takes
    ///         what is there (possibly zero). Coordinator only.
    /// @return amount The wei taken from the stake.
    function slash(address node, address harmedParty) external returns (uint256 amount);

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

    /// @notice The node `assignNode` would draw for `seed`: each active node serving `modelId`
    ///         with probability stake / poolStake(modelId). Reverts with {NoActiveNodes}.
    function drawNode(uint256 modelId, uint256 seed) external view returns (address);

    /// @notice The total stake of the active nodes serving `modelId`.
    function poolStake(uint256 modelId) external view returns (uint256);

    /// @notice Withdrawable slash credit of `account`.
    function credits(address account) external view returns (uint256);

    /// @notice Minimum stake for a node to be active.
    function minStake() external view returns (uint256);

    /// @notice Seconds between `requestUnstake` and the earliest `withdrawStake`.
    function unbondingPeriod() external view returns (uint64);

    /// @notice Most models one node may declare.
    function maxModelsPerNode() external view returns (uint256);

    /// @notice Wei taken per slash (capped by the stake).
    function slashAmount() external view returns (uint96);

    /// @notice Share of a slash credited to the harmed party, in basis points.
    function harmedShareBps() external view returns (uint16);

    /// @notice Receives the rest of each slash.
    function treasury() external view returns (address);

    /// @notice The only address that may assign, release and slash.
    function coordinator() external view returns (address);

    /// @notice The model registry consulted by `addModel`.
    function modelRegistry() external view returns (address);
}
