// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRequestErrors} from "./IRequestErrors.sol";

/// @title Coordinator of zk-verified inference requests
/// @notice A consumer pays a model's fee and asks for an inference on an `int256[]` input already
///         at the model's input scale, each value within the model's proven range
///         (|x| <= `maxAbsInput`). The coordinator stores only a hash of the request's
///         `Commitment` and emits the full request in `InferenceRequested`. A primary node is drawn
///         from the model's pool; it alone may fulfil until `windowEnd`. From then until
///         `deadline` any eligible node may fulfil, after sealing its fulfilment in an earlier
///         block, and the primary is slashed. After `deadline` anyone may cancel: the fee is
///         credited back to the requester and the primary is slashed. Either slash credits the
///         harmed party's share to the requester, at the slash terms the request was made under.
///
///         Proof binding: the EZKL proof's public instances are the input felts followed by the
///         output felts. An input `x` maps to the BN254 scalar field as `x` when `x >= 0` and as
///         `r - |x|` when negative, and an output felt `f` maps back to `f` when `f <= (r-1)/2`
///         and to `-(r - f)` otherwise. The request commits to
///         `inputHash = keccak256(felt(input[0]) ‖ … ‖ felt(input[n-1]))`, each felt a 32-byte
///         big-endian word, and `fulfill` checks the proof's input instances against it.
///
///         Primary draw: lazy, from randomness the requester cannot know when it sends the
///         request. `seed = keccak256(requestId, blockhash(requestBlock))`, where `requestBlock`
///         is the request's own block, whose hash exists only once that block is sealed; the node
///         is drawn by the node registry with probability proportional to stake, among the
///         model's pool slots that existed when the request was made, with the stakes and pool
///         membership as they stood at the end of its block (`drawNode`), so later joins,
///         leaves, top-ups and slashes cannot move it. The draw costs O(log n) storage reads
///         for a pool of n slots, paid at fulfilment or cancellation; the request itself only
///         stores the slot count. `primaryOf` computes it; it is fixed from the block after the
///         request on. Limits: the producer of the request's block can bias it (by withholding
///         the block or choosing its contents); `blockhash` only reaches back 256 blocks, so
///         the draw must be pinned (`pinPrimary`, by anyone) while it is in reach for a request
///         settled later to slash its primary; unpinned, such a request has no primary.
///
///         A request is open from the block after its own: no one settles it in the block it was
///         made in, where its primary is not drawn yet (`RequestNotYetOpen`).
///
///         Sealing: a node other than the primary must first call `sealFulfillment` with
///         `fulfillmentSeal(requestId, node, proof, instances)` and fulfil in a later block. The
///         seal names the node, so a proof copied from a pending transaction cannot be sealed in
///         time by anyone else: the copier would need its own seal mined before the copied
///         transaction. A seal counts only when it was made after the request's block: request
///         ids are sequential, so a node that knows an input in advance could otherwise seal a
///         fulfilment before the request exists. The primary fulfils without a seal.
///
///         Batches: a model registered with `batchSize` N > 1 has a circuit that proves N
///         inferences at once, and its requests are settled with `fulfillBatch`: one proof and
///         one verifier call settle up to N requests of that model. The proof's instances are the
///         N inputs (slot i at `instances[i*inputLen : (i+1)*inputLen]`) followed by the N outputs
///         (slot i at `instances[N*inputLen + i*outputLen : N*inputLen + (i+1)*outputLen]`).
///         The k requests of a batch fill slots 0..k-1 in strictly ascending id order; slots
///         k..N-1 are padding whose outputs are discarded (request id 0 marks padding and can
///         never be claimed). `fulfill` passes exactly `inputLen + outputLen` instances, which a
///         verifier of N > 1 inferences rejects, so such a model's requests can only be settled
///         by `fulfillBatch` (`fulfill` reverts with `InvalidProof`). A batch of a model with
///         N = 1 settles one request, like `fulfill`.
interface IInferenceCoordinator is IRequestErrors {
    /// @notice Everything `fulfill` and `cancelRequest` need to know about a request. Its hash,
    ///         `keccak256(abi.encode(requestId, commitment))` with the lowest bit cleared, is all
    ///         that is stored (`commitmentOf`); a posting's hash has that bit set.
    /// @param modelId The registered model.
    /// @param requester Who asked and is called back (`rawFulfill`).
    /// @param verifier The model's verifier (model records are immutable).
    /// @param fee Wei paid; goes to the fulfilling node or back to the requester on cancel.
    /// @param callbackGasLimit Exact gas given to the requester's callback.
    /// @param inputLen Number of input instances.
    /// @param outputLen Number of output instances.
    /// @param requestBlock The block of the request, whose hash seeds the primary draw.
    /// @param poolHistoryLength The number of slots of the model's pool when the request was made
    ///        (`INodeRegistry.requestTerms`; slots are permanent, one per node that ever joined):
    ///        the primary is drawn among slots 1..poolHistoryLength. The name is kept from the
    ///        pool history it once counted, for the commitment's ABI.
    /// @param windowEnd Until this timestamp (exclusive) only the primary may fulfil.
    /// @param deadline After this timestamp (exclusive) the request can only be cancelled.
    /// @param slashAmount What a slash of the primary takes for this request (snapshot).
    /// @param harmedShareBps The requester's share of that slash, in basis points (snapshot).
    /// @param inputHash Hash of the input felts (see the contract notice).
    /// @param challengeWindow Zero for a Proven request; for an Optimistic one, the seconds its
    ///        posting stays open to challenge (the model's window, snapshot).
    struct Commitment {
        uint256 modelId;
        address requester;
        address verifier;
        uint96 fee;
        uint32 callbackGasLimit;
        uint32 inputLen;
        uint32 outputLen;
        uint64 requestBlock;
        uint64 poolHistoryLength;
        uint64 windowEnd;
        uint64 deadline;
        uint96 slashAmount;
        uint16 harmedShareBps;
        bytes32 inputHash;
        uint32 challengeWindow;
    }

