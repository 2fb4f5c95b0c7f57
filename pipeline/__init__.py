"""opvangmonitor: the pipeline behind the monitor in-, door- en uitstroom vrouwenopvang."""

from __future__ import annotations

import os

# Polars hands memory it freed back to the system after half a second (its allocator's
# default, set when Polars is imported; the variable is Polars' documented override). The
# loader frees and takes about a gigabyte per million rows as it validates batch after
# batch, and every page taken back costs a fault and zeroing: 3-4 s of system time for two
# files of a million rows. Five seconds keeps the pages between batches: 0.7-1.7 s less
# system time, ~0.5 s less wall time, ~200 MB more peak memory (docs/performance.md). A
# value the user set is kept.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:5000,muzzy_decay_ms:5000")

__all__ = ["Monitor"]


def __getattr__(name: str):
    # Lazy, so that `import pipeline` (the CLI) does not pay for DuckDB and pandas.
    if name == "Monitor":
        from pipeline.figures.monitor import Monitor

        return Monitor
    raise AttributeError(name)
