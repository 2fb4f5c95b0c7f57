"""The report charts speak Dutch on their axes too."""

from __future__ import annotations

import re

from pipeline.share import charts


def _tick_labels(fig, axis: str) -> list[str]:
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


def test_count_axes_write_thousands_with_a_dot():
    # the national per-opvangvorm chart printed "4800" where the tables say "4.800"
    fig = charts.staaf(["Crisisopvang", "Residentieel", "Ambulant"], [1300, 450, 4900],
                       "Cliënten in zorg per opvangvorm", "Cliënten", "2025-12-31", "v1")
    labels = _tick_labels(fig, "y")
    assert all(re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})*", t) for t in labels), labels
    assert any("." in t for t in labels), labels
    charts.plt.close(fig)


def test_horizontal_bars_count_along_x_the_same_way():
    fig = charts.staaf(["kort", "lang"], [12000, 2500], "Verblijfsduur", "Verblijven",
                       "2025-12-31", "v1", horizontaal=True, geordend=True)
    labels = _tick_labels(fig, "x")
    assert any(re.fullmatch(r"[0-9]{1,3}\.[0-9]{3}", t) for t in labels), labels
    assert not any(re.fullmatch(r"[0-9]{4,}", t) for t in labels), labels
    charts.plt.close(fig)