    /// @notice What settling an optimistic posting needs, beside the posted output. The hash
    ///         `keccak256(abi.encode(requestId, posting, keccak256(abi.encodePacked(output))))`
    ///         with the lowest bit set replaces the request's commitment hash.
    /// @param requester Who asked and is called back.
    /// @param poster The node that posted the output.
    /// @param fee The request's fee: the poster's at finalisation, the challenger's after a
    ///        successful challenge.
    /// @param callbackGasLimit Exact gas given to the requester's callback.
    /// @param finalAt From this timestamp on the posting can no longer be challenged and anyone
    ///        may finalise it.
    /// @param commitmentHash `keccak256(abi.encode(requestId, commitment))` of the request.
    struct Posting {
        address requester;
        address poster;
        uint96 fee;
        uint32 callbackGasLimit;
        uint64 finalAt;
        bytes32 commitmentHash;
    }

    /// @notice How the consumer callback went. A fulfilment never reverts because of the consumer.
    /// @dev Delivered: the callback returned. CallbackReverted: it reverted. CallbackOutOfGas: it
    ///      used up all of `callbackGasLimit` (a revert that spends the last ~100 gas of the limit
    ///      is indistinguishable and reported as out of gas). NoCallbackCode: the requester has no
    ///      code (an externally owned account), so nothing was called. Skipped (`fulfillBatch`
    ///      only): the request was no longer pending (settled or cancelled meanwhile) or past its
    ///      deadline; it was left as it was and no event names it.
    enum FulfillmentResult {
        Delivered,
        CallbackReverted,
        CallbackOutOfGas,
        NoCallbackCode,
        Skipped
    }

    /// @notice The exclusive window must end before the deadline.
    error WindowNotBeforeDeadline(uint64 exclusiveWindow, uint64 requestTimeout);

    /// @notice The request timeout plus three exclusive windows must be shorter than the node
    ///         registry's unbonding period, so that a primary that leaves after a request is
    ///         still staked at its last deadline (a committed request's delivery, rejection and
    ///         opening may each move it on by up to one window).
    error TimeoutNotBeforeUnbonding(uint64 requestTimeout, uint64 unbondingPeriod);

    /// @notice A value cannot be encoded as a field element: |x| must be at most (r-1)/2.
    error ValueOutOfField(int256 value);

    /// @notice The request is not pending: unknown, already fulfilled or cancelled.
    error RequestNotPending(uint256 requestId);

    /// @notice The commitment passed does not hash to the stored one.
    error CommitmentMismatch(uint256 requestId);

