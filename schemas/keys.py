"""The duplicate-key rule shared by all record types."""

from __future__ import annotations

import pandas as pd

from schemas.common import BRON, CONTEXT_COLUMNS


def key_conflicts(df: pd.DataFrame, key: str) -> pd.Series:
    """True for every row whose key is shared by a row with different content.

    Exact duplicates (same key, same values) are not conflicts: the loader keeps
    one of them and counts the rest as a warning.
    """
    content = [c for c in df.columns if c not in CONTEXT_COLUMNS]
    # Keys are unique per file, not per batch; a key repeated anywhere in the batch is
    # only a candidate, and the few candidates are then grouped per file.
    shared = (df[key].notna() & df.duplicated(subset=[key], keep=False)).to_numpy(bool)
    out = pd.Series(False, index=df.index)
    scope = [BRON, key] if BRON in df else [key]
    if shared.any() and scope != [key]:
        shared[shared] = df.loc[shared].duplicated(subset=scope, keep=False).to_numpy(bool)
    if not shared.any():
        return out
    sub = df.loc[shared]
    hashes = pd.util.hash_pandas_object(sub[content], index=False)
    groups = [sub[c].to_numpy() for c in scope]
    distinct = hashes.groupby(groups).transform("nunique")
    out[shared] = distinct.to_numpy() > 1
    return out
