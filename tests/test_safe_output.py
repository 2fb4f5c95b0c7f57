"""Formula injection: every CSV/XLSX the product writes neutralises cells that start a formula."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.share.safe_output import neutralise, write_csv


@pytest.mark.parametrize("value", ["=1+1", "+31 6", "-2+3", "@SUM(A1)", "\t=cmd", "\r=x"])
def test_formula_starts_are_prefixed(value):
    out = neutralise(pd.DataFrame({"x": [value]}))
    assert out.loc[0, "x"] == "'" + value


def test_plain_text_and_numbers_are_left_alone():
    df = pd.DataFrame({"t": ["geplaatst", "2025-01-01"], "n": [-3, 4]})
    out = neutralise(df)
    assert out["t"].tolist() == ["geplaatst", "2025-01-01"] and out["n"].tolist() == [-3, 4]


def test_written_csv_holds_no_live_formula(tmp_path):
    path = write_csv(pd.DataFrame({"=kolom": ["=HYPERLINK(\"x\")", "ok"]}), tmp_path / "t.csv")
    text = path.read_text(encoding="utf-8-sig")
    for cell in text.replace("\n", ";").split(";"):
        assert not cell.startswith(("=", "+", "-", "@")), cell


def test_rejection_report_neutralises_delivered_values(wh, tmp_path):
    from pipeline.workflow import write_rejection_report
    from tests.conftest import row, write_delivery

    run = wh.ingest(write_delivery(tmp_path, "verblijf",
                                   [row("verblijf", opvangvorm="=HYPERLINK(\"http://x\")")]))
    path = write_rejection_report(run, wh.path)
    text = path.read_text(encoding="utf-8-sig")
    assert "'=hyperlink" in text.lower()
    assert ";=" not in text and "\n=" not in text