    /// @notice The deadline has passed; the request can only be cancelled.
    error RequestExpired(uint256 requestId, uint64 deadline);

    /// @notice The deadline has not passed yet, so the request cannot be cancelled.
    error RequestNotExpired(uint256 requestId, uint64 deadline);

    /// @notice Inside the exclusive window only the primary may fulfil.
    error NotPrimaryNode(uint256 requestId, address node, address primary, uint64 windowEnd);

    /// @notice The node is not active or does not serve the request's model.
    error NodeNotEligible(uint256 requestId, address node);

    /// @notice A node other than the primary has no seal of this fulfilment made after the
    ///         request's block and before the current one.
    /// @param sealedAtBlock Zero when there is no seal, else the block it was made in (the current
    ///        block, or the request's block or an earlier one).
    error FulfillmentNotSealed(uint256 requestId, address node, uint256 sealedAtBlock);

    /// @notice The request was made in the current block: it can be settled only from the next
    ///         block on, once the hash of its block (which draws its primary) exists.
    error RequestNotYetOpen(uint256 requestId, uint64 requestBlock);

    /// @notice The number of instances is not inputLen + outputLen.
    error InstanceCountMismatch(uint256 requestId, uint256 got, uint256 want);

    /// @notice The proof's input instances are not the request's input.
    error InputInstancesMismatch(uint256 requestId);

    /// @notice The model's verifier rejected the proof (it reverted or did not return true).
    ///         The verifier is called with STATICCALL, so it cannot change state or re-enter.
    error InvalidProof(uint256 requestId);

    /// @notice Too little gas is left to give the callback exactly `callbackGasLimit`.
    error InsufficientGasForCallback(uint256 requestId, uint256 have, uint256 want);

    /// @notice `fulfillBatch` got a different number of request ids and commitments.
    error BatchLengthMismatch(uint256 requestIds, uint256 commitments);

    /// @notice A batch must name at least one and at most `batchSize` requests (`batchSize` is
    ///         zero for an unknown model, and reported as zero for an empty batch).
    error BatchSizeOutOfRange(uint256 requests, uint256 batchSize);

    /// @notice The request's commitment names model `modelId`, the batch is of `batchModelId`
    ///         (the first commitment's model).
    error BatchModelMismatch(uint256 requestId, uint256 modelId, uint256 batchModelId);

    /// @notice The batch names `requestId` twice (ids must be strictly ascending).
    error DuplicateRequestInBatch(uint256 requestId);

    /// @notice The batch's request ids are not ascending: `requestId` follows `previous`.
    error RequestIdsNotAscending(uint256 previous, uint256 requestId);

    /// @notice The batch claims request id 0, which marks a padding slot and is never a request.
    error PaddingClaimedAsRequest();

    /// @notice A batch proof's instance count is not `batchSize * (inputLen + outputLen)`.
    error BatchInstanceCountMismatch(uint256 got, uint256 want);

    /// @notice Every request of the batch was skipped (no longer pending or past its deadline);
    ///         nothing was verified or paid.
    error NothingToSettle();

    /// @notice The transaction carries too little gas to give every settled request of the batch
    ///         its exact `callbackGasLimit`: `want` is the sum of `limit * 64 / 63` plus a fixed
    ///         overhead per settled request.
    error InsufficientGasForCallbacks(uint256 have, uint256 want);

    /// @notice Posting an output without a proof is for Optimistic requests only.
    error NotOptimistic(uint256 requestId);

    /// @notice The request has an output posted: it is settled by `challenge` or `finalize`, not
    ///         by a proof of its own, a second posting or a cancellation.
    error RequestAlreadyPosted(uint256 requestId);

    /// @notice The request has no output posted (unknown, still pending, or already settled).
    error RequestNotPosted(uint256 requestId);

    /// @notice The posting and output passed do not hash to the stored posting.
    error PostingMismatch(uint256 requestId);

    /// @notice A posted output must have exactly `outputLen` values.
    error OutputLengthMismatch(uint256 requestId, uint256 got, uint256 want);

    /// @notice The challenge window ended at `finalAt`: the posting can only be finalised.
    error ChallengeWindowClosed(uint256 requestId, uint64 finalAt);

