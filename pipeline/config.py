"""Paths and settings, resolved in one place.

Every command resolves the warehouse, the pseudonym key and the reference data
through this module so that a flag, an environment variable and the default
always win in the same order: flag > environment > default.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("data/processed/monitor.duckdb")
ENV_DB = "OPVANGMONITOR_DB"
ENV_KEY_FILE = "OPVANGMONITOR_KEY_FILE"
ENV_MEMBERSHIP = "OPVANGMONITOR_LIDMAATSCHAP"
#: The disclosure threshold (drempel): counts from 1 to DREMPEL - 1 are never published.
#: The one home of the number; every rule and every sentence is built from the value in use
#: (``--drempel`` may raise it for one run).
DREMPEL = 5


def db_path(flag: Path | str | None = None) -> Path:
    """The warehouse file: ``--db`` beats ``OPVANGMONITOR_DB`` beats the default."""
    if flag:
        return Path(flag)
    env = os.environ.get(ENV_DB)
    return Path(env) if env else DEFAULT_DB


def key_path(flag: Path | str | None = None) -> Path:
    """The pseudonym key lives outside the repository and the warehouse.

    Default: ``$XDG_CONFIG_HOME/opvangmonitor/pseudoniem.key`` (``~/.config`` when
    unset), so that cloning or copying the project never copies the key.
    """
    if flag:
        return Path(flag)
    env = os.environ.get(ENV_KEY_FILE)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "opvangmonitor" / "pseudoniem.key"


def membership_path(flag: Path | str | None = None) -> Path | None:
    """An official centrumgemeente membership file, if the user gave one."""
    if flag:
        return Path(flag)
    env = os.environ.get(ENV_MEMBERSHIP)
    return Path(env) if env else None


@dataclass(frozen=True)
class Settings:
    """What a command needs to know about where things are."""

    db: Path
    key_file: Path
    membership: Path | None = None

    @classmethod
    def resolve(
        cls,
        db: Path | str | None = None,
        key_file: Path | str | None = None,
        membership: Path | str | None = None,
    ) -> Settings:
        return cls(db_path(db), key_path(key_file), membership_path(membership))


def fault_point(where: str) -> None:
    """Let the crash-safety tests stop a command at a known moment (the loader's, the
    backup's and the restore's steps).

    When ``OPVANGMONITOR_FAULT_POINT`` names this point, the process writes the file named by
    ``OPVANGMONITOR_FAULT_MARKER`` and waits, so that a test can kill it there. Unset (always,
    in normal use) this does nothing.
    """
    if os.environ.get("OPVANGMONITOR_FAULT_POINT") != where:
        return
    marker = os.environ.get("OPVANGMONITOR_FAULT_MARKER")
    if marker:
        with open(marker, "w") as fh:
            fh.write(where)
    time.sleep(float(os.environ.get("OPVANGMONITOR_FAULT_WAIT", "60")))
