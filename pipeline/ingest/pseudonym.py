"""Pseudonyms: a keyed hash of (centrumgemeente, client_id), so the delivered id is never stored.

The key is the only thing that links a pseudonym back to a delivered client_id.
It lives outside the repository and the warehouse (see ``config.key_path``), is
created on first use with mode 600, and is refused when others can read it.
Losing it means new deliveries get pseudonyms that no longer match earlier
quarters: episodes and trajecten would break at that point. Back it up like a
password, separately from the warehouse.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.ingest.text_table import arrow_text

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


#: HMAC (RFC 2104) as its definition, H((K xor opad) || H((K xor ipad) || m)), in DuckDB:
#: one vectorised call for a whole column instead of one Python call per client id (6 s
#: against 1.1 s for a million ids). sha256 gives hex, so the inner digest is unhexed back
#: to its bytes before the outer hash; a missing id is NULL throughout.
_HMAC_SQL = "SELECT left(sha256($opad || unhex(sha256($ipad || encode(m)))), 32) AS p FROM ids"
_BLOCK = 64  # SHA-256's block size in bytes


def pseudonymise(key: bytes, centrumgemeente: str, client_ids: pd.Series) -> pd.Series:
    """HMAC-SHA256 of 'CG:client_id' (UTF-8), its first 32 hex characters; missing stays
    missing. The same pseudonyms as ``hmac.new(key, b'CG:' + id, sha256)`` (the test
    compares with it), so warehouses built before keep matching."""
    return pseudonymise_many(key, [(centrumgemeente, client_ids)])[0]


@dataclass
class Memo:
    """Messages hashed earlier in a run and their pseudonyms.

    Consecutive batches of one centrumgemeente share clients (a large instroom file and
    its verblijf file are two batches), and looking a pseudonym up costs a fraction of
    computing it. It is consulted only when every centrumgemeente of a batch is in it; a
    batch of others starts it afresh. It grows with the new clients of later batches up
    to :data:`MEMO_LIMIT` messages, then holds only the newest batch's."""

    messages: pa.Array | None = None
    pseudonyms: pa.Array | None = None
    #: The centrumgemeenten of those messages: a batch of others cannot share a client
    #: (the message starts with the centrumgemeente), so the look-up is skipped for it.
    centrumgemeenten: frozenset[str] = frozenset()
    #: Held while a batch uses the memo: the loader may validate two batches at once, and
    #: the second then finds the first one's clients instead of hashing them again.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)


#: At most this many messages in a :class:`Memo` (~60 bytes each with their pseudonyms).
MEMO_LIMIT = 1_000_000


def pseudonymise_many(key: bytes, parts: list[tuple[str, pd.Series]], memo: Memo | None = None
                      ) -> list[pd.Series]:
    """:func:`pseudonymise` for the client ids of many files at once, one DuckDB call for
    all of them (a call costs milliseconds, a quarter has a thousand files). ``memo``
    (the same key's, for one run) saves hashing again what an earlier call hashed."""
    if not any(len(ids) for _, ids in parts):  # e.g. quarantines that reject nothing
        return [pd.Series([], index=ids.index, dtype="string") for _, ids in parts]
    text = pa.large_string()
    prefix = pa.concat_arrays([pa.repeat(pa.scalar(f"{cg}:", text), len(ids))
                               for cg, ids in parts])
    cid = pa.chunked_array([chunk for _, ids in parts for chunk in arrow_text(ids).chunks],
                           type=text).combine_chunks()
    # The message, 'CG:client_id', missing where the id is.
    message = pc.binary_join_element_wise(prefix, cid, pa.scalar("", text))
    cgs = frozenset(cg for cg, ids in parts if len(ids))
    if memo is None:
        hashed = _hashed(key, message).pseudonyms
    else:
        with memo.lock:
            if memo.messages is not None and cgs <= memo.centrumgemeenten:
                hashed = _looked_up(key, message, memo)
            else:
                fresh = _hashed(key, message)
                memo.messages, memo.pseudonyms, memo.centrumgemeenten = (
                    fresh.dictionary, fresh.values, cgs)
                hashed = fresh.pseudonyms
    result, start = [], 0
    for _, ids in parts:
        piece = hashed.slice(start, len(ids))
        start += len(ids)
        result.append(pd.Series(pd.arrays.ArrowStringArray(piece), index=ids.index))
    return result


@dataclass
class _Hashed:
    pseudonyms: pa.Array   # per message
    dictionary: pa.Array   # the distinct messages
    values: pa.Array       # their pseudonyms


def _hashed(key: bytes, message: pa.Array) -> _Hashed:
    """Hash each distinct message once (a client has several rows: aanmeldingen,
    verblijven); a missing message stays missing."""
    encoded = message.dictionary_encode()
    values = _hmac(key, encoded.dictionary)
    return _Hashed(values.take(encoded.indices), encoded.dictionary, values)


def _looked_up(key: bytes, message: pa.Array, memo: Memo) -> pa.Array:
    """Every message looked up in the memo as it is, row by row: when (nearly) all are
    there, one look-up per row costs less than first finding the distinct messages. Only
    those not found are hashed, and join the memo."""
    known = pc.index_in(message, value_set=memo.messages)
    hashed = memo.pseudonyms.take(known)  # missing where not found or no id
    unknown = pc.and_(known.is_null(), message.is_valid())
    if not pc.any(unknown).as_py():
        return hashed
    fresh = _hashed(key, message.filter(unknown))
    hashed = pc.replace_with_mask(hashed, unknown, fresh.pseudonyms)
    if len(memo.messages) + len(fresh.dictionary) <= MEMO_LIMIT:
        memo.messages = pa.concat_arrays([memo.messages, fresh.dictionary])
        memo.pseudonyms = pa.concat_arrays([memo.pseudonyms, fresh.values])
    else:
        memo.messages, memo.pseudonyms = fresh.dictionary, fresh.values
    return hashed


def _hmac(key: bytes, messages: pa.Array) -> pa.Array:
    """HMAC-SHA256 of each message, its first 32 hex characters, as large_string."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    block = key.ljust(_BLOCK, b"\0")
    con = _connection()
    con.register("ids", pa.table({"m": messages}))
    try:
        out = con.sql(_HMAC_SQL, params={"opad": bytes(b ^ 0x5C for b in block),
                                         "ipad": bytes(b ^ 0x36 for b in block),
                                         }).to_arrow_table()
    finally:
        con.unregister("ids")
    return out.column("p").combine_chunks().cast(pa.large_string())


@functools.cache
def _connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for hashing, one per process: nothing of it is written anywhere."""
    return duckdb.connect()