    /// @notice The challenge window is open until `finalAt`: the posting cannot be finalised yet.
    error ChallengeWindowOpen(uint256 requestId, uint64 finalAt);

    /// @notice The proof's output is the posted output: the posting was right, nothing changes.
    error PostingNotWrong(uint256 requestId);

    /// @notice `finalize` got lists of different lengths, or none.
    error FinalizeLengthMismatch(uint256 requestIds, uint256 postings, uint256 outputs);

    /// @notice `pinPrimary` came too late: the request's block is more than 256 blocks old (or
    ///         is the current block), so `blockhash` cannot give its draw.
    error DrawOutOfReach(uint256 requestId, uint64 requestBlock);

    /// @notice Only the request's requester may deliver its input.
    error NotRequester(uint256 requestId, address caller);

    /// @notice The committed request does not await a delivery: it was made with one, was
    ///         delivered already, or its primary rejected a delivery (open it: `openInput`).
    error DeliveryNotAwaited(uint256 requestId);

    /// @notice The request's delivery was rejected once already; its opening settled the matter.
    error DeliveryAlreadyRejected(uint256 requestId);

    /// @notice The request awaits no opening: open only a request awaiting its delivery or
    ///         whose delivery its primary rejected.
    error OpeningNotAwaited(uint256 requestId);

    /// @notice A request was made. `input` is the full input at the model's input scale. The
    ///         primary is drawn from the hash of this event's block (`primaryOf`).
    event InferenceRequested(
        uint256 indexed requestId,
        uint256 indexed modelId,
        address indexed requester,
        Commitment commitment,
        int256[] input
    );

    /// @notice The primary of the committed request `requestId` showed that its committed input
    ///         cannot be proven (`disputeInput`): the request is closed, the primary keeps the
    ///         fee and is not slashed, the requester gets nothing back.
    event InputUnprovable(uint256 indexed requestId, address indexed node);

    /// @notice The requester of the committed request `requestId` delivered `data`, from which
    ///         the serving node takes the input and the salt (`requestCommitted`). The
    ///         coordinator does not read it.
    event InputDelivered(uint256 indexed requestId, bytes data);

    /// @notice The primary of the committed request `requestId` could not read a valid opening
    ///         of its commitment from the delivery (`rejectDelivery`).
    event DeliveryRejected(uint256 indexed requestId, address indexed node);

    /// @notice The committed request's input and salt, opened on-chain (`openInput`): public
    ///         from now on.
    event InputOpened(uint256 indexed requestId, int256[] input, uint256[] salt);

    /// @notice The request's commitment now has this `windowEnd` and `deadline` (all its other
    ///         fields unchanged): after `deliverInput`, `rejectDelivery` or `openInput`. A
    ///         `windowEnd` of zero means the request awaits its requester: no stand-in may settle
    ///         it, and a cancellation after `deadline` slashes no one.
    event RequestRenewed(uint256 indexed requestId, uint64 windowEnd, uint64 deadline);

    /// @notice The draw of `requestId` was recorded (`pinPrimary`): `primary` stays its primary
    ///         after the request's block leaves `blockhash`'s reach.
    event PrimaryPinned(uint256 indexed requestId, address indexed primary);

    /// @notice `node` sealed a fulfilment of `requestId` (see `fulfillmentSeal`).
    event FulfillmentSealed(uint256 indexed requestId, address indexed node, bytes32 seal);

    /// @notice `node` fulfilled the request; `output` is at the model's output scale and `result`
    ///         says how the callback went. `slashed` is what the primary lost (zero when the
    ///         primary fulfilled or there was none).
    event InferenceFulfilled(
        uint256 indexed requestId,
        address indexed node,
        FulfillmentResult result,
        int256[] output,
        uint256 slashed
    );

    /// @notice `poster` posted `output` for the Optimistic request `requestId`, without a proof.
    ///         It is final at `finalAt` unless someone proves another output before (a stand-in's
    ///         posting slashes the primary: see the registry's `NodeSlashed`). The request's
    ///         `Posting` is its commitment's requester, fee and callback gas limit with `poster`,
    ///         `finalAt` and the commitment's hash.
    event OutputPosted(uint256 indexed requestId, address indexed poster, uint64 finalAt, int256[] output);

