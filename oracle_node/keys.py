"""The node's signing key: decrypted from an eth-account keystore, or a raw key in dev mode."""

from __future__ import annotations

import json
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import HexStr

from oracle_node.exceptions import KeystoreError, KeystoreExistsError
from oracle_node.settings import KeySettings


def load_signer(keys: KeySettings) -> LocalAccount:
    """The account the node signs with; raises :class:`KeystoreError` with the reason it cannot."""
    if keys.dev_private_key is not None:
        if not keys.allow_dev_key:
            raise KeystoreError(
                "a raw private key needs keys.allow_dev_key=true (development only)"
            )
        try:
            account: LocalAccount = Account.from_key(keys.dev_private_key.get_secret_value())
            return account
        except (ValueError, TypeError) as exc:
            raise KeystoreError(f"the dev private key is not a valid key: {exc}") from None
    if keys.keystore is None:
        raise KeystoreError("no signing key: set keys.keystore and its password")
    password = _password(keys)
    try:
        encrypted = json.loads(keys.keystore.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise KeystoreError(f"keystore {keys.keystore} is not readable JSON: {exc}") from None
    try:
        key = Account.decrypt(encrypted, password)
    except ValueError:
        raise KeystoreError(f"keystore {keys.keystore}: wrong password or corrupted file") from None
    except (KeyError, TypeError) as exc:
        raise KeystoreError(f"keystore {keys.keystore} is not a keystore file ({exc})") from None
    signer: LocalAccount = Account.from_key(key)
    return signer


def _password(keys: KeySettings) -> str:
    if keys.password is not None:
        return keys.password.get_secret_value()
    if keys.password_file is not None:
        try:
            return keys.password_file.read_text().rstrip("\r\n")
        except OSError as exc:
            raise KeystoreError(f"password file {keys.password_file}: {exc}") from None
    raise KeystoreError("the keystore needs keys.password or keys.password_file")


def write_keystore(
    private_key: str, password: str, path: Path, *, iterations: int | None = None
) -> str:
    """Encrypt ``private_key`` into a new keystore file, readable by its owner only (0600).

    The file is created with mode 0600 (``O_EXCL``: never world-readable, not even between
    creation and a chmod) and an existing file is never overwritten. Returns the address.
    A low ``iterations`` is for tests only.
    """
    encrypted = Account.encrypt(HexStr(private_key), password, iterations=iterations)
    data = json.dumps(encrypted).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeystoreExistsError(path) from None
    except OSError as exc:
        raise KeystoreError(f"cannot create keystore {path}: {exc}") from None
    try:
        os.fchmod(fd, 0o600)  # the umask can only have narrowed it; make it exactly 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise KeystoreError(f"cannot write keystore {path}: {exc}") from None
    return str(Account.from_key(private_key).address)
