// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OracleConsumerBase} from "../OracleConsumerBase.sol";
import {IInferenceCoordinator} from "../interfaces/IInferenceCoordinator.sol";

/// @title A risk gate in front of an enrolment
/// @notice An applicant submits a screening feature vector (for the reference `breast_cancer`
///         model: 30 standardised features at the model's input scale) and pays the model's fee.
///         The proven output is one logit whose positive side is the low-risk class ("benign"
///         for the reference model); the applicant is cleared only when that logit is at least
///         `minLowRiskLogit` (at the output scale; a positive threshold demands confidence),
///         and only a cleared applicant may `enroll`. Anything else refers the applicant to a
///         human review, which is how a real screening programme uses such a model: it decides
///         who may skip the manual queue, never who is denied.
///
///         Refunds of requests cancelled after their deadline accrue to this contract in the
///         coordinator, and its share of the slash of a node that missed its window accrues in
///         the node registry; the operator collects both with `collectCredits`.
contract ScreeningGate is OracleConsumerBase {
    /// @notice Where an applicant stands.
    enum Status {
        None,
        Pending,
        Cleared,
        Referred
    }

    /// @notice The applicant already has a screening in flight.
    error ScreeningPending(address applicant, uint256 requestId);
    /// @notice Only cleared applicants may enrol.
    error NotCleared(address applicant, Status status);
    /// @notice Only the operator may do this.
    error OnlyOperator(address have, address want);
    /// @notice Only the applicant who asked for the screening may deliver its features.
    error NotApplicant(uint256 requestId, address have, address want);

    /// @notice `applicant` asked for a screening, answered by `requestId`.
    event ScreeningRequested(address indexed applicant, uint256 indexed requestId);
    /// @notice The screening of `applicant` ended `status` with low-risk logit `logit`.
    event ScreeningCompleted(address indexed applicant, uint256 indexed requestId, Status status, int256 logit);
    /// @notice A cleared applicant enrolled.
    event ApplicantEnrolled(address indexed applicant);

    /// @notice The registered screening model.
    uint256 public immutable modelId;
    /// @notice Least low-risk logit that clears an applicant.
    int256 public immutable minLowRiskLogit;
    /// @notice Gas given to the callback.
    uint32 public immutable callbackGasLimit;
    /// @notice Who may collect refunds.
    address public immutable operator;

    mapping(address applicant => Status) public statusOf;
    mapping(address applicant => uint256) public requestOf;
    mapping(uint256 requestId => address) public applicantOf;
    mapping(address applicant => bool) public enrolled;

    constructor(
        address coordinator_,
        uint256 modelId_,
        int256 minLowRiskLogit_,
        uint32 callbackGasLimit_
    ) OracleConsumerBase(coordinator_) {
        modelId = modelId_;
        minLowRiskLogit = minLowRiskLogit_;
        callbackGasLimit = callbackGasLimit_;
        operator = msg.sender;
    }

    /// @notice Ask for a screening; send the model's fee. A screening whose request was settled
    ///         without an answer (cancelled, or the callback failed) may be asked again.
    function screen(int256[] calldata features) external payable returns (uint256 requestId) {
        _checkNothingPending();
        requestId = _requestInference(modelId, features, callbackGasLimit, msg.value);
        _screening(requestId);
    }

    /// @notice Ask for a screening by a committed model (one whose circuit hashes its inputs)
    ///         without putting the features on-chain; send the model's fee. The applicant
    ///         computes `inputCommitment` and `delivery` off-chain from the features and a
    ///         random salt (`oracle_node.protocol.committed.commit(features)`); the
    ///         delivery carries them to the serving node in the clear. Pass an empty one to keep
    ///         them private: then, once the request's primary is drawn (the next block), seal
    ///         them for it and `deliverScreening`.
    function screenCommitted(uint256 inputCommitment, bytes calldata delivery)
        external
        payable
        returns (uint256 requestId)
    {
        _checkNothingPending();
        requestId = _requestCommitted(modelId, inputCommitment, callbackGasLimit, delivery, msg.value);
        _screening(requestId);
    }

    /// @notice Deliver the features of a committed screening asked with an empty delivery,
    ///         sealed off-chain for the request's drawn primary
    ///         (`CommittedInput.sealed(key, chain_id=, coordinator=, request_id=)` with the key
    ///         of `NodeRegistry.encryptionKeyOf(primary)`). Only the applicant who asked.
    function deliverScreening(
        uint256 requestId,
        IInferenceCoordinator.Commitment calldata commitment,
        bytes calldata sealedFeatures
    ) external {
        address applicant = applicantOf[requestId];
        if (msg.sender != applicant) revert NotApplicant(requestId, msg.sender, applicant);
        _deliverInput(requestId, commitment, sealedFeatures);
    }

    /// @notice The gated action: only a cleared applicant gets through.
    function enroll() external {
        Status status = statusOf[msg.sender];
        if (status != Status.Cleared) revert NotCleared(msg.sender, status);
        enrolled[msg.sender] = true;
        emit ApplicantEnrolled(msg.sender);
    }

    /// @notice Move refunds of cancelled requests and slash compensation to `recipient`.
    ///         Operator only; collects whichever of the two is waiting.
    function collectCredits(address payable recipient) external {
        if (msg.sender != operator) revert OnlyOperator(msg.sender, operator);
        (uint256 refunds, uint256 compensation) = _collectableCredit();
        if (refunds != 0) _withdrawRefunds(recipient);
        if (compensation != 0) _withdrawCompensation(recipient);
    }

    function _checkNothingPending() private view {
        if (statusOf[msg.sender] == Status.Pending) {
            uint256 open = requestOf[msg.sender];
            if (coordinator.commitmentOf(open) != 0) revert ScreeningPending(msg.sender, open);
        }
    }

    function _screening(uint256 requestId) private {
        statusOf[msg.sender] = Status.Pending;
        requestOf[msg.sender] = requestId;
        applicantOf[requestId] = msg.sender;
        emit ScreeningRequested(msg.sender, requestId);
    }

    function _onInferenceResult(uint256 requestId, int256[] calldata output) internal override {
        address applicant = applicantOf[requestId];
        int256 logit = output[0];
        Status status = logit >= minLowRiskLogit ? Status.Cleared : Status.Referred;
        // A stale answer (the applicant re-screened after a failed delivery) still lands on the
        // request it belongs to, but only the latest request sets the status.
        if (requestOf[applicant] == requestId) statusOf[applicant] = status;
        emit ScreeningCompleted(applicant, requestId, status, logit);
    }
}