    /// @notice `finalize` settled these postings: each requester was called back with its posted
    ///         output (`OutputPosted`), with `results[i]` saying how the callback went, and each
    ///         poster was credited its fee. Entries that were skipped are not listed.
    event OutputsFinalized(uint256[] requestIds, FulfillmentResult[] results);

    /// @notice `challenger` proved that `poster`'s posting of `requestId` was wrong: the poster lost
    ///         `slashed` (all of it credited to the challenger), the challenger earned the fee,
    ///         and the requester was called back with the proven output (`InferenceFulfilled`).
    event PostingChallenged(
        uint256 indexed requestId, address indexed poster, address indexed challenger, uint256 slashed
    );

    /// @notice The request was cancelled after its deadline; `refund` was credited to the
    ///         requester and the primary (zero when there was none) lost `slashed`.
    event InferenceCancelled(
        uint256 indexed requestId, address indexed requester, address indexed primary, uint256 refund, uint256 slashed
    );

    /// @notice `account` withdrew `amount` of credit to `recipient`.
    event CreditWithdrawn(address indexed account, address indexed recipient, uint256 amount);

    /// @notice Ask for an inference; pay exactly the model's fee.
    /// @param modelId A registered, active model.
    /// @param input The input at the model's input scale, `inputLen` values.
    /// @param callbackGasLimit Gas for the caller's `rawFulfill`, at most the model's
    ///        `maxCallbackGas` and `maxCallbackGasLimit`.
    /// @return requestId The new request's id (ids start at 1).
    function requestInference(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256 requestId);

    /// @notice Ask for an inference of a committed model (one whose circuit hashes each input
    ///         with a salt) without putting the input on-chain; pay exactly the model's fee.
    ///         The request is `requestInference`'s, Proven mode, with `inputLen` 1 and the
    ///         input hash taken over `inputCommitment`: a proof settles it only if its hash
    ///         instance for the request's slot equals `inputCommitment`. `InferenceRequested`
    ///         carries `[inputCommitment]` as the input. The range of the committed values cannot
    ///         be checked here; nodes check it off-chain.
    /// @param modelId A registered, active, committed model.
    /// @param inputCommitment EZKL's Poseidon hash of the input values (at the model's input
    ///        scale) followed by the salt, a field element (see the docs on committed inputs).
    /// @param callbackGasLimit As for `requestInference`.
    /// @param delivery Emitted in `InputDelivered` when not empty: how the serving node learns
    ///        the input and salt (ABI-encoded `(int256[] input, uint256[] salt)` in the clear).
    ///        When empty, the request awaits a private delivery (`deliverInput`): its commitment
    ///        has `windowEnd` zero and its `deadline` at the end of the exclusive window.
    /// @return requestId The new request's id.
    function requestCommitted(
        uint256 modelId,
        uint256 inputCommitment,
        uint32 callbackGasLimit,
        bytes calldata delivery
    ) external payable returns (uint256 requestId);

    /// @notice Close a committed request whose input no node can prove, by opening its
    ///         commitment on-chain: the request's primary, before the deadline, gives the input
    ///         and the salt. They must hash to the request's commitment (`OpeningMismatch`,
    ///         through the model registry's `hashCommitted`, about 20k gas per value, paid by
    ///         the caller) and must not be provable: a length other than the model's
    ///         `inputLen`, a value above `maxAbsInput`, or a salt that is not 6 values below
    ///         2^24 (`InputProvable` otherwise). Then the request is closed, the fee is credited
    ///         to the primary, which is not slashed, and the requester, whose commitment caused
    ///         it, gets nothing back; no callback runs. The opening is public from then on.
    function disputeInput(
        uint256 requestId,
        Commitment calldata commitment,
        int256[] calldata input,
        uint256[] calldata salt
    ) external;

    /// @notice Deliver the input of a committed request made without a delivery, once its
    ///         primary is drawn (from the block after the request's): `delivery` is for the
    ///         primary alone, e.g. encrypted to its published key (`NodeRegistry.encryptionKeyOf`).
    ///         Only the requester, before the request's `deadline`, once. The primary's exclusive
    ///         window and the request's deadline then run from now (`RequestRenewed`).
    function deliverInput(uint256 requestId, Commitment calldata commitment, bytes calldata delivery) external;

