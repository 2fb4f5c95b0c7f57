"""Pseudonyms: a keyed hash of (centrumgemeente, client_id), so the delivered id is never stored.

The key is the only thing that links a pseudonym back to a delivered client_id.
It lives outside the repository and the warehouse (see ``config.key_path``), is
created on first use with mode 600, and is refused when others can read it.
Losing it means new deliveries get pseudonyms that no longer match earlier
quarters: episodes and trajecten would break at that point. Back it up like a
password, separately from the warehouse.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

import pandas as pd

KEY_BYTES = 32


class KeyFileError(RuntimeError):
    """The key file is unusable (unsafe permissions or wrong content)."""


def load_or_create_key(path: Path) -> bytes:
    """Read the key, or create it (and its folder) with owner-only permissions."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(KEY_BYTES) + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(
            f"The pseudonym key {path} can be read by other users (mode {mode:o}). "
            f"Run 'chmod 600 {path}' and try again."
        )
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError as exc:
        raise KeyFileError(
            f"The pseudonym key {path} is not a hex string; restore it from your backup. "
            "Do not make a new one: old pseudonyms would no longer match."
        ) from exc
    if len(key) < 16:
        raise KeyFileError(f"The pseudonym key {path} is too short; restore it from your backup.")
    return key


def pseudonymise(key: bytes, centrumgemeente: str, client_ids: pd.Series) -> pd.Series:
    """HMAC-SHA256 of 'CG:client_id', 32 hex characters; missing stays missing.

    Hashing each distinct id once keeps this cheap for files where a client
    appears on many rows.
    """
    prefix = f"{centrumgemeente}:".encode()
    uniques = client_ids.dropna().unique()
    mapping = {
        cid: hmac.new(key, prefix + cid.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
        for cid in uniques
    }
    return client_ids.map(mapping).astype("string")
