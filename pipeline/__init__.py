"""opvangmonitor: the pipeline behind the monitor in-, door- en uitstroom vrouwenopvang."""

from __future__ import annotations

__all__ = ["Monitor"]


def __getattr__(name: str):
    # Lazy, so that `import pipeline` (the CLI) does not pay for DuckDB and pandas.
    if name == "Monitor":
        from pipeline.figures.monitor import Monitor

        return Monitor
    raise AttributeError(name)
