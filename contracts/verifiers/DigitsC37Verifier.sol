// SPDX-License-Identifier: MIT
// GENERATED FILE - DO NOT EDIT. EZKL's create_evm_verifier output for the circuit
// `digits_c37` (verifying key sha256 0xaea41a947abfed040bf4b9faade7846d25f16cce450c6de2feac150fe0331a27), with one change made by the build:
// the contract is renamed Halo2Verifier -> DigitsC37Verifier.
// Regenerate: oracle-node circuits build <model.onnx> <calibration.json> --name digits_c37 --inner-cols 1 --batch 37

pragma solidity ^0.8.0;

contract DigitsC37Verifier {
    uint256 internal constant    DELTA = 4131629893567559867359510883348571134090853742863529169391034518566172092834;
    uint256 internal constant        R = 21888242871839275222246405745257275088548364400416034343698204186575808495617; 

    uint256 internal constant FIRST_QUOTIENT_X_CPTR = 0x05a4;
    uint256 internal constant  LAST_QUOTIENT_X_CPTR = 0x06a4;

    uint256 internal constant                VK_MPTR = 0x0920;
    uint256 internal constant         VK_DIGEST_MPTR = 0x0920;
    uint256 internal constant     NUM_INSTANCES_MPTR = 0x0940;
    uint256 internal constant                 K_MPTR = 0x0960;
    uint256 internal constant             N_INV_MPTR = 0x0980;
    uint256 internal constant             OMEGA_MPTR = 0x09a0;
    uint256 internal constant         OMEGA_INV_MPTR = 0x09c0;
    uint256 internal constant    OMEGA_INV_TO_L_MPTR = 0x09e0;
    uint256 internal constant   HAS_ACCUMULATOR_MPTR = 0x0a00;
    uint256 internal constant        ACC_OFFSET_MPTR = 0x0a20;
    uint256 internal constant     NUM_ACC_LIMBS_MPTR = 0x0a40;
    uint256 internal constant NUM_ACC_LIMB_BITS_MPTR = 0x0a60;
    uint256 internal constant              G1_X_MPTR = 0x0a80;
    uint256 internal constant              G1_Y_MPTR = 0x0aa0;
    uint256 internal constant            G2_X_1_MPTR = 0x0ac0;
    uint256 internal constant            G2_X_2_MPTR = 0x0ae0;
    uint256 internal constant            G2_Y_1_MPTR = 0x0b00;
    uint256 internal constant            G2_Y_2_MPTR = 0x0b20;
    uint256 internal constant      NEG_S_G2_X_1_MPTR = 0x0b40;
    uint256 internal constant      NEG_S_G2_X_2_MPTR = 0x0b60;
    uint256 internal constant      NEG_S_G2_Y_1_MPTR = 0x0b80;
    uint256 internal constant      NEG_S_G2_Y_2_MPTR = 0x0ba0;

    uint256 internal constant CHALLENGE_MPTR = 0x1480;

    uint256 internal constant THETA_MPTR = 0x14c0;
    uint256 internal constant  BETA_MPTR = 0x14e0;
    uint256 internal constant GAMMA_MPTR = 0x1500;
    uint256 internal constant     Y_MPTR = 0x1520;
    uint256 internal constant     X_MPTR = 0x1540;
    uint256 internal constant  ZETA_MPTR = 0x1560;
    uint256 internal constant    NU_MPTR = 0x1580;
    uint256 internal constant    MU_MPTR = 0x15a0;

    uint256 internal constant       ACC_LHS_X_MPTR = 0x15c0;
    uint256 internal constant       ACC_LHS_Y_MPTR = 0x15e0;
    uint256 internal constant       ACC_RHS_X_MPTR = 0x1600;
    uint256 internal constant       ACC_RHS_Y_MPTR = 0x1620;
    uint256 internal constant             X_N_MPTR = 0x1640;
    uint256 internal constant X_N_MINUS_1_INV_MPTR = 0x1660;
    uint256 internal constant          L_LAST_MPTR = 0x1680;
    uint256 internal constant         L_BLIND_MPTR = 0x16a0;
    uint256 internal constant             L_0_MPTR = 0x16c0;
    uint256 internal constant   INSTANCE_EVAL_MPTR = 0x16e0;
    uint256 internal constant   QUOTIENT_EVAL_MPTR = 0x1700;
    uint256 internal constant      QUOTIENT_X_MPTR = 0x1720;
    uint256 internal constant      QUOTIENT_Y_MPTR = 0x1740;
    uint256 internal constant          R_EVAL_MPTR = 0x1760;
    uint256 internal constant   PAIRING_LHS_X_MPTR = 0x1780;
    uint256 internal constant   PAIRING_LHS_Y_MPTR = 0x17a0;
    uint256 internal constant   PAIRING_RHS_X_MPTR = 0x17c0;
    uint256 internal constant   PAIRING_RHS_Y_MPTR = 0x17e0;

    function verifyProof(
        bytes calldata proof,
        uint256[] calldata instances
    ) public returns (bool) {
        assembly {
            // Read EC point (x, y) at (proof_cptr, proof_cptr + 0x20),
            // and check if the point is on affine plane,
            // and store them in (hash_mptr, hash_mptr + 0x20).
            // Return updated (success, proof_cptr, hash_mptr).
            function read_ec_point(success, proof_cptr, hash_mptr, q) -> ret0, ret1, ret2 {
                let x := calldataload(proof_cptr)
                let y := calldataload(add(proof_cptr, 0x20))
                ret0 := and(success, lt(x, q))
                ret0 := and(ret0, lt(y, q))
                ret0 := and(ret0, eq(mulmod(y, y, q), addmod(mulmod(x, mulmod(x, x, q), q), 3, q)))
                mstore(hash_mptr, x)
                mstore(add(hash_mptr, 0x20), y)
                ret1 := add(proof_cptr, 0x40)
                ret2 := add(hash_mptr, 0x40)
            }

            // Squeeze challenge by keccak256(memory[0..hash_mptr]),
            // and store hash mod r as challenge in challenge_mptr,
            // and push back hash in 0x00 as the first input for next squeeze.
            // Return updated (challenge_mptr, hash_mptr).
            function squeeze_challenge(challenge_mptr, hash_mptr, r) -> ret0, ret1 {
                let hash := keccak256(0x00, hash_mptr)
                mstore(challenge_mptr, mod(hash, r))
                mstore(0x00, hash)
                ret0 := add(challenge_mptr, 0x20)
                ret1 := 0x20
            }

            // Squeeze challenge without absorbing new input from calldata,
            // by putting an extra 0x01 in memory[0x20] and squeeze by keccak256(memory[0..21]),
            // and store hash mod r as challenge in challenge_mptr,
            // and push back hash in 0x00 as the first input for next squeeze.
            // Return updated (challenge_mptr).
            function squeeze_challenge_cont(challenge_mptr, r) -> ret {
                mstore8(0x20, 0x01)
                let hash := keccak256(0x00, 0x21)
                mstore(challenge_mptr, mod(hash, r))
                mstore(0x00, hash)
                ret := add(challenge_mptr, 0x20)
            }

            // Batch invert values in memory[mptr_start..mptr_end] in place.
            // Return updated (success).
            function batch_invert(success, mptr_start, mptr_end) -> ret {
                let gp_mptr := mptr_end
                let gp := mload(mptr_start)
                let mptr := add(mptr_start, 0x20)
                for
                    {}
                    lt(mptr, sub(mptr_end, 0x20))
                    {}
                {
                    gp := mulmod(gp, mload(mptr), R)
                    mstore(gp_mptr, gp)
                    mptr := add(mptr, 0x20)
                    gp_mptr := add(gp_mptr, 0x20)
                }
                gp := mulmod(gp, mload(mptr), R)

                mstore(gp_mptr, 0x20)
                mstore(add(gp_mptr, 0x20), 0x20)
                mstore(add(gp_mptr, 0x40), 0x20)
                mstore(add(gp_mptr, 0x60), gp)
                mstore(add(gp_mptr, 0x80), sub(R, 2))
                mstore(add(gp_mptr, 0xa0), R)
                ret := and(success, staticcall(gas(), 0x05, gp_mptr, 0xc0, gp_mptr, 0x20))
                let all_inv := mload(gp_mptr)

                let first_mptr := mptr_start
                let second_mptr := add(first_mptr, 0x20)
                gp_mptr := sub(gp_mptr, 0x20)
                for
                    {}
                    lt(second_mptr, mptr)
                    {}
                {
                    let inv := mulmod(all_inv, mload(gp_mptr), R)
                    all_inv := mulmod(all_inv, mload(mptr), R)
                    mstore(mptr, inv)
                    mptr := sub(mptr, 0x20)
                    gp_mptr := sub(gp_mptr, 0x20)
                }
                let inv_first := mulmod(all_inv, mload(second_mptr), R)
                let inv_second := mulmod(all_inv, mload(first_mptr), R)
                mstore(first_mptr, inv_first)
                mstore(second_mptr, inv_second)
            }

            // Add (x, y) into point at (0x00, 0x20).
            // Return updated (success).
            function ec_add_acc(success, x, y) -> ret {
                mstore(0x40, x)
                mstore(0x60, y)
                ret := and(success, staticcall(gas(), 0x06, 0x00, 0x80, 0x00, 0x40))
            }

            // Scale point at (0x00, 0x20) by scalar.
            function ec_mul_acc(success, scalar) -> ret {
                mstore(0x40, scalar)
                ret := and(success, staticcall(gas(), 0x07, 0x00, 0x60, 0x00, 0x40))
            }

            // Add (x, y) into point at (0x80, 0xa0).
            // Return updated (success).
            function ec_add_tmp(success, x, y) -> ret {
                mstore(0xc0, x)
                mstore(0xe0, y)
                ret := and(success, staticcall(gas(), 0x06, 0x80, 0x80, 0x80, 0x40))
            }

            // Scale point at (0x80, 0xa0) by scalar.
            // Return updated (success).
            function ec_mul_tmp(success, scalar) -> ret {
                mstore(0xc0, scalar)
                ret := and(success, staticcall(gas(), 0x07, 0x80, 0x60, 0x80, 0x40))
            }

            // Perform pairing check.
            // Return updated (success).
            function ec_pairing(success, lhs_x, lhs_y, rhs_x, rhs_y) -> ret {
                mstore(0x00, lhs_x)
                mstore(0x20, lhs_y)
                mstore(0x40, mload(G2_X_1_MPTR))
                mstore(0x60, mload(G2_X_2_MPTR))
                mstore(0x80, mload(G2_Y_1_MPTR))
                mstore(0xa0, mload(G2_Y_2_MPTR))
                mstore(0xc0, rhs_x)
                mstore(0xe0, rhs_y)
                mstore(0x100, mload(NEG_S_G2_X_1_MPTR))
                mstore(0x120, mload(NEG_S_G2_X_2_MPTR))
                mstore(0x140, mload(NEG_S_G2_Y_1_MPTR))
                mstore(0x160, mload(NEG_S_G2_Y_2_MPTR))
                ret := and(success, staticcall(gas(), 0x08, 0x00, 0x180, 0x00, 0x20))
                ret := and(ret, mload(0x00))
            }

            // Modulus
            let q := 21888242871839275222246405745257275088696311157297823662689037894645226208583 // BN254 base field
            let r := 21888242871839275222246405745257275088548364400416034343698204186575808495617 // BN254 scalar field 

            // Initialize success as true
            let success := true

            {
                // Load vk_digest and num_instances of vk into memory
                mstore(0x0920, 0x26ef4c10b6ec2f2483493d082ec27a3853c787d7a1a8ace8bf532c0a8c65bf61) // vk_digest
                mstore(0x0940, 0x0000000000000000000000000000000000000000000000000000000000000197) // num_instances

                // Check valid length of proof
                success := and(success, eq(0x1000, proof.length))

                // Check valid length of instances
                let num_instances := mload(NUM_INSTANCES_MPTR)
                success := and(success, eq(num_instances, instances.length))

                // Absorb vk diegst
                mstore(0x00, mload(VK_DIGEST_MPTR))

                // Read instances and witness commitments and generate challenges
                let hash_mptr := 0x20
                let instance_cptr := instances.offset
                for
                    { let instance_cptr_end := add(instance_cptr, mul(0x20, num_instances)) }
                    lt(instance_cptr, instance_cptr_end)
                    {}
                {
                    let instance := calldataload(instance_cptr)
                    success := and(success, lt(instance, r))
                    mstore(hash_mptr, instance)
                    instance_cptr := add(instance_cptr, 0x20)
                    hash_mptr := add(hash_mptr, 0x20)
                }

                let proof_cptr := proof.offset
                let challenge_mptr := CHALLENGE_MPTR

                // Phase 1
                for
                    { let proof_cptr_end := add(proof_cptr, 0x0240) }
                    lt(proof_cptr, proof_cptr_end)
                    {}
                {
                    success, proof_cptr, hash_mptr := read_ec_point(success, proof_cptr, hash_mptr, q)
                }

                challenge_mptr, hash_mptr := squeeze_challenge(challenge_mptr, hash_mptr, r)
                challenge_mptr := squeeze_challenge_cont(challenge_mptr, r)

                // Phase 2
                for
                    { let proof_cptr_end := add(proof_cptr, 0xc0) }
                    lt(proof_cptr, proof_cptr_end)
                    {}
                {
                    success, proof_cptr, hash_mptr := read_ec_point(success, proof_cptr, hash_mptr, q)
                }

                challenge_mptr, hash_mptr := squeeze_challenge(challenge_mptr, hash_mptr, r)

                // Phase 3
                for
                    { let proof_cptr_end := add(proof_cptr, 0x80) }
                    lt(proof_cptr, proof_cptr_end)
                    {}
                {
                    success, proof_cptr, hash_mptr := read_ec_point(success, proof_cptr, hash_mptr, q)
                }

                challenge_mptr, hash_mptr := squeeze_challenge(challenge_mptr, hash_mptr, r)
                challenge_mptr := squeeze_challenge_cont(challenge_mptr, r)

                // Phase 4
                for
                    { let proof_cptr_end := add(proof_cptr, 0x01c0) }
                    lt(proof_cptr, proof_cptr_end)
                    {}
                {
                    success, proof_cptr, hash_mptr := read_ec_point(success, proof_cptr, hash_mptr, q)
                }

                challenge_mptr, hash_mptr := squeeze_challenge(challenge_mptr, hash_mptr, r)

                // Phase 5
                for
                    { let proof_cptr_end := add(proof_cptr, 0x0140) }
                    lt(proof_cptr, proof_cptr_end)
                    {}
                {
                    success, proof_cptr, hash_mptr := read_ec_point(success, proof_cptr, hash_mptr, q)
                }

                challenge_mptr, hash_mptr := squeeze_challenge(challenge_mptr, hash_mptr, r)

                // Read evaluations
                for
                    { let proof_cptr_end := add(proof_cptr, 0x0900) }
                    lt(proof_cptr, proof_cptr_end)
                    {}
                {
                    let eval := calldataload(proof_cptr)
                    success := and(success, lt(eval, r))
                    mstore(hash_mptr, eval)
                    proof_cptr := add(proof_cptr, 0x20)
                    hash_mptr := add(hash_mptr, 0x20)
                }

                // Read batch opening proof and generate challenges
                challenge_mptr, hash_mptr := squeeze_challenge(challenge_mptr, hash_mptr, r)       // zeta
                challenge_mptr := squeeze_challenge_cont(challenge_mptr, r)                        // nu

                success, proof_cptr, hash_mptr := read_ec_point(success, proof_cptr, hash_mptr, q) // W

                challenge_mptr, hash_mptr := squeeze_challenge(challenge_mptr, hash_mptr, r)       // mu

                success, proof_cptr, hash_mptr := read_ec_point(success, proof_cptr, hash_mptr, q) // W'

                // Load full vk into memory
                mstore(0x0920, 0x26ef4c10b6ec2f2483493d082ec27a3853c787d7a1a8ace8bf532c0a8c65bf61) // vk_digest
                mstore(0x0940, 0x0000000000000000000000000000000000000000000000000000000000000197) // num_instances
                mstore(0x0960, 0x0000000000000000000000000000000000000000000000000000000000000011) // k
                mstore(0x0980, 0x30643640b9f82f90e83b698e5ea6179c7c05542e859533b48b9953a2f5360801) // n_inv
                mstore(0x09a0, 0x304cd1e79cfa5b0f054e981a27ed7706e7ea6b06a7f266ef8db819c179c2c3ea) // omega
                mstore(0x09c0, 0x193586da872cdeff023d6ab2263a131b4780db8878be3c3b7f8f019c06fcb0fb) // omega_inv
                mstore(0x09e0, 0x299110e6835fd73731fb3ce6de87151988da403c265467a96b9cda0d7daa72e4) // omega_inv_to_l
                mstore(0x0a00, 0x0000000000000000000000000000000000000000000000000000000000000000) // has_accumulator
                mstore(0x0a20, 0x0000000000000000000000000000000000000000000000000000000000000000) // acc_offset
                mstore(0x0a40, 0x0000000000000000000000000000000000000000000000000000000000000000) // num_acc_limbs
                mstore(0x0a60, 0x0000000000000000000000000000000000000000000000000000000000000000) // num_acc_limb_bits
                mstore(0x0a80, 0x0000000000000000000000000000000000000000000000000000000000000001) // g1_x
                mstore(0x0aa0, 0x0000000000000000000000000000000000000000000000000000000000000002) // g1_y
                mstore(0x0ac0, 0x198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2) // g2_x_1
                mstore(0x0ae0, 0x1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed) // g2_x_2
                mstore(0x0b00, 0x090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b) // g2_y_1
                mstore(0x0b20, 0x12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa) // g2_y_2
                mstore(0x0b40, 0x0d26ad91d2c02ac5032b81bc221643090ddaec79dd66584637e9d9ec82833c96) // neg_s_g2_x_1
                mstore(0x0b60, 0x0752b38a8d4b0cbd0c31fa5ec2b8fcf875fc43faf9d75146fa30fc46396f450b) // neg_s_g2_x_2
                mstore(0x0b80, 0x2c942eb5e4ea2284e3f1466ef9129e98a571da73502eb47f3ae8bbadbbcdd1a0) // neg_s_g2_y_1
                mstore(0x0ba0, 0x17223d58ecd9efc9c22e1bd36abca8c248007e203d95bfaf6b99feb004516eb2) // neg_s_g2_y_2
                mstore(0x0bc0, 0x21d8ac236512060dede8ab67807e0fbdddb8322e606608739fbb76973d574c9e) // fixed_comms[0].x
                mstore(0x0be0, 0x099d8029d2714bca0c90c1caae7ba7e0d07043394a6ac154105f7423bc3b2472) // fixed_comms[0].y
                mstore(0x0c00, 0x1d2101f197db48a99306c9f250f3730e52e0705bca1c17cb462deb24ea50ae35) // fixed_comms[1].x
                mstore(0x0c20, 0x288a2b2912230d29131c7981c00356f6ba25c9b6b94cb399dbe70312394c9a4d) // fixed_comms[1].y
                mstore(0x0c40, 0x098028951dedd93a6f9a9793ee71d8904571b654dcc9178d28d70afac5c5a6e0) // fixed_comms[2].x
                mstore(0x0c60, 0x0ba8e26ab577e9fb8b77c4197177fd3cc4e707ed8113fdabd2e5c685d570514a) // fixed_comms[2].y
                mstore(0x0c80, 0x1156ea68be8b280def8d064056554843fb6ef46805e905af30359276d55e0c48) // fixed_comms[3].x
                mstore(0x0ca0, 0x1340593a23b96f2f99531d33d803312c2e3e3c13b2789a618c19720e68c8c3d9) // fixed_comms[3].y
                mstore(0x0cc0, 0x0c5071aa6d054d55538579cbf70b56de6d10f4faf3c84e9a763a568d10bf95a7) // fixed_comms[4].x
                mstore(0x0ce0, 0x2762470238ab51bcdc26ae735315c3cf3b53f74b1f31c1cdd4b25d69d0048250) // fixed_comms[4].y
                mstore(0x0d00, 0x1600a0b331e765467ab6baab36daef84cd0cbc4ed25236612dac6edd03f4c99b) // fixed_comms[5].x
                mstore(0x0d20, 0x174fe9ea27e4ea284eff4634930195ac508109838992bebde9726cbf75ec5aae) // fixed_comms[5].y
                mstore(0x0d40, 0x03a2d24377e0047a7f44c79ea9746956096c31386d511d5b9fee253a22fac4b4) // fixed_comms[6].x
                mstore(0x0d60, 0x270fb2b224b5bf27401133028a4048c42c744c0c924253cf7f1fcbe42ffaf3fa) // fixed_comms[6].y
                mstore(0x0d80, 0x23731af9ca62cb0af41ea2e80279baeeceb2ae00a7fa839291a92ef1e49391c6) // fixed_comms[7].x
                mstore(0x0da0, 0x081f9fec4bd6419fd9bd339c20bb98ea264844eee5944ccf49007af05e9ad7e7) // fixed_comms[7].y
                mstore(0x0dc0, 0x1b0f21b704ec287f5c10a2251cb5db9572dad3515f3ccc9f5502fd87c614e20e) // fixed_comms[8].x
                mstore(0x0de0, 0x2829165fa8346b6de500eacd86ccb64e5ea376c77646fd335ed99a139cc47db1) // fixed_comms[8].y
                mstore(0x0e00, 0x0625dbf8594724647d8800305ed3b7a0af6fdb185afe6fa1857e1d7157b90939) // fixed_comms[9].x
                mstore(0x0e20, 0x01d5b558b803cd654431f27c3c0b8cce659c6903bceef0d7c58a29881d1bf347) // fixed_comms[9].y
                mstore(0x0e40, 0x138d8d777abc47273bb2dc7a19fd9369cacb2a3cd2f326e61df831405df36d07) // fixed_comms[10].x
                mstore(0x0e60, 0x278a2aadfc5242b46b4a59597fee141c6c8c37032984fdb8d04cb542366ab473) // fixed_comms[10].y
                mstore(0x0e80, 0x220926da7654028e6946045352c4f7617a69d01092b066d44c92366202cb1ba7) // fixed_comms[11].x
                mstore(0x0ea0, 0x28e23be2023b17990d99ad9d0551817b6e8e20737dc2fb1f10f557210d158f6a) // fixed_comms[11].y
                mstore(0x0ec0, 0x24bb7fd986f6eb7deb28f34f26610bffad2703b1c7e9faa7ab870ea45927d733) // fixed_comms[12].x
                mstore(0x0ee0, 0x1511123dc985a6517a1244f64a43da5f229fd3233e2282e0fe7d9436a8075704) // fixed_comms[12].y
                mstore(0x0f00, 0x155648472ebbcc8b35adae9c2cccb638c0c2a40a6f33d4c09840e92980eec639) // fixed_comms[13].x
                mstore(0x0f20, 0x1e8ed3747e3009d246fdc198a680b945750eae2c4379454868cd653d491a9138) // fixed_comms[13].y
                mstore(0x0f40, 0x0000000000000000000000000000000000000000000000000000000000000000) // fixed_comms[14].x
                mstore(0x0f60, 0x0000000000000000000000000000000000000000000000000000000000000000) // fixed_comms[14].y
                mstore(0x0f80, 0x092d85358c526883200b6b6bf123df929e86df1bd55402d1608a3166a032711d) // fixed_comms[15].x
                mstore(0x0fa0, 0x0b3e621d72cf1230c75a50ac871e7c0bc30dadae63550da8adf5533396dc35cb) // fixed_comms[15].y
                mstore(0x0fc0, 0x0000000000000000000000000000000000000000000000000000000000000000) // fixed_comms[16].x
                mstore(0x0fe0, 0x0000000000000000000000000000000000000000000000000000000000000000) // fixed_comms[16].y
                mstore(0x1000, 0x1ce760e4be94659e7398620ec082f9fec93e592f818f745b0a19dfff849415a1) // fixed_comms[17].x
                mstore(0x1020, 0x080277cc9859154662f32461f1026747ed7b03a2de79d778a5610697b11e9e2f) // fixed_comms[17].y
                mstore(0x1040, 0x0e44c1936cedc5765c6a1e933cbc5366d98b154afc5a2ebd3f045457a99c7b44) // fixed_comms[18].x
                mstore(0x1060, 0x2d42e7a5b27ecab870bbeac025a3402929c2d47e79c7f3734950a2b9c65d66a8) // fixed_comms[18].y
                mstore(0x1080, 0x0000000000000000000000000000000000000000000000000000000000000000) // fixed_comms[19].x
                mstore(0x10a0, 0x0000000000000000000000000000000000000000000000000000000000000000) // fixed_comms[19].y
                mstore(0x10c0, 0x12702f347b175ff4e9827377810d656f0f7cc1bfa4117c18922d48b4f71b7de7) // permutation_comms[0].x
                mstore(0x10e0, 0x191582854f60e40263ed4ca40b9c840abfd8e67e2ac7a41a9310b93e7687229a) // permutation_comms[0].y
                mstore(0x1100, 0x00c256eb0c8bd1a4ca6bd2dba55c2c06367fae8cd8e1feb5b691a033ae182f58) // permutation_comms[1].x
                mstore(0x1120, 0x07cabb35ad169951b04ed5b0c81aca2724ea860d75c412a591c2225e1eac3908) // permutation_comms[1].y
                mstore(0x1140, 0x0aba59812e6146f7ac3fc7f95398952d4ee5b570ccd12df6969db2214dc4ddd2) // permutation_comms[2].x
                mstore(0x1160, 0x2c8f2339369d8fce21860131a05d4dd66789a7ba0e64433fb0288d95191b1b5c) // permutation_comms[2].y
                mstore(0x1180, 0x1f1289cd9b9f24843fa6fbcc6cecf9830f31d9e5f925b6d45529c66830c94442) // permutation_comms[3].x
                mstore(0x11a0, 0x2a43db095f454391c44e60582bf42d913948d0715239532edde38d9905892060) // permutation_comms[3].y
                mstore(0x11c0, 0x223de0aace80c43db3b3e81c524f62de75a38d5d4095a4886c6962d737c2855c) // permutation_comms[4].x
                mstore(0x11e0, 0x082a400f95be62dd620e4171293084cf9c5073965677c5859a17fb3b0b5b0d9c) // permutation_comms[4].y
                mstore(0x1200, 0x2a4e7239aedb687c8e7f347aa51673976d90141c569da330f671150f739cf7f4) // permutation_comms[5].x
                mstore(0x1220, 0x0fd64354b3fe18c4868092c3a65b1858903dcb3222a7d6d6de262fb00bc1812d) // permutation_comms[5].y
                mstore(0x1240, 0x06267bfd1749ff8ebf4e7606c1292cf4abd15ce5acafb4afcaaebc70d9263e8e) // permutation_comms[6].x
                mstore(0x1260, 0x2a18a5f9212c2c3586357eba3d2e7a29d14bf429deb3149910c6a25cf9ce518e) // permutation_comms[6].y
                mstore(0x1280, 0x072a5ec4badc64c4fefd45b0d7ccd3197546691092906b93e38d13262375c0a9) // permutation_comms[7].x
                mstore(0x12a0, 0x1275d5e221a7900abe344c804862fb09dac67845556400270ffe6b0a5e917995) // permutation_comms[7].y
                mstore(0x12c0, 0x22e022b2962caeaf5fa39539f45a9d76bfd5ed57d0bfd24157455512eeeb1321) // permutation_comms[8].x
                mstore(0x12e0, 0x2225dbb58c6a73d4b98f02911fa7bf6f74b42de240d043b479cad8a88c8cce77) // permutation_comms[8].y
                mstore(0x1300, 0x2f51f22fc021bae52671f76352d6f1d51279cbe27fed5d59149bb31fad4b761f) // permutation_comms[9].x
                mstore(0x1320, 0x26a53dc2a2a2731a86e9158e6aa2b070ecbf9649579886074b6a7afd087fe304) // permutation_comms[9].y
                mstore(0x1340, 0x04e2e2254efb6fb5452b80313d953f75eea622a2088d3060a2a8f1388ad75f18) // permutation_comms[10].x
                mstore(0x1360, 0x102b951b1b0ffdf0271949c1dcf2a13d108d334cd461e9b6b74cf5f3b0811792) // permutation_comms[10].y
                mstore(0x1380, 0x1379333824205e75b6ed1a54cd8263db4ee83459c88b9d7d14fdd522121a4158) // permutation_comms[11].x
                mstore(0x13a0, 0x0b798bf16511879b84df1a5d7e99363779dd9770c7d90b2a1dbc864a6f59d343) // permutation_comms[11].y
                mstore(0x13c0, 0x2e3ce04d4f015225375df9c4d3269af50f0d2290e1d334e8215ab0ecfaaddf88) // permutation_comms[12].x
                mstore(0x13e0, 0x125c5c1d25f33ff498d8876742716f1d0dc8a6e1845f70cd581feb5dd8424360) // permutation_comms[12].y
                mstore(0x1400, 0x20d54b71b6f30cfcbcce2ed88f7bb3a5473856c06abfa12c00ba1d97f4f5f087) // permutation_comms[13].x
                mstore(0x1420, 0x2d3737140a98688bdfcc2b830c90dad32263548c5720f029d55814b502ad7b72) // permutation_comms[13].y
                mstore(0x1440, 0x28e22a208201a5c08ed599275963bc7b72aec0d6cf1af052f89a81fedf19aae0) // permutation_comms[14].x
                mstore(0x1460, 0x2484253f5ec2b26854589a6a97257049be75fe32bccff1ec151ac26265ac3bc3) // permutation_comms[14].y

                // Read accumulator from instances
                if mload(HAS_ACCUMULATOR_MPTR) {
                    let num_limbs := mload(NUM_ACC_LIMBS_MPTR)
                    let num_limb_bits := mload(NUM_ACC_LIMB_BITS_MPTR)

                    let cptr := add(instances.offset, mul(mload(ACC_OFFSET_MPTR), 0x20))
                    let lhs_y_off := mul(num_limbs, 0x20)
                    let rhs_x_off := mul(lhs_y_off, 2)
                    let rhs_y_off := mul(lhs_y_off, 3)
                    let lhs_x := calldataload(cptr)
                    let lhs_y := calldataload(add(cptr, lhs_y_off))
                    let rhs_x := calldataload(add(cptr, rhs_x_off))
                    let rhs_y := calldataload(add(cptr, rhs_y_off))
                    for
                        {
                            let cptr_end := add(cptr, mul(0x20, num_limbs))
                            let shift := num_limb_bits
                        }
                        lt(cptr, cptr_end)
                        {}
                    {
                        cptr := add(cptr, 0x20)
                        lhs_x := add(lhs_x, shl(shift, calldataload(cptr)))
                        lhs_y := add(lhs_y, shl(shift, calldataload(add(cptr, lhs_y_off))))
                        rhs_x := add(rhs_x, shl(shift, calldataload(add(cptr, rhs_x_off))))
                        rhs_y := add(rhs_y, shl(shift, calldataload(add(cptr, rhs_y_off))))
                        shift := add(shift, num_limb_bits)
                    }

                    success := and(success, eq(mulmod(lhs_y, lhs_y, q), addmod(mulmod(lhs_x, mulmod(lhs_x, lhs_x, q), q), 3, q)))
                    success := and(success, eq(mulmod(rhs_y, rhs_y, q), addmod(mulmod(rhs_x, mulmod(rhs_x, rhs_x, q), q), 3, q)))

                    mstore(ACC_LHS_X_MPTR, lhs_x)
                    mstore(ACC_LHS_Y_MPTR, lhs_y)
                    mstore(ACC_RHS_X_MPTR, rhs_x)
                    mstore(ACC_RHS_Y_MPTR, rhs_y)
                }

                pop(q)
            }

            // Revert earlier if anything from calldata is invalid
            if iszero(success) {
                revert(0, 0)
            }

            // Compute lagrange evaluations and instance evaluation
            {
                let k := mload(K_MPTR)
                let x := mload(X_MPTR)
                let x_n := x
                for
                    { let idx := 0 }
                    lt(idx, k)
                    { idx := add(idx, 1) }
                {
                    x_n := mulmod(x_n, x_n, r)
                }

                let omega := mload(OMEGA_MPTR)

                let mptr := X_N_MPTR
                let mptr_end := add(mptr, mul(0x20, add(mload(NUM_INSTANCES_MPTR), 6)))
                if iszero(mload(NUM_INSTANCES_MPTR)) {
                    mptr_end := add(mptr_end, 0x20)
                }
                for
                    { let pow_of_omega := mload(OMEGA_INV_TO_L_MPTR) }
                    lt(mptr, mptr_end)
                    { mptr := add(mptr, 0x20) }
                {
                    mstore(mptr, addmod(x, sub(r, pow_of_omega), r))
                    pow_of_omega := mulmod(pow_of_omega, omega, r)
                }
                let x_n_minus_1 := addmod(x_n, sub(r, 1), r)
                mstore(mptr_end, x_n_minus_1)
                success := batch_invert(success, X_N_MPTR, add(mptr_end, 0x20))

                mptr := X_N_MPTR
                let l_i_common := mulmod(x_n_minus_1, mload(N_INV_MPTR), r)
                for
                    { let pow_of_omega := mload(OMEGA_INV_TO_L_MPTR) }
                    lt(mptr, mptr_end)
                    { mptr := add(mptr, 0x20) }
                {
                    mstore(mptr, mulmod(l_i_common, mulmod(mload(mptr), pow_of_omega, r), r))
                    pow_of_omega := mulmod(pow_of_omega, omega, r)
                }

                let l_blind := mload(add(X_N_MPTR, 0x20))
                let l_i_cptr := add(X_N_MPTR, 0x40)
                for
                    { let l_i_cptr_end := add(X_N_MPTR, 0xc0) }
                    lt(l_i_cptr, l_i_cptr_end)
                    { l_i_cptr := add(l_i_cptr, 0x20) }
                {
                    l_blind := addmod(l_blind, mload(l_i_cptr), r)
                }

                let instance_eval := 0
                for
                    {
                        let instance_cptr := instances.offset
                        let instance_cptr_end := add(instance_cptr, mul(0x20, mload(NUM_INSTANCES_MPTR)))
                    }
                    lt(instance_cptr, instance_cptr_end)
                    {
                        instance_cptr := add(instance_cptr, 0x20)
                        l_i_cptr := add(l_i_cptr, 0x20)
                    }
                {
                    instance_eval := addmod(instance_eval, mulmod(mload(l_i_cptr), calldataload(instance_cptr), r), r)
                }

                let x_n_minus_1_inv := mload(mptr_end)
                let l_last := mload(X_N_MPTR)
                let l_0 := mload(add(X_N_MPTR, 0xc0))

                mstore(X_N_MPTR, x_n)
                mstore(X_N_MINUS_1_INV_MPTR, x_n_minus_1_inv)
                mstore(L_LAST_MPTR, l_last)
                mstore(L_BLIND_MPTR, l_blind)
                mstore(L_0_MPTR, l_0)
                mstore(INSTANCE_EVAL_MPTR, instance_eval)
            }

            // Compute quotient evavluation
            {
                let quotient_eval_numer
                let y := mload(Y_MPTR)
                {
                    let f_9 := calldataload(0x0a64)
                    let a_3 := calldataload(0x0744)
                    let f_1 := calldataload(0x09a4)
                    let var0 := addmod(a_3, f_1, R)
                    let var1 := mulmod(var0, var0, R)
                    let var2 := mulmod(var1, var1, R)
                    let var3 := mulmod(var2, var0, R)
                    let var4 := mulmod(var3, 0x66f6f85d6f68a85ec10345351a23a3aaf07f38af8c952a7bceca70bd2af7ad5, R)
                    let a_4 := calldataload(0x0764)
                    let f_2 := calldataload(0x09c4)
                    let var5 := addmod(a_4, f_2, R)
                    let var6 := mulmod(var5, var5, R)
                    let var7 := mulmod(var6, var6, R)
                    let var8 := mulmod(var7, var5, R)
                    let var9 := mulmod(var8, 0x2b9d4b4110c9ae997782e1509b1d0fdb20a7c02bbd8bea7305462b9f8125b1e8, R)
                    let var10 := addmod(var4, var9, R)
                    let a_3_next_1 := calldataload(0x0784)
                    let var11 := sub(R, a_3_next_1)
                    let var12 := addmod(var10, var11, R)
                    let var13 := mulmod(f_9, var12, R)
                    quotient_eval_numer := var13
                }
                {
                    let f_9 := calldataload(0x0a64)
                    let a_3 := calldataload(0x0744)
                    let f_1 := calldataload(0x09a4)
                    let var0 := addmod(a_3, f_1, R)
                    let var1 := mulmod(var0, var0, R)
                    let var2 := mulmod(var1, var1, R)
                    let var3 := mulmod(var2, var0, R)
                    let var4 := mulmod(var3, 0xcc57cdbb08507d62bf67a4493cc262fb6c09d557013fff1f573f431221f8ff9, R)
                    let a_4 := calldataload(0x0764)
                    let f_2 := calldataload(0x09c4)
                    let var5 := addmod(a_4, f_2, R)
                    let var6 := mulmod(var5, var5, R)
                    let var7 := mulmod(var6, var6, R)
                    let var8 := mulmod(var7, var5, R)
                    let var9 := mulmod(var8, 0x1274e649a32ed355a31a6ed69724e1adade857e86eb5c3a121bcd147943203c8, R)
                    let var10 := addmod(var4, var9, R)
                    let a_4_next_1 := calldataload(0x07a4)
                    let var11 := sub(R, a_4_next_1)
                    let var12 := addmod(var10, var11, R)
                    let var13 := mulmod(f_9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_10 := calldataload(0x0a84)
                    let a_3 := calldataload(0x0744)
                    let f_1 := calldataload(0x09a4)
                    let var0 := addmod(a_3, f_1, R)
                    let var1 := mulmod(var0, var0, R)
                    let var2 := mulmod(var1, var1, R)
                    let var3 := mulmod(var2, var0, R)
                    let a_5 := calldataload(0x07c4)
                    let var4 := sub(R, a_5)
                    let var5 := addmod(var3, var4, R)
                    let var6 := mulmod(f_10, var5, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var6, r)
                }
                {
                    let f_10 := calldataload(0x0a84)
                    let a_5 := calldataload(0x07c4)
                    let var0 := mulmod(a_5, 0x66f6f85d6f68a85ec10345351a23a3aaf07f38af8c952a7bceca70bd2af7ad5, R)
                    let a_4 := calldataload(0x0764)
                    let f_2 := calldataload(0x09c4)
                    let var1 := addmod(a_4, f_2, R)
                    let var2 := mulmod(var1, 0x2b9d4b4110c9ae997782e1509b1d0fdb20a7c02bbd8bea7305462b9f8125b1e8, R)
                    let var3 := addmod(var0, var2, R)
                    let f_3 := calldataload(0x0964)
                    let var4 := addmod(var3, f_3, R)
                    let var5 := mulmod(var4, var4, R)
                    let var6 := mulmod(var5, var5, R)
                    let var7 := mulmod(var6, var4, R)
                    let a_3_next_1 := calldataload(0x0784)
                    let var8 := mulmod(a_3_next_1, 0x13abec390ada7f4370819ab1c7846f210554569d9b29d1ea8dbebd0fa8c53e66, R)
                    let a_4_next_1 := calldataload(0x07a4)
                    let var9 := mulmod(a_4_next_1, 0x1eb9e1dc19a33a624c9862a1d97d1510bd521ead5dfe0345aaf6185b1a1e60fe, R)
                    let var10 := addmod(var8, var9, R)
                    let var11 := sub(R, var10)
                    let var12 := addmod(var7, var11, R)
                    let var13 := mulmod(f_10, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_10 := calldataload(0x0a84)
                    let a_5 := calldataload(0x07c4)
                    let var0 := mulmod(a_5, 0xcc57cdbb08507d62bf67a4493cc262fb6c09d557013fff1f573f431221f8ff9, R)
                    let a_4 := calldataload(0x0764)
                    let f_2 := calldataload(0x09c4)
                    let var1 := addmod(a_4, f_2, R)
                    let var2 := mulmod(var1, 0x1274e649a32ed355a31a6ed69724e1adade857e86eb5c3a121bcd147943203c8, R)
                    let var3 := addmod(var0, var2, R)
                    let f_4 := calldataload(0x0984)
                    let var4 := addmod(var3, f_4, R)
                    let a_3_next_1 := calldataload(0x0784)
                    let var5 := mulmod(a_3_next_1, 0xfc1c9394db89bb2601abc49fdad4f038ce5169030a2ad69763f7875036bcb02, R)
                    let a_4_next_1 := calldataload(0x07a4)
                    let var6 := mulmod(a_4_next_1, 0x16a9e98c493a902b9502054edc03e7b22b7eac34345961bc8abced6bd147c8be, R)
                    let var7 := addmod(var5, var6, R)
                    let var8 := sub(R, var7)
                    let var9 := addmod(var4, var8, R)
                    let var10 := mulmod(f_10, var9, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var10, r)
                }
                {
                    let f_11 := calldataload(0x0aa4)
                    let var0 := 0x2
                    let var1 := sub(R, f_11)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_11, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_3_prev_1 := calldataload(0x0804)
                    let a_3 := calldataload(0x0744)
                    let var10 := addmod(a_3_prev_1, a_3, R)
                    let a_3_next_1 := calldataload(0x0784)
                    let var11 := sub(R, a_3_next_1)
                    let var12 := addmod(var10, var11, R)
                    let var13 := mulmod(var9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_11 := calldataload(0x0aa4)
                    let var0 := 0x2
                    let var1 := sub(R, f_11)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_11, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_4_prev_1 := calldataload(0x07e4)
                    let a_4_next_1 := calldataload(0x07a4)
                    let var10 := sub(R, a_4_next_1)
                    let var11 := addmod(a_4_prev_1, var10, R)
                    let var12 := mulmod(var9, var11, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var12, r)
                }
                {
                    let f_12 := calldataload(0x0ac4)
                    let var0 := 0x2
                    let var1 := sub(R, f_12)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_12, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_2 := calldataload(0x0724)
                    let a_0 := calldataload(0x06e4)
                    let a_1 := calldataload(0x0704)
                    let var10 := addmod(a_0, a_1, R)
                    let var11 := sub(R, var10)
                    let var12 := addmod(a_2, var11, R)
                    let var13 := mulmod(var9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_12 := calldataload(0x0ac4)
                    let var0 := 0x1
                    let var1 := sub(R, f_12)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_12, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_2 := calldataload(0x0724)
                    let a_0 := calldataload(0x06e4)
                    let a_1 := calldataload(0x0704)
                    let var10 := mulmod(a_0, a_1, R)
                    let var11 := sub(R, var10)
                    let var12 := addmod(a_2, var11, R)
                    let var13 := mulmod(var9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_12 := calldataload(0x0ac4)
                    let var0 := 0x1
                    let var1 := sub(R, f_12)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_12, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_2 := calldataload(0x0724)
                    let a_0 := calldataload(0x06e4)
                    let a_1 := calldataload(0x0704)
                    let var10 := sub(R, a_1)
                    let var11 := addmod(a_0, var10, R)
                    let var12 := sub(R, var11)
                    let var13 := addmod(a_2, var12, R)
                    let var14 := mulmod(var9, var13, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var14, r)
                }
                {
                    let f_13 := calldataload(0x0ae4)
                    let var0 := 0x2
                    let var1 := sub(R, f_13)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_13, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_2 := calldataload(0x0724)
                    let a_2_prev_1 := calldataload(0x0824)
                    let var10 := 0x0
                    let a_0 := calldataload(0x06e4)
                    let a_1 := calldataload(0x0704)
                    let var11 := mulmod(a_0, a_1, R)
                    let var12 := addmod(var10, var11, R)
                    let var13 := addmod(a_2_prev_1, var12, R)
                    let var14 := sub(R, var13)
                    let var15 := addmod(a_2, var14, R)
                    let var16 := mulmod(var9, var15, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var16, r)
                }
                {
                    let f_12 := calldataload(0x0ac4)
                    let var0 := 0x1
                    let var1 := sub(R, f_12)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_12, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x3
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_2 := calldataload(0x0724)
                    let var10 := 0x0
                    let a_0 := calldataload(0x06e4)
                    let a_1 := calldataload(0x0704)
                    let var11 := mulmod(a_0, a_1, R)
                    let var12 := addmod(var10, var11, R)
                    let var13 := sub(R, var12)
                    let var14 := addmod(a_2, var13, R)
                    let var15 := mulmod(var9, var14, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var15, r)
                }
                {
                    let f_11 := calldataload(0x0aa4)
                    let var0 := 0x1
                    let var1 := sub(R, f_11)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_11, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_2 := calldataload(0x0724)
                    let a_1 := calldataload(0x0704)
                    let var10 := mulmod(var0, a_1, R)
                    let var11 := sub(R, var10)
                    let var12 := addmod(a_2, var11, R)
                    let var13 := mulmod(var9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_11 := calldataload(0x0aa4)
                    let var0 := 0x1
                    let var1 := sub(R, f_11)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_11, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_2 := calldataload(0x0724)
                    let a_2_prev_1 := calldataload(0x0824)
                    let a_1 := calldataload(0x0704)
                    let var10 := mulmod(var0, a_1, R)
                    let var11 := mulmod(a_2_prev_1, var10, R)
                    let var12 := sub(R, var11)
                    let var13 := addmod(a_2, var12, R)
                    let var14 := mulmod(var9, var13, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var14, r)
                }
                {
                    let f_13 := calldataload(0x0ae4)
                    let var0 := 0x1
                    let var1 := sub(R, f_13)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_13, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_2 := calldataload(0x0724)
                    let var10 := 0x0
                    let a_1 := calldataload(0x0704)
                    let var11 := addmod(var10, a_1, R)
                    let var12 := sub(R, var11)
                    let var13 := addmod(a_2, var12, R)
                    let var14 := mulmod(var9, var13, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var14, r)
                }
                {
                    let f_11 := calldataload(0x0aa4)
                    let var0 := 0x1
                    let var1 := sub(R, f_11)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_11, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x3
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_2 := calldataload(0x0724)
                    let a_2_prev_1 := calldataload(0x0824)
                    let var10 := 0x0
                    let a_1 := calldataload(0x0704)
                    let var11 := addmod(var10, a_1, R)
                    let var12 := addmod(a_2_prev_1, var11, R)
                    let var13 := sub(R, var12)
                    let var14 := addmod(a_2, var13, R)
                    let var15 := mulmod(var9, var14, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var15, r)
                }
                {
                    let f_7 := calldataload(0x0a24)
                    let var0 := 0x0
                    let var1 := mulmod(f_7, var0, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var1, r)
                }
                {
                    let f_8 := calldataload(0x0a44)
                    let var0 := 0x0
                    let var1 := mulmod(f_8, var0, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var1, r)
                }
                {
                    let f_14 := calldataload(0x0b04)
                    let var0 := 0x2
                    let var1 := sub(R, f_14)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_14, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_10 := calldataload(0x08c4)
                    let a_10_prev_1 := calldataload(0x0904)
                    let var10 := 0x0
                    let a_7 := calldataload(0x0864)
                    let a_6 := calldataload(0x0844)
                    let var11 := mulmod(a_7, a_6, R)
                    let var12 := addmod(var10, var11, R)
                    let var13 := addmod(a_10_prev_1, var12, R)
                    let var14 := sub(R, var13)
                    let var15 := addmod(a_10, var14, R)
                    let var16 := mulmod(var9, var15, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var16, r)
                }
                {
                    let f_14 := calldataload(0x0b04)
                    let var0 := 0x1
                    let var1 := sub(R, f_14)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_14, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x3
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let a_11_prev_1 := calldataload(0x0924)
                    let var10 := 0x0
                    let a_8 := calldataload(0x0884)
                    let a_6 := calldataload(0x0844)
                    let var11 := mulmod(a_8, a_6, R)
                    let var12 := addmod(var10, var11, R)
                    let var13 := addmod(a_11_prev_1, var12, R)
                    let var14 := sub(R, var13)
                    let var15 := addmod(a_11, var14, R)
                    let var16 := mulmod(var9, var15, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var16, r)
                }
                {
                    let f_15 := calldataload(0x0b24)
                    let var0 := 0x1
                    let var1 := sub(R, f_15)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_15, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let a_11_prev_1 := calldataload(0x0924)
                    let var10 := 0x0
                    let a_9 := calldataload(0x08a4)
                    let a_8 := calldataload(0x0884)
                    let var11 := mulmod(a_9, a_8, R)
                    let var12 := addmod(var10, var11, R)
                    let var13 := addmod(a_11_prev_1, var12, R)
                    let var14 := sub(R, var13)
                    let var15 := addmod(a_11, var14, R)
                    let var16 := mulmod(var9, var15, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var16, r)
                }
                {
                    let f_13 := calldataload(0x0ae4)
                    let var0 := 0x1
                    let var1 := sub(R, f_13)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_13, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x3
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_10 := calldataload(0x08c4)
                    let var10 := 0x0
                    let a_7 := calldataload(0x0864)
                    let a_6 := calldataload(0x0844)
                    let var11 := mulmod(a_7, a_6, R)
                    let var12 := addmod(var10, var11, R)
                    let var13 := sub(R, var12)
                    let var14 := addmod(a_10, var13, R)
                    let var15 := mulmod(var9, var14, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var15, r)
                }
                {
                    let f_14 := calldataload(0x0b04)
                    let var0 := 0x1
                    let var1 := sub(R, f_14)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_14, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let var10 := 0x0
                    let a_8 := calldataload(0x0884)
                    let a_6 := calldataload(0x0844)
                    let var11 := mulmod(a_8, a_6, R)
                    let var12 := addmod(var10, var11, R)
                    let var13 := sub(R, var12)
                    let var14 := addmod(a_11, var13, R)
                    let var15 := mulmod(var9, var14, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var15, r)
                }
                {
                    let f_15 := calldataload(0x0b24)
                    let var0 := 0x1
                    let var1 := sub(R, f_15)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_15, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let var10 := 0x0
                    let a_9 := calldataload(0x08a4)
                    let a_8 := calldataload(0x0884)
                    let var11 := mulmod(a_9, a_8, R)
                    let var12 := addmod(var10, var11, R)
                    let var13 := sub(R, var12)
                    let var14 := addmod(a_11, var13, R)
                    let var15 := mulmod(var9, var14, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var15, r)
                }
                {
                    let f_16 := calldataload(0x0b44)
                    let var0 := 0x1
                    let var1 := sub(R, f_16)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_16, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_10 := calldataload(0x08c4)
                    let a_6 := calldataload(0x0844)
                    let var10 := mulmod(var0, a_6, R)
                    let var11 := sub(R, var10)
                    let var12 := addmod(a_10, var11, R)
                    let var13 := mulmod(var9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_17 := calldataload(0x0b64)
                    let var0 := 0x1
                    let var1 := sub(R, f_17)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_17, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let a_8 := calldataload(0x0884)
                    let var10 := mulmod(var0, a_8, R)
                    let var11 := sub(R, var10)
                    let var12 := addmod(a_11, var11, R)
                    let var13 := mulmod(var9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_16 := calldataload(0x0b44)
                    let var0 := 0x1
                    let var1 := sub(R, f_16)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_16, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_10 := calldataload(0x08c4)
                    let a_10_prev_1 := calldataload(0x0904)
                    let a_6 := calldataload(0x0844)
                    let var10 := mulmod(var0, a_6, R)
                    let var11 := mulmod(a_10_prev_1, var10, R)
                    let var12 := sub(R, var11)
                    let var13 := addmod(a_10, var12, R)
                    let var14 := mulmod(var9, var13, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var14, r)
                }
                {
                    let f_17 := calldataload(0x0b64)
                    let var0 := 0x1
                    let var1 := sub(R, f_17)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_17, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let a_11_prev_1 := calldataload(0x0924)
                    let a_8 := calldataload(0x0884)
                    let var10 := mulmod(var0, a_8, R)
                    let var11 := mulmod(a_11_prev_1, var10, R)
                    let var12 := sub(R, var11)
                    let var13 := addmod(a_11, var12, R)
                    let var14 := mulmod(var9, var13, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var14, r)
                }
                {
                    let f_13 := calldataload(0x0ae4)
                    let var0 := 0x1
                    let var1 := sub(R, f_13)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_13, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_10 := calldataload(0x08c4)
                    let a_6 := calldataload(0x0844)
                    let a_7 := calldataload(0x0864)
                    let var10 := mulmod(a_6, a_7, R)
                    let var11 := sub(R, var10)
                    let var12 := addmod(a_10, var11, R)
                    let var13 := mulmod(var9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_14 := calldataload(0x0b04)
                    let var0 := 0x1
                    let var1 := sub(R, f_14)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_14, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let a_6 := calldataload(0x0844)
                    let a_8 := calldataload(0x0884)
                    let var10 := mulmod(a_6, a_8, R)
                    let var11 := sub(R, var10)
                    let var12 := addmod(a_11, var11, R)
                    let var13 := mulmod(var9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_15 := calldataload(0x0b24)
                    let var0 := 0x2
                    let var1 := sub(R, f_15)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_15, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let a_8 := calldataload(0x0884)
                    let a_9 := calldataload(0x08a4)
                    let var10 := mulmod(a_8, a_9, R)
                    let var11 := sub(R, var10)
                    let var12 := addmod(a_11, var11, R)
                    let var13 := mulmod(var9, var12, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var13, r)
                }
                {
                    let f_15 := calldataload(0x0b24)
                    let var0 := 0x1
                    let var1 := sub(R, f_15)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_15, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x3
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_10 := calldataload(0x08c4)
                    let var10 := 0x0
                    let a_6 := calldataload(0x0844)
                    let var11 := addmod(var10, a_6, R)
                    let var12 := sub(R, var11)
                    let var13 := addmod(a_10, var12, R)
                    let var14 := mulmod(var9, var13, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var14, r)
                }
                {
                    let f_16 := calldataload(0x0b44)
                    let var0 := 0x1
                    let var1 := sub(R, f_16)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_16, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x3
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let var10 := 0x0
                    let a_8 := calldataload(0x0884)
                    let var11 := addmod(var10, a_8, R)
                    let var12 := sub(R, var11)
                    let var13 := addmod(a_11, var12, R)
                    let var14 := mulmod(var9, var13, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var14, r)
                }
                {
                    let f_16 := calldataload(0x0b44)
                    let var0 := 0x2
                    let var1 := sub(R, f_16)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_16, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_10 := calldataload(0x08c4)
                    let a_10_prev_1 := calldataload(0x0904)
                    let var10 := 0x0
                    let a_6 := calldataload(0x0844)
                    let var11 := addmod(var10, a_6, R)
                    let var12 := addmod(a_10_prev_1, var11, R)
                    let var13 := sub(R, var12)
                    let var14 := addmod(a_10, var13, R)
                    let var15 := mulmod(var9, var14, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var15, r)
                }
                {
                    let f_17 := calldataload(0x0b64)
                    let var0 := 0x2
                    let var1 := sub(R, f_17)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_17, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let a_11_prev_1 := calldataload(0x0924)
                    let var10 := 0x0
                    let a_8 := calldataload(0x0884)
                    let var11 := addmod(var10, a_8, R)
                    let var12 := addmod(a_11_prev_1, var11, R)
                    let var13 := sub(R, var12)
                    let var14 := addmod(a_11, var13, R)
                    let var15 := mulmod(var9, var14, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var15, r)
                }
                {
                    let f_17 := calldataload(0x0b64)
                    let var0 := 0x1
                    let var1 := sub(R, f_17)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_17, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x3
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let a_11 := calldataload(0x08e4)
                    let var10 := 0x0
                    let c_0 := mload(0x1480)
                    let var11 := mulmod(var0, c_0, R)
                    let a_6 := calldataload(0x0844)
                    let var12 := mulmod(var11, a_6, R)
                    let var13 := addmod(var10, var12, R)
                    let var14 := addmod(var10, var13, R)
                    let var15 := sub(R, var14)
                    let var16 := addmod(a_11, var15, R)
                    let var17 := mulmod(var9, var16, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var17, r)
                }
                {
                    let f_18 := calldataload(0x0b84)
                    let var0 := 0x2
                    let var1 := sub(R, f_18)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_18, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let var10 := 0x5
                    let var11 := addmod(var10, var1, R)
                    let var12 := mulmod(var9, var11, R)
                    let a_11 := calldataload(0x08e4)
                    let a_11_prev_1 := calldataload(0x0924)
                    let var13 := 0x1
                    let c_0 := mload(0x1480)
                    let var14 := mulmod(var13, c_0, R)
                    let var15 := mulmod(a_11_prev_1, var14, R)
                    let var16 := 0x0
                    let a_6 := calldataload(0x0844)
                    let var17 := mulmod(var14, a_6, R)
                    let var18 := addmod(var16, var17, R)
                    let var19 := addmod(var15, var18, R)
                    let var20 := sub(R, var19)
                    let var21 := addmod(a_11, var20, R)
                    let var22 := mulmod(var12, var21, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var22, r)
                }
                {
                    let f_18 := calldataload(0x0b84)
                    let var0 := 0x1
                    let var1 := sub(R, f_18)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_18, var2, R)
                    let var4 := 0x3
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let var10 := 0x5
                    let var11 := addmod(var10, var1, R)
                    let var12 := mulmod(var9, var11, R)
                    let a_11 := calldataload(0x08e4)
                    let var13 := 0x0
                    let c_0 := mload(0x1480)
                    let var14 := mulmod(var0, c_0, R)
                    let a_8 := calldataload(0x0884)
                    let var15 := mulmod(var14, a_8, R)
                    let var16 := addmod(var13, var15, R)
                    let var17 := addmod(var13, var16, R)
                    let var18 := sub(R, var17)
                    let var19 := addmod(a_11, var18, R)
                    let var20 := mulmod(var12, var19, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var20, r)
                }
                {
                    let f_18 := calldataload(0x0b84)
                    let var0 := 0x1
                    let var1 := sub(R, f_18)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_18, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x4
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let var10 := 0x5
                    let var11 := addmod(var10, var1, R)
                    let var12 := mulmod(var9, var11, R)
                    let a_11 := calldataload(0x08e4)
                    let a_11_prev_1 := calldataload(0x0924)
                    let c_0 := mload(0x1480)
                    let var13 := mulmod(var0, c_0, R)
                    let var14 := mulmod(a_11_prev_1, var13, R)
                    let var15 := 0x0
                    let a_8 := calldataload(0x0884)
                    let var16 := mulmod(var13, a_8, R)
                    let var17 := addmod(var15, var16, R)
                    let var18 := addmod(var14, var17, R)
                    let var19 := sub(R, var18)
                    let var20 := addmod(a_11, var19, R)
                    let var21 := mulmod(var12, var20, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var21, r)
                }
                {
                    let f_18 := calldataload(0x0b84)
                    let var0 := 0x1
                    let var1 := sub(R, f_18)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_18, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x3
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let var10 := 0x5
                    let var11 := addmod(var10, var1, R)
                    let var12 := mulmod(var9, var11, R)
                    let a_11 := calldataload(0x08e4)
                    let var13 := 0x0
                    let c_1 := mload(0x14a0)
                    let var14 := mulmod(var0, c_1, R)
                    let a_6 := calldataload(0x0844)
                    let var15 := mulmod(var14, a_6, R)
                    let var16 := addmod(var13, var15, R)
                    let var17 := addmod(var13, var16, R)
                    let var18 := sub(R, var17)
                    let var19 := addmod(a_11, var18, R)
                    let var20 := mulmod(var12, var19, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var20, r)
                }
                {
                    let f_18 := calldataload(0x0b84)
                    let var0 := 0x1
                    let var1 := sub(R, f_18)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_18, var2, R)
                    let var4 := 0x2
                    let var5 := addmod(var4, var1, R)
                    let var6 := mulmod(var3, var5, R)
                    let var7 := 0x3
                    let var8 := addmod(var7, var1, R)
                    let var9 := mulmod(var6, var8, R)
                    let var10 := 0x4
                    let var11 := addmod(var10, var1, R)
                    let var12 := mulmod(var9, var11, R)
                    let a_11 := calldataload(0x08e4)
                    let a_11_prev_1 := calldataload(0x0924)
                    let c_1 := mload(0x14a0)
                    let var13 := mulmod(var0, c_1, R)
                    let var14 := mulmod(a_11_prev_1, var13, R)
                    let var15 := 0x0
                    let a_6 := calldataload(0x0844)
                    let var16 := mulmod(var13, a_6, R)
                    let var17 := addmod(var15, var16, R)
                    let var18 := addmod(var14, var17, R)
                    let var19 := sub(R, var18)
                    let var20 := addmod(a_11, var19, R)
                    let var21 := mulmod(var12, var20, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var21, r)
                }
                {
                    let f_19 := calldataload(0x0ba4)
                    let var0 := 0x2
                    let var1 := sub(R, f_19)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_19, var2, R)
                    let a_11 := calldataload(0x08e4)
                    let var4 := 0x0
                    let var5 := 0x1
                    let c_1 := mload(0x14a0)
                    let var6 := mulmod(var5, c_1, R)
                    let a_8 := calldataload(0x0884)
                    let var7 := mulmod(var6, a_8, R)
                    let var8 := addmod(var4, var7, R)
                    let var9 := addmod(var4, var8, R)
                    let var10 := sub(R, var9)
                    let var11 := addmod(a_11, var10, R)
                    let var12 := mulmod(var3, var11, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var12, r)
                }
                {
                    let f_19 := calldataload(0x0ba4)
                    let var0 := 0x1
                    let var1 := sub(R, f_19)
                    let var2 := addmod(var0, var1, R)
                    let var3 := mulmod(f_19, var2, R)
                    let a_11 := calldataload(0x08e4)
                    let a_11_prev_1 := calldataload(0x0924)
                    let c_1 := mload(0x14a0)
                    let var4 := mulmod(var0, c_1, R)
                    let var5 := mulmod(a_11_prev_1, var4, R)
                    let var6 := 0x0
                    let a_8 := calldataload(0x0884)
                    let var7 := mulmod(var4, a_8, R)
                    let var8 := addmod(var6, var7, R)
                    let var9 := addmod(var5, var8, R)
                    let var10 := sub(R, var9)
                    let var11 := addmod(a_11, var10, R)
                    let var12 := mulmod(var3, var11, R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), var12, r)
                }
                {
                    let l_0 := mload(L_0_MPTR)
                    let eval := addmod(l_0, sub(R, mulmod(l_0, calldataload(0x0dc4), R)), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let perm_z_last := calldataload(0x0ee4)
                    let eval := mulmod(mload(L_LAST_MPTR), addmod(mulmod(perm_z_last, perm_z_last, R), sub(R, perm_z_last), R), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let eval := mulmod(mload(L_0_MPTR), addmod(calldataload(0x0e24), sub(R, calldataload(0x0e04)), R), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let eval := mulmod(mload(L_0_MPTR), addmod(calldataload(0x0e84), sub(R, calldataload(0x0e64)), R), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let eval := mulmod(mload(L_0_MPTR), addmod(calldataload(0x0ee4), sub(R, calldataload(0x0ec4)), R), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let gamma := mload(GAMMA_MPTR)
                    let beta := mload(BETA_MPTR)
                    let lhs := calldataload(0x0de4)
                    let rhs := calldataload(0x0dc4)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x06e4), mulmod(beta, calldataload(0x0be4), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0704), mulmod(beta, calldataload(0x0c04), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0724), mulmod(beta, calldataload(0x0c24), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0944), mulmod(beta, calldataload(0x0c44), R), R), gamma, R), R)
                    mstore(0x00, mulmod(beta, mload(X_MPTR), R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x06e4), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0704), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0724), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0944), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    let left_sub_right := addmod(lhs, sub(R, rhs), R)
                    let eval := addmod(left_sub_right, sub(R, mulmod(left_sub_right, addmod(mload(L_LAST_MPTR), mload(L_BLIND_MPTR), R), R)), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let gamma := mload(GAMMA_MPTR)
                    let beta := mload(BETA_MPTR)
                    let lhs := calldataload(0x0e44)
                    let rhs := calldataload(0x0e24)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0744), mulmod(beta, calldataload(0x0c64), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0764), mulmod(beta, calldataload(0x0c84), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0964), mulmod(beta, calldataload(0x0ca4), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(mload(INSTANCE_EVAL_MPTR), mulmod(beta, calldataload(0x0cc4), R), R), gamma, R), R)
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0744), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0764), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0964), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(mload(INSTANCE_EVAL_MPTR), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    let left_sub_right := addmod(lhs, sub(R, rhs), R)
                    let eval := addmod(left_sub_right, sub(R, mulmod(left_sub_right, addmod(mload(L_LAST_MPTR), mload(L_BLIND_MPTR), R), R)), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let gamma := mload(GAMMA_MPTR)
                    let beta := mload(BETA_MPTR)
                    let lhs := calldataload(0x0ea4)
                    let rhs := calldataload(0x0e84)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0984), mulmod(beta, calldataload(0x0ce4), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0844), mulmod(beta, calldataload(0x0d04), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0864), mulmod(beta, calldataload(0x0d24), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x0884), mulmod(beta, calldataload(0x0d44), R), R), gamma, R), R)
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0984), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0844), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0864), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x0884), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    let left_sub_right := addmod(lhs, sub(R, rhs), R)
                    let eval := addmod(left_sub_right, sub(R, mulmod(left_sub_right, addmod(mload(L_LAST_MPTR), mload(L_BLIND_MPTR), R), R)), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let gamma := mload(GAMMA_MPTR)
                    let beta := mload(BETA_MPTR)
                    let lhs := calldataload(0x0f04)
                    let rhs := calldataload(0x0ee4)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x08a4), mulmod(beta, calldataload(0x0d64), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x08c4), mulmod(beta, calldataload(0x0d84), R), R), gamma, R), R)
                    lhs := mulmod(lhs, addmod(addmod(calldataload(0x08e4), mulmod(beta, calldataload(0x0da4), R), R), gamma, R), R)
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x08a4), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x08c4), mload(0x00), R), gamma, R), R)
                    mstore(0x00, mulmod(mload(0x00), DELTA, R))
                    rhs := mulmod(rhs, addmod(addmod(calldataload(0x08e4), mload(0x00), R), gamma, R), R)
                    let left_sub_right := addmod(lhs, sub(R, rhs), R)
                    let eval := addmod(left_sub_right, sub(R, mulmod(left_sub_right, addmod(mload(L_LAST_MPTR), mload(L_BLIND_MPTR), R), R)), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let l_0 := mload(L_0_MPTR)
                    let eval := mulmod(l_0, calldataload(0x0f24), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let l_last := mload(L_LAST_MPTR)
                    let eval := mulmod(l_last, calldataload(0x0f24), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let theta := mload(THETA_MPTR)
                    let beta := mload(BETA_MPTR)
                    let table
                    {
                        let f_5 := calldataload(0x09e4)
                        table := f_5
                        table := addmod(table, beta, R)
                    }
                    let input_0
                    {
                        let f_7 := calldataload(0x0a24)
                        let var0 := 0x1
                        let var1 := mulmod(f_7, var0, R)
                        let a_0 := calldataload(0x06e4)
                        let var2 := mulmod(var1, a_0, R)
                        let var3 := sub(R, var1)
                        let var4 := addmod(var0, var3, R)
                        let var5 := 0x0
                        let var6 := mulmod(var4, var5, R)
                        let var7 := addmod(var2, var6, R)
                        input_0 := var7
                        input_0 := addmod(input_0, beta, R)
                    }
                    let lhs
                    let rhs
                    rhs := table
                    {
                        let tmp := input_0
                        rhs := addmod(rhs, sub(R, mulmod(calldataload(0x0f64), tmp, R)), R)
                        lhs := mulmod(mulmod(table, tmp, R), addmod(calldataload(0x0f44), sub(R, calldataload(0x0f24)), R), R)
                    }
                    let eval := mulmod(addmod(1, sub(R, addmod(mload(L_BLIND_MPTR), mload(L_LAST_MPTR), R)), R), addmod(lhs, sub(R, rhs), R), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let l_0 := mload(L_0_MPTR)
                    let eval := mulmod(l_0, calldataload(0x0f84), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let l_last := mload(L_LAST_MPTR)
                    let eval := mulmod(l_last, calldataload(0x0f84), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }
                {
                    let theta := mload(THETA_MPTR)
                    let beta := mload(BETA_MPTR)
                    let table
                    {
                        let f_6 := calldataload(0x0a04)
                        table := f_6
                        table := addmod(table, beta, R)
                    }
                    let input_0
                    {
                        let f_8 := calldataload(0x0a44)
                        let var0 := 0x1
                        let var1 := mulmod(f_8, var0, R)
                        let a_0 := calldataload(0x06e4)
                        let var2 := mulmod(var1, a_0, R)
                        let var3 := sub(R, var1)
                        let var4 := addmod(var0, var3, R)
                        let var5 := 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000
                        let var6 := mulmod(var4, var5, R)
                        let var7 := addmod(var2, var6, R)
                        input_0 := var7
                        input_0 := addmod(input_0, beta, R)
                    }
                    let lhs
                    let rhs
                    rhs := table
                    {
                        let tmp := input_0
                        rhs := addmod(rhs, sub(R, mulmod(calldataload(0x0fc4), tmp, R)), R)
                        lhs := mulmod(mulmod(table, tmp, R), addmod(calldataload(0x0fa4), sub(R, calldataload(0x0f84)), R), R)
                    }
                    let eval := mulmod(addmod(1, sub(R, addmod(mload(L_BLIND_MPTR), mload(L_LAST_MPTR), R)), R), addmod(lhs, sub(R, rhs), R), R)
                    quotient_eval_numer := addmod(mulmod(quotient_eval_numer, y, r), eval, r)
                }

                pop(y)

                let quotient_eval := mulmod(quotient_eval_numer, mload(X_N_MINUS_1_INV_MPTR), r)
                mstore(QUOTIENT_EVAL_MPTR, quotient_eval)
            }

            // Compute quotient commitment
            {
                mstore(0x00, calldataload(LAST_QUOTIENT_X_CPTR))
                mstore(0x20, calldataload(add(LAST_QUOTIENT_X_CPTR, 0x20)))
                let x_n := mload(X_N_MPTR)
                for
                    {
                        let cptr := sub(LAST_QUOTIENT_X_CPTR, 0x40)
                        let cptr_end := sub(FIRST_QUOTIENT_X_CPTR, 0x40)
                    }
                    lt(cptr_end, cptr)
                    {}
                {
                    success := ec_mul_acc(success, x_n)
                    success := ec_add_acc(success, calldataload(cptr), calldataload(add(cptr, 0x20)))
                    cptr := sub(cptr, 0x40)
                }
                mstore(QUOTIENT_X_MPTR, mload(0x00))
                mstore(QUOTIENT_Y_MPTR, mload(0x20))
            }

            // Compute pairing lhs and rhs
            {
                {
                    let x := mload(X_MPTR)
                    let omega := mload(OMEGA_MPTR)
                    let omega_inv := mload(OMEGA_INV_MPTR)
                    let x_pow_of_omega := mulmod(x, omega, R)
                    mstore(0x0420, x_pow_of_omega)
                    mstore(0x0400, x)
                    x_pow_of_omega := mulmod(x, omega_inv, R)
                    mstore(0x03e0, x_pow_of_omega)
                    x_pow_of_omega := mulmod(x_pow_of_omega, omega_inv, R)
                    x_pow_of_omega := mulmod(x_pow_of_omega, omega_inv, R)
                    x_pow_of_omega := mulmod(x_pow_of_omega, omega_inv, R)
                    x_pow_of_omega := mulmod(x_pow_of_omega, omega_inv, R)
                    x_pow_of_omega := mulmod(x_pow_of_omega, omega_inv, R)
                    mstore(0x03c0, x_pow_of_omega)
                }
                {
                    let mu := mload(MU_MPTR)
                    for
                        {
                            let mptr := 0x0440
                            let mptr_end := 0x04c0
                            let point_mptr := 0x03c0
                        }
                        lt(mptr, mptr_end)
                        {
                            mptr := add(mptr, 0x20)
                            point_mptr := add(point_mptr, 0x20)
                        }
                    {
                        mstore(mptr, addmod(mu, sub(R, mload(point_mptr)), R))
                    }
                    let s
                    s := mload(0x0480)
                    mstore(0x04c0, s)
                    let diff
                    diff := mload(0x0440)
                    diff := mulmod(diff, mload(0x0460), R)
                    diff := mulmod(diff, mload(0x04a0), R)
                    mstore(0x04e0, diff)
                    mstore(0x00, diff)
                    diff := mload(0x0440)
                    diff := mulmod(diff, mload(0x04a0), R)
                    mstore(0x0500, diff)
                    diff := mload(0x0440)
                    mstore(0x0520, diff)
                    diff := mload(0x0460)
                    mstore(0x0540, diff)
                    diff := mload(0x0440)
                    diff := mulmod(diff, mload(0x0460), R)
                    mstore(0x0560, diff)
                }
                {
                    let point_2 := mload(0x0400)
                    let coeff
                    coeff := 1
                    coeff := mulmod(coeff, mload(0x0480), R)
                    mstore(0x20, coeff)
                }
                {
                    let point_1 := mload(0x03e0)
                    let point_2 := mload(0x0400)
                    let coeff
                    coeff := addmod(point_1, sub(R, point_2), R)
                    coeff := mulmod(coeff, mload(0x0460), R)
                    mstore(0x40, coeff)
                    coeff := addmod(point_2, sub(R, point_1), R)
                    coeff := mulmod(coeff, mload(0x0480), R)
                    mstore(0x60, coeff)
                }
                {
                    let point_1 := mload(0x03e0)
                    let point_2 := mload(0x0400)
                    let point_3 := mload(0x0420)
                    let coeff
                    coeff := addmod(point_1, sub(R, point_2), R)
                    coeff := mulmod(coeff, addmod(point_1, sub(R, point_3), R), R)
                    coeff := mulmod(coeff, mload(0x0460), R)
                    mstore(0x80, coeff)
                    coeff := addmod(point_2, sub(R, point_1), R)
                    coeff := mulmod(coeff, addmod(point_2, sub(R, point_3), R), R)
                    coeff := mulmod(coeff, mload(0x0480), R)
                    mstore(0xa0, coeff)
                    coeff := addmod(point_3, sub(R, point_1), R)
                    coeff := mulmod(coeff, addmod(point_3, sub(R, point_2), R), R)
                    coeff := mulmod(coeff, mload(0x04a0), R)
                    mstore(0xc0, coeff)
                }
                {
                    let point_0 := mload(0x03c0)
                    let point_2 := mload(0x0400)
                    let point_3 := mload(0x0420)
                    let coeff
                    coeff := addmod(point_0, sub(R, point_2), R)
                    coeff := mulmod(coeff, addmod(point_0, sub(R, point_3), R), R)
                    coeff := mulmod(coeff, mload(0x0440), R)
                    mstore(0xe0, coeff)
                    coeff := addmod(point_2, sub(R, point_0), R)
                    coeff := mulmod(coeff, addmod(point_2, sub(R, point_3), R), R)
                    coeff := mulmod(coeff, mload(0x0480), R)
                    mstore(0x0100, coeff)
                    coeff := addmod(point_3, sub(R, point_0), R)
                    coeff := mulmod(coeff, addmod(point_3, sub(R, point_2), R), R)
                    coeff := mulmod(coeff, mload(0x04a0), R)
                    mstore(0x0120, coeff)
                }
                {
                    let point_2 := mload(0x0400)
                    let point_3 := mload(0x0420)
                    let coeff
                    coeff := addmod(point_2, sub(R, point_3), R)
                    coeff := mulmod(coeff, mload(0x0480), R)
                    mstore(0x0140, coeff)
                    coeff := addmod(point_3, sub(R, point_2), R)
                    coeff := mulmod(coeff, mload(0x04a0), R)
                    mstore(0x0160, coeff)
                }
                {
                    success := batch_invert(success, 0, 0x0180)
                    let diff_0_inv := mload(0x00)
                    mstore(0x04e0, diff_0_inv)
                    for
                        {
                            let mptr := 0x0500
                            let mptr_end := 0x0580
                        }
                        lt(mptr, mptr_end)
                        { mptr := add(mptr, 0x20) }
                    {
                        mstore(mptr, mulmod(mload(mptr), diff_0_inv, R))
                    }
                }
                {
                    let coeff := mload(0x20)
                    let zeta := mload(ZETA_MPTR)
                    let r_eval := 0
                    r_eval := addmod(r_eval, mulmod(coeff, calldataload(0x0bc4), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(coeff, mload(QUOTIENT_EVAL_MPTR), R), R)
                    for
                        {
                            let mptr := 0x0da4
                            let mptr_end := 0x0bc4
                        }
                        lt(mptr_end, mptr)
                        { mptr := sub(mptr, 0x20) }
                    {
                        r_eval := addmod(mulmod(r_eval, zeta, R), mulmod(coeff, calldataload(mptr), R), R)
                    }
                    for
                        {
                            let mptr := 0x0ba4
                            let mptr_end := 0x0924
                        }
                        lt(mptr_end, mptr)
                        { mptr := sub(mptr, 0x20) }
                    {
                        r_eval := addmod(mulmod(r_eval, zeta, R), mulmod(coeff, calldataload(mptr), R), R)
                    }
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(coeff, calldataload(0x0fc4), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(coeff, calldataload(0x0f64), R), R)
                    for
                        {
                            let mptr := 0x08a4
                            let mptr_end := 0x0824
                        }
                        lt(mptr_end, mptr)
                        { mptr := sub(mptr, 0x20) }
                    {
                        r_eval := addmod(mulmod(r_eval, zeta, R), mulmod(coeff, calldataload(mptr), R), R)
                    }
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(coeff, calldataload(0x07c4), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(coeff, calldataload(0x0704), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(coeff, calldataload(0x06e4), R), R)
                    mstore(0x0580, r_eval)
                }
                {
                    let zeta := mload(ZETA_MPTR)
                    let r_eval := 0
                    r_eval := addmod(r_eval, mulmod(mload(0x40), calldataload(0x0924), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x60), calldataload(0x08e4), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(mload(0x40), calldataload(0x0904), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x60), calldataload(0x08c4), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(mload(0x40), calldataload(0x0824), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x60), calldataload(0x0724), R), R)
                    r_eval := mulmod(r_eval, mload(0x0500), R)
                    mstore(0x05a0, r_eval)
                }
                {
                    let zeta := mload(ZETA_MPTR)
                    let r_eval := 0
                    r_eval := addmod(r_eval, mulmod(mload(0x80), calldataload(0x07e4), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0xa0), calldataload(0x0764), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0xc0), calldataload(0x07a4), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(mload(0x80), calldataload(0x0804), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0xa0), calldataload(0x0744), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0xc0), calldataload(0x0784), R), R)
                    r_eval := mulmod(r_eval, mload(0x0520), R)
                    mstore(0x05c0, r_eval)
                }
                {
                    let zeta := mload(ZETA_MPTR)
                    let r_eval := 0
                    r_eval := addmod(r_eval, mulmod(mload(0xe0), calldataload(0x0ec4), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0100), calldataload(0x0e84), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0120), calldataload(0x0ea4), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(mload(0xe0), calldataload(0x0e64), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0100), calldataload(0x0e24), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0120), calldataload(0x0e44), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(mload(0xe0), calldataload(0x0e04), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0100), calldataload(0x0dc4), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0120), calldataload(0x0de4), R), R)
                    r_eval := mulmod(r_eval, mload(0x0540), R)
                    mstore(0x05e0, r_eval)
                }
                {
                    let zeta := mload(ZETA_MPTR)
                    let r_eval := 0
                    r_eval := addmod(r_eval, mulmod(mload(0x0140), calldataload(0x0f84), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0160), calldataload(0x0fa4), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0140), calldataload(0x0f24), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0160), calldataload(0x0f44), R), R)
                    r_eval := mulmod(r_eval, zeta, R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0140), calldataload(0x0ee4), R), R)
                    r_eval := addmod(r_eval, mulmod(mload(0x0160), calldataload(0x0f04), R), R)
                    r_eval := mulmod(r_eval, mload(0x0560), R)
                    mstore(0x0600, r_eval)
                }
                {
                    let sum := mload(0x20)
                    mstore(0x0620, sum)
                }
                {
                    let sum := mload(0x40)
                    sum := addmod(sum, mload(0x60), R)
                    mstore(0x0640, sum)
                }
                {
                    let sum := mload(0x80)
                    sum := addmod(sum, mload(0xa0), R)
                    sum := addmod(sum, mload(0xc0), R)
                    mstore(0x0660, sum)
                }
                {
                    let sum := mload(0xe0)
                    sum := addmod(sum, mload(0x0100), R)
                    sum := addmod(sum, mload(0x0120), R)
                    mstore(0x0680, sum)
                }
                {
                    let sum := mload(0x0140)
                    sum := addmod(sum, mload(0x0160), R)
                    mstore(0x06a0, sum)
                }
                {
                    for
                        {
                            let mptr := 0x00
                            let mptr_end := 0xa0
                            let sum_mptr := 0x0620
                        }
                        lt(mptr, mptr_end)
                        {
                            mptr := add(mptr, 0x20)
                            sum_mptr := add(sum_mptr, 0x20)
                        }
                    {
                        mstore(mptr, mload(sum_mptr))
                    }
                    success := batch_invert(success, 0, 0xa0)
                    let r_eval := mulmod(mload(0x80), mload(0x0600), R)
                    for
                        {
                            let sum_inv_mptr := 0x60
                            let sum_inv_mptr_end := 0xa0
                            let r_eval_mptr := 0x05e0
                        }
                        lt(sum_inv_mptr, sum_inv_mptr_end)
                        {
                            sum_inv_mptr := sub(sum_inv_mptr, 0x20)
                            r_eval_mptr := sub(r_eval_mptr, 0x20)
                        }
                    {
                        r_eval := mulmod(r_eval, mload(NU_MPTR), R)
                        r_eval := addmod(r_eval, mulmod(mload(sum_inv_mptr), mload(r_eval_mptr), R), R)
                    }
                    mstore(R_EVAL_MPTR, r_eval)
                }
                {
                    let nu := mload(NU_MPTR)
                    mstore(0x00, calldataload(0x0564))
                    mstore(0x20, calldataload(0x0584))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, mload(QUOTIENT_X_MPTR), mload(QUOTIENT_Y_MPTR))
                    for
                        {
                            let mptr := 0x1440
                            let mptr_end := 0x0cc0
                        }
                        lt(mptr_end, mptr)
                        { mptr := sub(mptr, 0x40) }
                    {
                        success := ec_mul_acc(success, mload(ZETA_MPTR))
                        success := ec_add_acc(success, mload(mptr), mload(add(mptr, 0x20)))
                    }
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, mload(0x0c40), mload(0x0c60))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, mload(0x0c00), mload(0x0c20))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, mload(0x0cc0), mload(0x0ce0))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, mload(0x0c80), mload(0x0ca0))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, mload(0x0bc0), mload(0x0be0))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, calldataload(0x03a4), calldataload(0x03c4))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, calldataload(0x0364), calldataload(0x0384))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, calldataload(0x02e4), calldataload(0x0304))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, calldataload(0x02a4), calldataload(0x02c4))
                    for
                        {
                            let mptr := 0x0224
                            let mptr_end := 0x0164
                        }
                        lt(mptr_end, mptr)
                        { mptr := sub(mptr, 0x40) }
                    {
                        success := ec_mul_acc(success, mload(ZETA_MPTR))
                        success := ec_add_acc(success, calldataload(mptr), calldataload(add(mptr, 0x20)))
                    }
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, calldataload(0xa4), calldataload(0xc4))
                    success := ec_mul_acc(success, mload(ZETA_MPTR))
                    success := ec_add_acc(success, calldataload(0x64), calldataload(0x84))
                    mstore(0x80, calldataload(0x0324))
                    mstore(0xa0, calldataload(0x0344))
                    success := ec_mul_tmp(success, mload(ZETA_MPTR))
                    success := ec_add_tmp(success, calldataload(0x0264), calldataload(0x0284))
                    success := ec_mul_tmp(success, mload(ZETA_MPTR))
                    success := ec_add_tmp(success, calldataload(0xe4), calldataload(0x0104))
                    success := ec_mul_tmp(success, mulmod(nu, mload(0x0500), R))
                    success := ec_add_acc(success, mload(0x80), mload(0xa0))
                    nu := mulmod(nu, mload(NU_MPTR), R)
                    mstore(0x80, calldataload(0x0164))
                    mstore(0xa0, calldataload(0x0184))
                    success := ec_mul_tmp(success, mload(ZETA_MPTR))
                    success := ec_add_tmp(success, calldataload(0x0124), calldataload(0x0144))
                    success := ec_mul_tmp(success, mulmod(nu, mload(0x0520), R))
                    success := ec_add_acc(success, mload(0x80), mload(0xa0))
                    nu := mulmod(nu, mload(NU_MPTR), R)
                    mstore(0x80, calldataload(0x0464))
                    mstore(0xa0, calldataload(0x0484))
                    success := ec_mul_tmp(success, mload(ZETA_MPTR))
                    success := ec_add_tmp(success, calldataload(0x0424), calldataload(0x0444))
                    success := ec_mul_tmp(success, mload(ZETA_MPTR))
                    success := ec_add_tmp(success, calldataload(0x03e4), calldataload(0x0404))
                    success := ec_mul_tmp(success, mulmod(nu, mload(0x0540), R))
                    success := ec_add_acc(success, mload(0x80), mload(0xa0))
                    nu := mulmod(nu, mload(NU_MPTR), R)
                    mstore(0x80, calldataload(0x0524))
                    mstore(0xa0, calldataload(0x0544))
                    success := ec_mul_tmp(success, mload(ZETA_MPTR))
                    success := ec_add_tmp(success, calldataload(0x04e4), calldataload(0x0504))
                    success := ec_mul_tmp(success, mload(ZETA_MPTR))
                    success := ec_add_tmp(success, calldataload(0x04a4), calldataload(0x04c4))
                    success := ec_mul_tmp(success, mulmod(nu, mload(0x0560), R))
                    success := ec_add_acc(success, mload(0x80), mload(0xa0))
                    mstore(0x80, mload(G1_X_MPTR))
                    mstore(0xa0, mload(G1_Y_MPTR))
                    success := ec_mul_tmp(success, sub(R, mload(R_EVAL_MPTR)))
                    success := ec_add_acc(success, mload(0x80), mload(0xa0))
                    mstore(0x80, calldataload(0x0fe4))
                    mstore(0xa0, calldataload(0x1004))
                    success := ec_mul_tmp(success, sub(R, mload(0x04c0)))
                    success := ec_add_acc(success, mload(0x80), mload(0xa0))
                    mstore(0x80, calldataload(0x1024))
                    mstore(0xa0, calldataload(0x1044))
                    success := ec_mul_tmp(success, mload(MU_MPTR))
                    success := ec_add_acc(success, mload(0x80), mload(0xa0))
                    mstore(PAIRING_LHS_X_MPTR, mload(0x00))
                    mstore(PAIRING_LHS_Y_MPTR, mload(0x20))
                    mstore(PAIRING_RHS_X_MPTR, calldataload(0x1024))
                    mstore(PAIRING_RHS_Y_MPTR, calldataload(0x1044))
                }
            }

            // Random linear combine with accumulator
            if mload(HAS_ACCUMULATOR_MPTR) {
                mstore(0x00, mload(ACC_LHS_X_MPTR))
                mstore(0x20, mload(ACC_LHS_Y_MPTR))
                mstore(0x40, mload(ACC_RHS_X_MPTR))
                mstore(0x60, mload(ACC_RHS_Y_MPTR))
                mstore(0x80, mload(PAIRING_LHS_X_MPTR))
                mstore(0xa0, mload(PAIRING_LHS_Y_MPTR))
                mstore(0xc0, mload(PAIRING_RHS_X_MPTR))
                mstore(0xe0, mload(PAIRING_RHS_Y_MPTR))
                let challenge := mod(keccak256(0x00, 0x100), r)

                // [pairing_lhs] += challenge * [acc_lhs]
                success := ec_mul_acc(success, challenge)
                success := ec_add_acc(success, mload(PAIRING_LHS_X_MPTR), mload(PAIRING_LHS_Y_MPTR))
                mstore(PAIRING_LHS_X_MPTR, mload(0x00))
                mstore(PAIRING_LHS_Y_MPTR, mload(0x20))

                // [pairing_rhs] += challenge * [acc_rhs]
                mstore(0x00, mload(ACC_RHS_X_MPTR))
                mstore(0x20, mload(ACC_RHS_Y_MPTR))
                success := ec_mul_acc(success, challenge)
                success := ec_add_acc(success, mload(PAIRING_RHS_X_MPTR), mload(PAIRING_RHS_Y_MPTR))
                mstore(PAIRING_RHS_X_MPTR, mload(0x00))
                mstore(PAIRING_RHS_Y_MPTR, mload(0x20))
            }

            // Perform pairing
            success := ec_pairing(
                success,
                mload(PAIRING_LHS_X_MPTR),
                mload(PAIRING_LHS_Y_MPTR),
                mload(PAIRING_RHS_X_MPTR),
                mload(PAIRING_RHS_Y_MPTR)
            )

            // Revert if anything fails
            if iszero(success) {
                revert(0x00, 0x00)
            }

            // Return 1 as result if everything succeeds
            mstore(0x00, 1)
            return(0x00, 0x20)
        }
    }
}