    /// @notice The primary of a committed request says it cannot read a valid opening of the
    ///         commitment from the request's delivery (none, unreadable, another request's, or
    ///         one that does not hash to the commitment), within its window and at most once per
    ///         request. The request then awaits its opening (`windowEnd` zero, the deadline one
    ///         exclusive window from now): if nobody opens it by then, a cancellation refunds
    ///         the fee and slashes no one; once opened, the primary answers for it again.
    function rejectDelivery(uint256 requestId, Commitment calldata commitment) external;

    /// @notice Open a committed request's commitment on-chain while it awaits its requester
    ///         (its delivery, or its opening after `rejectDelivery`): anyone, before the
    ///         request's deadline. `input` and `salt` must hash to the commitment
    ///         (`OpeningMismatch`, through the model registry's `hashCommitted`, about 20k gas per
    ///         value, paid by the caller). They are public from then on (`InputOpened`); the
    ///         primary's exclusive window and the deadline run from now, and no delivery can be
    ///         rejected any more. An unprovable opening can still be disputed (`disputeInput`).
    function openInput(
        uint256 requestId,
        Commitment calldata commitment,
        int256[] calldata input,
        uint256[] calldata salt
    ) external;

    /// @notice Ask for an inference in Optimistic mode; pay exactly the model's fee. Checked as
    ///         `requestInference`, and the model must allow it (a non-zero challenge window no
    ///         longer than `maxChallengeWindow`). The drawn primary (or a stand-in after the
    ///         window, as for `fulfill`) posts the output without a proof (`postOutput`); anyone
    ///         may prove it wrong until the posting's `finalAt` (`challenge`), and anyone may
    ///         finalise it after (`finalize`). The callback runs once, with the final output. A
    ///         node may also answer an Optimistic request with a proof (`fulfill`), which settles
    ///         it at once.
    function requestOptimistic(uint256 modelId, int256[] calldata input, uint32 callbackGasLimit)
        external
        payable
        returns (uint256 requestId);

    /// @notice Post the circuit's output for an Optimistic request, with no proof. Who may post,
    ///         and when, is as for `fulfill` (the primary until the deadline; after the window an
    ///         eligible stand-in with a seal of `postingSeal(requestId, node, output)` from a
    ///         block after the request's; a stand-in slashes the primary as `fulfill` does).
    ///         Stores only the posting's hash; the output is in `OutputPosted`. Nothing is paid
    ///         and nobody is called back until the posting is final or proven wrong.
    /// @param output The circuit's quantised output at the model's output scale (`outputLen`
    ///        values): what a proof of the request's input would show.
    function postOutput(uint256 requestId, Commitment calldata commitment, int256[] calldata output) external;

    /// @notice Prove a posting wrong before its `finalAt`: one EZKL proof of the request's input
    ///         (instances: input felts then output felts, as for `fulfill`) whose output differs
    ///         from the posted one. The poster is slashed the model's bond (capped by its stake),
    ///         all of it credited to the caller, who also earns the fee; the requester is called
    ///         back once with the proven output. Anyone may challenge, after sealing
    ///         `challengeSeal(requestId, challenger, proof, instances)` with `sealFulfillment` in
    ///         an earlier block (else `FulfillmentNotSealed`): a challenge copied from a pending
    ///         transaction cannot be landed first. A proof of the posted output is refused
    ///         (`PostingNotWrong`): an honest posting cannot be griefed.
    /// @param postedOutput The output of the posting (from `OutputPosted`).
    function challenge(
        uint256 requestId,
        Commitment calldata commitment,
        Posting calldata posting,
        int256[] calldata postedOutput,
        bytes calldata proof,
        uint256[] calldata instances
    ) external returns (FulfillmentResult result);

    /// @notice Finalise postings whose window has ended: for each, the fee is credited to its
    ///         poster and its requester is called back with the posted output, with exactly its
    ///         `callbackGasLimit` (the transaction must carry enough gas for all of them); one
    ///         `OutputsFinalized` lists them. Anyone may call. A request no longer posted
    ///         (finalised or challenged meanwhile) is skipped; a posting still in its window, a
    ///         posting or output that does not match, reverts the whole call; when every entry
    ///         is skipped it reverts with `NothingToSettle`. All effects happen before the first
    ///         callback.
    /// @return results Per entry, how its callback went, or `Skipped`.
    function finalize(uint256[] calldata requestIds, Posting[] calldata postings, int256[][] calldata outputs)
        external
        returns (FulfillmentResult[] memory results);

