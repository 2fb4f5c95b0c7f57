"""Issue 31: a period no area delivered is refused, and an area is given by code or name,
the same way by every command and by the Monitor API."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.figures.capaciteit import capaciteit
from pipeline.figures.kerncijfers import kerncijfers, resolve_centrumgemeente
from pipeline.figures.monitor import Monitor
from pipeline.periods import parse_periode as P


@pytest.fixture
def delivered(tiny, tmp_path):
    """2025Q1 of Utrecht (GM0344) and Zaanstad (GM0479), as a closed warehouse file."""
    tiny.aanmelding("A1", "2025-01-02", plaatsing="2025-01-02")
    tiny.verblijf("C1", "2025-01-02", "2025-01-12", vorm="crisisopvang")
    tiny.verblijf("Z1", "2025-01-05", None, vorm="crisisopvang", cg="GM0479")
    tiny.build()
    tiny.con.close()
    db_file = str(tmp_path / "tiny.duckdb")
    return db_file


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


# --- periods ---------------------------------------------------------------------------------

@pytest.mark.parametrize("periode", ["2023", "2026Q3", "2030"])
def test_a_period_no_area_delivered_is_refused_by_every_command(delivered, periode):
    for cmd in (["kerncijfers"], ["kerncijfers", "--json"], ["capaciteit"], ["audit"],
                ["export"], ["report", "--alle"], ["report", "--centrumgemeente", "GM0344"]):
        run = _run(*cmd, "--periode", periode, "--db", delivered)
        assert run.exit_code == 2, (cmd, run.output)
        assert f"no centrumgemeente delivered data for {periode}" in run.output, cmd
        assert "2025Q1 to 2025Q1" in run.output and "opvangmonitor loads" in run.output
        assert run.stdout == "" or "Nieuwe verblijven" not in run.stdout


def test_export_of_an_undelivered_period_writes_no_file(delivered, tmp_path):
    target = tmp_path / "export.csv"
    run = _run("export", "--periode", "2023", "--out", str(target), "--db", delivered)
    assert run.exit_code == 2 and not target.exists()


def test_a_delivered_period_still_computes_and_a_year_with_one_quarter_counts(delivered):
    run = _run("kerncijfers", "--periode", "2025", "--db", delivered, "--json")
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["dekking"]["2025Q2"]["geleverd"] == 0


def test_the_python_api_refuses_an_undelivered_period(delivered):
    with Monitor.open(delivered) as m:
        for call in (lambda: m.kerncijfers("2023"), lambda: m.capaciteit("2026Q3"),
                     lambda: m.wachttijden("2030", "GM0344"), lambda: m.stromen("2023"),
                     lambda: m.km_verblijfsduur("2023"), lambda: m.check_periode("2023")):
            with pytest.raises(ValueError, match="no centrumgemeente delivered data"):
                call()
        assert m.kerncijfers("2025Q1")["nieuwe_verblijven"] == 2
        m.check_periode("2025")
        with pytest.raises(ValueError, match="no centrumgemeente delivered data for 2023"):
            kerncijfers(m.con, P("2023"))
        with pytest.raises(ValueError, match="no centrumgemeente delivered data for 2023"):
            capaciteit(m.con, P("2023"), "GM0344")


# --- areas by code or name -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "code"), [
    ("GM0479", "GM0479"), ("gm0479", "GM0479"), (" 479 ", "GM0479"), ("Zaanstad", "GM0479"),
    ("ZAANSTAD", "GM0479"), ("'s-Hertogenbosch", "GM0796"), ("s-hertogenbosch", "GM0796"),
    ("\u2019S HERTOGENBOSCH", "GM0796"), ("Den Bosch", "GM0796"), ("Hertogenbosch", "GM0796"),
    ("Den Haag", "GM0518"), ("Zaan", "GM0479"), ("Nissew\u00e4ard", "GM1930"),
])
def test_an_area_is_given_by_code_or_name(tiny, text, code):
    assert resolve_centrumgemeente(tiny.con, text) == code


@pytest.mark.parametrize(("text", "says"), [
    ("GM9999", ["'GM9999' is not a centrumgemeente (no area has that code)",
                "opvangmonitor referentie"]),
    ("Atlantis", ["'Atlantis' is not a centrumgemeente", "opvangmonitor referentie"]),
    ("Al", ["fits more than one", "Almere (GM0034)", "Alkmaar (GM0361)"]),
    ("Oostzaan", ["gemeente in the area of Zaanstad: give GM0479"]),
])
def test_an_unknown_or_ambiguous_area_says_what_was_given_and_how_to_list_them(tiny, text,
                                                                               says):
    with pytest.raises(ValueError) as exc:
        resolve_centrumgemeente(tiny.con, text)
    for part in says:
        assert part in str(exc.value)


def test_every_command_takes_a_name_and_titles_it(delivered, monkeypatch):
    run = _run("kerncijfers", "--periode", "2025Q1", "--centrumgemeente", "zaanstad",
               "--db", delivered)
    assert run.exit_code == 0, run.output
    assert "Zaanstad (GM0479)" in run.stdout
    run = _run("kerncijfers", "--periode", "2025Q1", "--centrumgemeente", "Zaanstad",
               "--db", delivered, "--json")
    assert json.loads(run.stdout)["centrumgemeente"] == "GM0479"
    run = _run("capaciteit", "--periode", "2025Q1", "--centrumgemeente", "Utrecht",
               "--db", delivered, "--json")
    assert run.exit_code == 0 and {g["centrumgemeente"] for g in
                                   json.loads(run.stdout)["gebieden"]} == {"GM0344"}
    seen = {}

    def fake_render(db, periode, scopes, *args):
        seen["scopes"] = scopes
        return []

    monkeypatch.setattr("pipeline.share.render.render_reports", fake_render)
    run = _run("report", "--periode", "2025Q1", "--centrumgemeente", "Amsterdam",
               "--db", delivered)
    assert run.exit_code == 0, run.output
    assert seen["scopes"] == ["GM0363"]
    with Monitor.open(delivered) as m:
        assert m.kerncijfers("2025Q1", "Zaanstad")["centrumgemeente"] == "GM0479"
        assert len(m.wachttijden("2025Q1", "utrecht")) == 1


@pytest.mark.parametrize("cmd", ["kerncijfers", "capaciteit", "report"])
@pytest.mark.parametrize("area", ["GM9999", "Atlantis"])
def test_every_command_refuses_an_unknown_area_plainly(delivered, cmd, area):
    run = _run(cmd, "--periode", "2025Q1", "--centrumgemeente", area, "--db", delivered)
    assert run.exit_code == 2, run.output
    assert f"'{area}' is not" in run.output and "opvangmonitor referentie" in run.output
    assert "KeyError" not in run.output and f"error: '{area.upper()}'\n" not in run.output


def test_valideer_capaciteit_takes_names_too(monkeypatch, tmp_path):
    seen = {}

    def fake(werk, periode, areas, schaal, progress):
        seen["areas"] = areas
        raise ValueError("stop here")

    monkeypatch.setattr("pipeline.tools.validatie.valideer", fake)
    run = _run("valideer-capaciteit", "--werk", str(tmp_path), "--centrumgemeente", "Zaanstad",
               "--centrumgemeente", "gm0344")
    assert run.exit_code == 2 and seen["areas"] == ["GM0479", "GM0344"]
    run = _run("valideer-capaciteit", "--werk", str(tmp_path), "--centrumgemeente", "Atlantis")
    assert run.exit_code == 2 and "'Atlantis' is not a centrumgemeente" in run.output
