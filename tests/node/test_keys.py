"""Signing keys: encrypted keystore with a password from env or file; dev keys only by flag."""

from __future__ import annotations

import os
import stat

import pytest
from eth_account import Account

from oracle_node.exceptions import KeystoreError, KeystoreExistsError
from oracle_node.keys import load_signer, write_keystore
from oracle_node.settings import KeySettings

KEY = "0x" + "42" * 32


@pytest.fixture
def keystore(tmp_path):
    path = tmp_path / "node.json"
    write_keystore(KEY, "s3cret", path, iterations=2)
    return path


def test_keystore_with_password_decrypts_to_the_key(keystore):
    signer = load_signer(KeySettings(keystore=keystore, password="s3cret"))
    assert signer.address == Account.from_key(KEY).address


def test_password_file_is_read_without_trailing_newline(keystore, tmp_path):
    password_file = tmp_path / "pass"
    password_file.write_text("s3cret\n")
    signer = load_signer(KeySettings(keystore=keystore, password_file=password_file))
    assert signer.address == Account.from_key(KEY).address


def test_wrong_password_is_one_clear_error(keystore):
    with pytest.raises(KeystoreError, match="wrong password or corrupted file"):
        load_signer(KeySettings(keystore=keystore, password="nope"))


def test_a_file_that_is_not_a_keystore_is_reported(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(KeystoreError, match="is not a keystore file"):
        load_signer(KeySettings(keystore=path, password="x"))


def test_dev_key_is_used_with_the_flag():
    signer = load_signer(KeySettings(dev_private_key=KEY, allow_dev_key=True))
    assert signer.address == Account.from_key(KEY).address


def test_no_key_configured_is_an_error():
    with pytest.raises(KeystoreError, match="no signing key"):
        load_signer(KeySettings())


def test_a_new_keystore_is_readable_by_its_owner_only_whatever_the_umask(tmp_path):
    path = tmp_path / "open-umask.json"
    previous = os.umask(0)
    try:
        write_keystore(KEY, "s3cret", path, iterations=2)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_keystore_is_never_overwritten(keystore):
    before = keystore.read_bytes()
    other = "0x" + "43" * 32
    with pytest.raises(KeystoreExistsError, match="refusing to overwrite"):
        write_keystore(other, "s3cret", keystore, iterations=2)
    assert keystore.read_bytes() == before


def test_a_keystore_in_a_missing_folder_is_one_keystore_error(tmp_path):
    with pytest.raises(KeystoreError, match="cannot create keystore"):
        write_keystore(KEY, "s3cret", tmp_path / "no" / "such" / "k.json", iterations=2)