    /// @notice The seal a challenger makes (with `sealFulfillment`) before `challenge`:
    ///         `keccak256(abi.encode(requestId, challenger, keccak256(proof),
    ///         keccak256(abi.encodePacked(instances)), 2))`.
    function challengeSeal(uint256 requestId, address challenger, bytes calldata proof, uint256[] calldata instances)
        external
        pure
        returns (bytes32);

    /// @notice The seal a stand-in makes (with `sealFulfillment`) before `postOutput`:
    ///         `keccak256(abi.encode(requestId, node, keccak256(abi.encodePacked(output)), 1))`.
    function postingSeal(uint256 requestId, address node, int256[] calldata output) external pure returns (bytes32);

    /// @notice Whether `output` is the posted output of `requestId` under `posting` (for a
    ///         consumer that acts on a provisional output before it is final, reading the output
    ///         from `OutputPosted`): true until the posting is finalised or challenged.
    function isPosted(uint256 requestId, Posting calldata posting, int256[] calldata output)
        external
        view
        returns (bool);

    /// @notice The longest challenge window an Optimistic request may have here:
    ///         `unbondingPeriod - requestTimeout - 1`, so that a poster's stake outlasts its
    ///         window even if it asks to unstake at once.
    function maxChallengeWindow() external view returns (uint256);

    /// @notice Post a proven output. Checks the commitment, that the request's block is over
    ///         (`RequestNotYetOpen`), the caller's right to fulfil now (the primary at any time
    ///         before the deadline; another eligible node after the window, or at once when there
    ///         is no primary, with a seal from a block after the request's and before this one), that
    ///         the input instances are the request's input and that the model's verifier accepts
    ///         the proof; then credits the fee to the caller, deletes the commitment, and calls the
    ///         requester back with exactly `callbackGasLimit` gas. The transaction must carry
    ///         enough gas for that, or it reverts with `InsufficientGasForCallback`.
    /// @param requestId The request.
    /// @param commitment The request's commitment, as emitted in `InferenceRequested`.
    /// @param proof EZKL proof bytes.
    /// @param instances Public instances: `inputLen` input felts then `outputLen` output felts.
    /// @return result How the callback went.
    function fulfill(
        uint256 requestId,
        Commitment calldata commitment,
        bytes calldata proof,
        uint256[] calldata instances
    ) external returns (FulfillmentResult result);

    /// @notice Settle up to `batchSize` requests of one model with one proof of the model's batch
    ///         circuit (see the contract notice for the slot layout). For every request: the
    ///         commitment must hash to the stored one and its input slice to its `inputHash`; a
    ///         request no longer pending or past its deadline is skipped (result `Skipped`). The
    ///         caller must have the right to settle each other request as in `fulfill`: the
    ///         primary at any time, another eligible node after the request's window (or at once
    ///         when it has no primary). When the caller is not the primary of at least one
    ///         request, it must have sealed `batchSeal(requestIds, msg.sender, proof, instances)`
    ///         with `sealFulfillment` (naming any pending request of the batch) in an earlier
    ///         block that is after every settled request's block; the seal is spent. A pending
    ///         request made in the current block reverts the batch (`RequestNotYetOpen`). The proof is verified once. Then, for every settled
    ///         request, the commitment is deleted, its fee credited to the caller (one credit for
    ///         all), and its primary slashed when the caller stood in for it after the window (at
    ///         the request's own terms, in its requester's favour); only after all of that are the
    ///         requesters called back, in slot order, each with exactly its `callbackGasLimit`,
    ///         each followed by its `InferenceFulfilled`. The transaction must carry enough gas for
    ///         every callback (`InsufficientGasForCallbacks`). Any failed check reverts the whole
    ///         batch before anything is paid or changed.
    /// @param requestIds The requests of slots 0..k-1, strictly ascending, none zero; 1 <= k <= N.
    /// @param commitments Their commitments, as emitted in `InferenceRequested`, in the same order.
    /// @param proof EZKL proof bytes of the model's batch circuit.
    /// @param instances `N * (inputLen + outputLen)` felts: the N inputs, then the N outputs.
    /// @return results Per slot 0..k-1, how its callback went, or `Skipped`.
    function fulfillBatch(
        uint256[] calldata requestIds,
        Commitment[] calldata commitments,
        bytes calldata proof,
        uint256[] calldata instances
    ) external returns (FulfillmentResult[] memory results);

    /// @notice Cancel a request after its deadline: refund the requester (credit) and slash the
    ///         primary in its favour. Anyone may call; the refund always goes to the requester.
    function cancelRequest(uint256 requestId, Commitment calldata commitment) external;

    /// @notice Seal a fulfilment before sending it: `seal` must be
    ///         `fulfillmentSeal(requestId, msg.sender, proof, instances)` (for `fulfillBatch`:
    ///         `batchSeal(requestIds, msg.sender, proof, instances)`, naming any pending request
    ///         of the batch). The request must be pending. A later seal of the same value by the same node keeps the first block.
    function sealFulfillment(uint256 requestId, bytes32 seal) external;

    /// @notice Withdraw the caller's credit (node fees, refunds) to `recipient` (not zero).
    function withdraw(address payable recipient) external;

    /// @notice Record a pending request's primary while its block is within 256 blocks, so
    ///         that fulfilment or cancellation after that still slashes the primary that missed
    ///         its window. Anyone may call it (the requester, who is paid from the slash, or a
    ///         keeper; on chains with fast blocks the deadline can lie past the 256 blocks); a
    ///         second call returns the pinned primary. Nothing is stored when the pool had no
    ///         stake (the primary is zero).
    function pinPrimary(uint256 requestId, Commitment calldata commitment) external returns (address primary);

    /// @notice The primary of a pending request: zero while its block is the current one, when
    ///         no slot of the pool had stake in its block, or when its block is more than 256
    ///         blocks old and its draw was not pinned (`pinPrimary`).
    function primaryOf(uint256 requestId, Commitment calldata commitment) external view returns (address);

    /// @notice `keccak256(abi.encode(requestId, node, keccak256(proof), keccak256(abi.encodePacked(instances))))`.
    function fulfillmentSeal(uint256 requestId, address node, bytes calldata proof, uint256[] calldata instances)
        external
        pure
        returns (bytes32);

    /// @notice The seal a stand-in must make before `fulfillBatch`:
    ///         `keccak256(abi.encode(keccak256(abi.encodePacked(requestIds)), node, keccak256(proof),
    ///         keccak256(abi.encodePacked(instances))))`.
    function batchSeal(uint256[] calldata requestIds, address node, bytes calldata proof, uint256[] calldata instances)
        external
        pure
        returns (bytes32);

    /// @notice The block in which `node` sealed `seal`, zero if it did not.
    function sealedAt(address node, bytes32 seal) external view returns (uint256);

    /// @notice Withdrawable credit of `account`.
    function credits(address account) external view returns (uint256);

    /// @notice What is stored for a request: its commitment hash (lowest bit clear) while it is
    ///         pending, its posting hash (lowest bit set) while an optimistic posting is open,
    ///         zero once it is settled (or for an unknown id).
    function commitmentOf(uint256 requestId) external view returns (bytes32);

    /// @notice Number of requests made so far (the highest id).
    function requestCount() external view returns (uint256);

    /// @notice Seconds from the request during which only the primary may fulfil.
    function exclusiveWindow() external view returns (uint64);

    /// @notice Seconds from the request until its deadline.
    function requestTimeout() external view returns (uint64);

    /// @notice Largest `callbackGasLimit` accepted.
    function maxCallbackGasLimit() external view returns (uint32);

    /// @notice The model registry.
    function modelRegistry() external view returns (address);

    /// @notice The node registry.
    function nodeRegistry() external view returns (address);

    /// @notice `input` mapped to the field and hashed as in `Commitment.inputHash` (every value
    ///         must fit the field; `InputOutOfRange` names the first that does not).
    function hashInput(int256[] calldata input) external pure returns (bytes32);

    /// @notice An int256 as a BN254 field element (negative x as r - |x|).
    function toFelt(int256 x) external pure returns (uint256);

    /// @notice A BN254 field element back to int256 (above (r-1)/2 is negative).
    function fromFelt(uint256 felt) external pure returns (int256);
}
