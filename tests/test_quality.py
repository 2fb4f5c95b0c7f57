"""The data-quality suite: each rule finds exactly its defect, in the right centrumgemeente and
quarter, and stays silent on clean data; the synth defect catalogue is found; rules file,
tidy table, HTML report, exit codes, and no client-level value anywhere.

Warehouses are tiny and hand-made (``tiny`` in conftest): loads + raw rows inserted directly.
Every expected finding below is derived by hand in the test's comment.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

from pipeline.periods import parse_periode
from pipeline.periods import parse_periode as P
from pipeline.quality import (
    exit_code,
    load_rules,
    results_frame,
    run_quality,
    summary_lines,
    write_html,
)
from pipeline.quality.kerncijfers_frames import bezetting_records, voorraad_records
from pipeline.quality.rules import CLI_RULES, QualityRule, RulesError, failing, parse_rules
from pipeline.quality.runner import join_details
from pipeline.warehouse import db

QUARTERS = ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
CLEAN, CG = "GM0344", "GM0363"   # Utrecht stays clean; Amsterdam gets the defect


def day(kwartaal: str, n: int) -> str:
    """The n-th day after the quarter's first day, as ISO text."""
    return (parse_periode(kwartaal).start + dt.timedelta(days=n)).isoformat()


REDENEN = ("vol", "past_niet")


def world(tiny, cg: str, kwartalen=QUARTERS, skip=(), aanmeldingen=2, capaciteit=None,
          zonder_reden=()):
    """A consistent centrumgemeente: per quarter instroom, verblijf, uitstroom and capaciteit
    delivered; episode L runs throughout (residentieel); per quarter a crisis episode S flows
    into an ambulant episode T the next day, and T ends with an uitstroom row. Volumes per
    quarter: ``aanmeldingen`` (int or {kwartaal: n}, all doorverwezen, their reasons in turn
    vol and past_niet, none in the quarters ``zonder_reden``; v1.1 deliveries), 2 nieuwe
    verblijven, 1 uitstroom. ``skip``: (kwartaal, soort) pairs not delivered."""
    for k in kwartalen:
        delivered = {s for s in ("instroom", "verblijf", "uitstroom") if (k, s) not in skip}
        for soort in delivered:
            tiny.load_id(cg, k, soort)
        if "verblijf" in delivered:
            tiny.verblijf("L", "2024-01-10", None, vorm="residentieel", client="l", cg=cg,
                          kwartaal=k)
            tiny.verblijf(f"S{k}", day(k, 4), day(k, 20), vorm="crisisopvang", client=f"s{k}",
                          cg=cg, kwartaal=k)
            tiny.verblijf(f"T{k}", day(k, 21), day(k, 40), vorm="ambulant", client=f"s{k}",
                          cg=cg, kwartaal=k)
        if "uitstroom" in delivered:
            tiny.uitstroom(f"T{k}", day(k, 40), client=f"s{k}", cg=cg, kwartaal=k)
        if "instroom" in delivered:
            n = aanmeldingen.get(k, 2) if isinstance(aanmeldingen, dict) else aanmeldingen
            for i in range(n):
                tiny.aanmelding(f"A{k}-{i}", day(k, 3), uitkomst="doorverwezen", cg=cg,
                                kwartaal=k, reden=None if k in zonder_reden
                                else REDENEN[i % len(REDENEN)])
        crisis, res = (capaciteit or {}).get(k, (5, 5))
        tiny.capaciteit(k, crisis=crisis, residentieel=res, cg=cg)


def run(tiny, periode=None) -> set[tuple]:
    tiny.build()
    return {(f["regel"], f["centrumgemeente"], f["kwartaal"], f["aantal"])
            for f in run_quality(tiny.con, P(periode) if periode else None)}


# --- clean data ----------------------------------------------------------------------------

@pytest.mark.slow
def test_clean_warehouse_gives_no_finding_while_every_rule_checks_records(tiny):
    world(tiny, CLEAN)
    world(tiny, CG)
    assert run(tiny) == set()
    checked = results_frame(tiny.con).groupby("regel")["gecontroleerd"].sum()
    # silence must not be vacuous: every rule looked at some records
    assert set(checked.index) == {r.regel for r in load_rules()}
    assert (checked > 0).all()


# --- one defect per rule -------------------------------------------------------------------

def unknown_uitstroom(tiny):
    # an uitstroom row for an episode no verblijf delivery holds; uitstroom 2025Q1 goes 1 -> 2,
    # volume score (2 - 1) / 2 = 0.5, no volume finding
    tiny.uitstroom("ONBEKEND", "2025-02-20", client="x", cg=CG, kwartaal="2025Q1")


def other_date(tiny):
    # D ends 1 Feb, its uitstroom says 3 Feb
    tiny.verblijf("D", "2025-01-10", "2025-02-01", client="d", cg=CG, kwartaal="2025Q1")
    tiny.uitstroom("D", "2025-02-03", client="d", cg=CG, kwartaal="2025Q1")


def uitstroom_for_running(tiny):
    # L is still running in its latest delivery (2025Q2), yet has an uitstroom in 2025Q2
    tiny.uitstroom("L", "2025-05-01", client="l", cg=CG, kwartaal="2025Q2")


def no_uitstroom(tiny):
    # Z ends without uitstroom or follow-up; Y1's follow-up starts 2 days later (too late);
    # W1's follow-up starts the next day (doorstroom: fine). Y2 and W2 end with an uitstroom.
    # nieuwe verblijven 2025Q1: 2 + 5 = 7, score (7 - 2) / 2 = 2.5: no volume finding
    for vid, start, eind, client in (("Z", "2025-01-10", "2025-02-01", "z"),
                                     ("Y1", "2025-01-10", "2025-02-01", "y"),
                                     ("Y2", "2025-02-03", "2025-02-20", "y"),
                                     ("W1", "2025-01-10", "2025-02-01", "w"),
                                     ("W2", "2025-02-02", "2025-02-20", "w")):
        tiny.verblijf(vid, start, eind, client=client, cg=CG, kwartaal="2025Q1")
    tiny.uitstroom("Y2", "2025-02-20", client="y", cg=CG, kwartaal="2025Q1")
    tiny.uitstroom("W2", "2025-02-20", client="w", cg=CG, kwartaal="2025Q1")


def vanished(tiny):
    # V runs at the end of 2024Q4 and is absent from the 2025Q1 delivery
    tiny.verblijf("V", "2024-11-01", None, client="v", cg=CG, kwartaal="2024Q4")


def overlap(tiny):
    # O1 and O2 share 2 days (20 Jan - 18 Jan): one pair. P1 and P2 share exactly 1: fine.
    for vid, start, eind, client in (("O1", "2025-01-05", "2025-01-20", "o"),
                                     ("O2", "2025-01-18", "2025-02-10", "o"),
                                     ("P1", "2025-01-05", "2025-01-20", "p"),
                                     ("P2", "2025-01-19", "2025-02-10", "p")):
        tiny.verblijf(vid, start, eind, client=client, cg=CG, kwartaal="2025Q1")
    tiny.uitstroom("O2", "2025-02-10", client="o", cg=CG, kwartaal="2025Q1")
    tiny.uitstroom("P2", "2025-02-10", client="p", cg=CG, kwartaal="2025Q1")


def impossible_episode(tiny):
    # X ends (20 Mar, 2025Q1) before it starts (10 Apr, 2025Q2): rows the loader would
    # quarantine, put here to break the model. 2025Q1: beeindigd +1 only -> stand_einde is 1
    # off, in the total and for residentieel (2 records). 2025Q2: nieuw +1 only -> 2 records.
    tiny.verblijf("X", "2025-04-10", "2025-03-20", client="x", cg=CG, kwartaal="2025Q2")
    tiny.uitstroom("X", "2025-03-20", client="x", cg=CG, kwartaal="2025Q1")


def no_reasons(tiny):
    # 2025Q1: the 2 aanmeldingen of the world without reason (zonder_reden) and 3 more with
    # reason onbekend: 5 doorverwezen, none with a reason (aanmeldingen 2 -> 5: volume score
    # (5 - 2) / 2 = 1.5, no volume finding)
    for i in range(3):
        tiny.aanmelding(f"N{i}", "2025-02-01", uitkomst="niet_geplaatst", cg=CG,
                        kwartaal="2025Q1", reden="onbekend")


def reason_mix(tiny):
    # 10 more aanmeldingen per quarter (volumes stay 12, 12, 12, 12): vol in the three quarters
    # before 2025Q2, elders_geplaatst in 2025Q2. History of 2025Q2: vol 33, past_niet 3 of 36;
    # 2025Q2: elders_geplaatst 10, vol 1, past_niet 1 of 12: moved 0.5 x (0.833 + 0 + 0.833)
    # = 0.833, margin sqrt(1/12 + 1/36) = 0.333, score 0.5 > 0.3. 2024Q4 and 2025Q1 keep the
    # mix of the quarters before them (score below 0); 2024Q3 has no history.
    for k in QUARTERS:
        for i in range(10):
            tiny.aanmelding(f"R{k}-{i}", day(k, 5), uitkomst="niet_geplaatst", cg=CG,
                            kwartaal=k, reden="elders_geplaatst" if k == "2025Q2" else "vol")


DEFECTS = {
    "uitstroom_onbekend_verblijf": (unknown_uitstroom, {}, {("2025Q1", 1)}),
    "uitstroom_datum_wijkt_af": (other_date, {}, {("2025Q1", 1)}),
    "uitstroom_datum_wijkt_af_lopend": (uitstroom_for_running, {}, {("2025Q2", 1)}),
    "verblijf_zonder_uitstroom": (no_uitstroom, {}, {("2025Q1", 2)}),
    "verblijf_verdwenen": (vanished, {}, {("2025Q1", 1)}),
    "overlappende_verblijven": (overlap, {}, {("2025Q1", 1)}),
    # no uitstroom file for 2024Q4, with deliveries before and after it (T2024Q4 then ends
    # without uitstroom, but that is this finding's cause, not a second finding)
    "kwartaal_ontbreekt": (None, {"skip": {("2024Q4", "uitstroom")}}, {("2024Q4", 1)}),
    "kwartaal_ontbreekt_heel": (None, {"skip": {("2024Q4", s) for s in
                                                ("instroom", "verblijf", "uitstroom")}},
                                {("2024Q4", 3)}),
    # the latest quarter lacks its uitstroom file; and a CG that has not delivered the latest
    # quarter at all (Utrecht did)
    "levering_onvolledig": (None, {"skip": {("2025Q2", "uitstroom")}}, {("2025Q2", 1)}),
    "levering_onvolledig_kwartaal": (None, {"kwartalen": QUARTERS[:3]}, {("2025Q2", 3)}),
    # 30 aanmeldingen after 2, 2, 2: score (30 - 2) / max(0, sqrt 2, 0.1, 2) = 14
    "volume_afwijking": (None, {"aanmeldingen": {"2025Q2": 30}}, {("2025Q2", 1)}),
    # 40, 44, 38, then 10: median 40, MAD 2, scale max(2.97, 6.32, 2, 2) = 6.32, score -4.7;
    # 38 against (40, 44) scores -0.6; 44 has one quarter of history only
    "volume_afwijking_daling": (None, {"aanmeldingen": dict(zip(QUARTERS, [40, 44, 38, 10],
                                                               strict=True))},
                                {("2025Q2", 1)}),
    "voorraad_identiteit": (impossible_episode, {}, {("2025Q1", 2), ("2025Q2", 2)}),
    # 1 residential place in 2025Q1 (90 days): ligdagen L 90 + S 16 = 106 > 90
    "bezetting_boven_capaciteit": (None, {"capaciteit": {"2025Q1": (0, 1)}}, {("2025Q1", 1)}),
    "reden_niet_geplaatst_onbekend": (no_reasons, {"zonder_reden": {"2025Q1"}},
                                      {("2025Q1", 1)}),
    "reden_mix_afwijking": (reason_mix, {}, {("2025Q2", 1)}),
}
#: The rules the team added beside cli.md's (a case's name starts with its rule's id).
ADDED_RULES = ("levering_onvolledig", "reden_niet_geplaatst_onbekend", "reden_mix_afwijking")


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(DEFECTS))
def test_each_rule_finds_exactly_its_defect_in_the_right_cg_and_quarter(tiny, case):
    add, world_args, expected = DEFECTS[case]
    regel = next(r for r in CLI_RULES + ADDED_RULES if case.startswith(r))
    world(tiny, CLEAN)
    world(tiny, CG, **world_args)
    if add:
        add(tiny)
    assert run(tiny) == {(regel, CG, k, n) for k, n in expected}


@pytest.mark.slow
def test_near_misses_stay_silent(tiny):
    """One day of overlap, doorstroom the next day, a rise the score keeps under 4
    ((9 - 2) / 2 = 3.5), capacity large enough (res 1 + crisis 1: ligdagen L 90 + S 16 +
    P1 15 + P2 22 = 143 of 180 place-days)."""
    world(tiny, CLEAN)
    world(tiny, CG, aanmeldingen={"2025Q2": 9}, capaciteit={"2025Q1": (1, 1)})
    tiny.verblijf("P1", "2025-01-05", "2025-01-20", client="p", cg=CG, kwartaal="2025Q1")
    tiny.verblijf("P2", "2025-01-19", "2025-02-10", client="p", cg=CG, kwartaal="2025Q1")
    tiny.uitstroom("P2", "2025-02-10", client="p", cg=CG, kwartaal="2025Q1")
    assert run(tiny) == set()


@pytest.mark.slow
def test_reasons_near_misses_stay_silent(tiny):
    """v1.1's reasons: a quarter without reasons but only 2 aanmeldingen doorverwezen (fewer
    than min_aantal 5); a v1 delivery (no column, so no reasons) with 6; a new mix on small
    counts (2025Q2: 2 x client_ziet_af after vol/past_niet: moved 1.0, margin
    sqrt(1/2 + 1/6) = 0.82, score 0.18)."""
    world(tiny, CLEAN)
    world(tiny, CG, zonder_reden={"2024Q4"}, aanmeldingen={"2025Q2": 0})
    for i in range(2):
        tiny.aanmelding(f"M{i}", "2025-05-01", uitkomst="doorverwezen", cg=CG,
                        kwartaal="2025Q2", reden="client_ziet_af")
    tiny.formaatversie = "1"
    for i in range(6):
        tiny.aanmelding(f"V1-{i}", "2025-02-01", uitkomst="niet_geplaatst", cg="GM0599",
                        kwartaal="2025Q1")
    assert {f for f in run(tiny) if f[0].startswith("reden")} == set()


@pytest.mark.slow
def test_voorraad_identiteit_is_fataal_and_exits_3(tiny):
    world(tiny, CG)
    impossible_episode(tiny)
    tiny.build()
    found = run_quality(tiny.con)
    assert {f["ernst"] for f in found} == {"fataal"}
    assert exit_code(found) == 3
    assert "publiceer niet" in found[0]["toelichting"]


# --- what the analyst gets -----------------------------------------------------------------

@pytest.mark.slow
def test_findings_have_the_cli_keys_and_say_what_to_ask(tiny):
    world(tiny, CLEAN)
    world(tiny, CG, skip={("2024Q4", "instroom"), ("2024Q4", "uitstroom")})
    tiny.build()
    [f] = run_quality(tiny.con)
    assert list(f) == ["regel", "ernst", "centrumgemeente", "kwartaal", "aantal", "toelichting"]
    assert f["aantal"] == 2
    assert f["toelichting"].startswith("Voor 2024Q4 ontbreekt de levering van instroom en "
                                       "uitstroom")
    assert json.loads(json.dumps([f])) == [f]


@pytest.mark.slow
def test_tidy_table_has_one_row_per_rule_cg_and_quarter_checked(tiny):
    world(tiny, CLEAN)
    world(tiny, CG)
    unknown_uitstroom(tiny)
    run(tiny)
    table = tiny.con.execute(
        "SELECT * FROM kwaliteit_resultaten WHERE regel = 'uitstroom_onbekend_verblijf' "
        "AND centrumgemeente = ? ORDER BY kwartaal", [CG]).df()
    assert list(table.columns) == ["regel", "regel_id", "ernst", "centrumgemeente", "gm_naam",
                                   "kwartaal", "gecontroleerd", "afwijkend",
                                   "percentage_geldig", "uitgevoerd_op"]
    # one uitstroom per quarter, plus the unknown one in 2025Q1: 1 of 2 valid there
    assert table[["kwartaal", "gecontroleerd", "afwijkend", "percentage_geldig"]].values.tolist(
        ) == [["2024Q3", 1, 0, 100.0], ["2024Q4", 1, 0, 100.0], ["2025Q1", 2, 1, 50.0],
              ["2025Q2", 1, 0, 100.0]]
    assert set(table["gm_naam"]) == {"Amsterdam"} and table["ernst"].eq("fout").all()


@pytest.mark.slow
def test_periode_limits_findings_and_refreshes_only_its_quarters(tiny):
    world(tiny, CLEAN)
    world(tiny, CG)
    unknown_uitstroom(tiny)                          # 2025Q1
    uitstroom_for_running(tiny)                      # 2025Q2
    assert run(tiny, "2025Q2") == {("uitstroom_datum_wijkt_af", CG, "2025Q2", 1)}
    run(tiny)
    # mark every row as old, so a refreshed row shows whatever the clock's resolution
    tiny.con.execute("UPDATE kwaliteit_resultaten SET uitgevoerd_op = TIMESTAMP '2000-01-01'")
    assert run(tiny, "2025Q1") == {("uitstroom_onbekend_verblijf", CG, "2025Q1", 1)}
    fresh = {k: (every, some) for k, every, some in tiny.con.execute(
        "SELECT kwartaal, bool_and(uitgevoerd_op > TIMESTAMP '2000-01-01'), "
        "bool_or(uitgevoerd_op > TIMESTAMP '2000-01-01') FROM kwaliteit_resultaten "
        "GROUP BY ALL").fetchall()}
    # every row of P's quarter was refreshed; the other quarters were kept, untouched
    assert fresh == {k: (k == "2025Q1", k == "2025Q1") for k in QUARTERS}
    assert len(results_frame(tiny.con, P("2025Q2"))) > 0


@pytest.mark.slow
def test_no_client_level_value_reaches_findings_table_or_report(tiny, tmp_path):
    world(tiny, CG)
    tiny.verblijf("GEHEIM-V1", "2025-01-10", "2025-02-01", client="GEHEIM-C1", cg=CG,
                  kwartaal="2025Q1")
    tiny.uitstroom("GEHEIM-V2", "2025-02-03", client="GEHEIM-C2", cg=CG, kwartaal="2025Q1")
    tiny.build()
    found = run_quality(tiny.con)
    assert {f["regel"] for f in found} == {"verblijf_zonder_uitstroom",
                                           "uitstroom_onbekend_verblijf"}
    results = results_frame(tiny.con)
    page = write_html(found, results, tmp_path / "kwaliteit").read_text(encoding="utf-8")
    everything = json.dumps(found) + results.to_csv() + page
    assert "GEHEIM" not in everything
    assert "2025-02-0" not in everything             # no record's date either


@pytest.mark.slow
def test_great_expectations_prints_nothing_on_stdout(tiny, capfd):
    """--json must be the only thing on stdout; no progress bars on stderr either."""
    world(tiny, CG)
    tiny.build()
    capfd.readouterr()
    run_quality(tiny.con)
    out, err = capfd.readouterr()
    assert out == ""
    assert "Calculating Metrics" not in err and "%|" not in err


@pytest.mark.slow
def test_html_report_opens_offline_and_lists_per_cg_what_to_ask(tiny, tmp_path):
    world(tiny, CLEAN)
    world(tiny, CG, aanmeldingen={"2025Q2": 30})
    tiny.build()
    found = run_quality(tiny.con)
    path = write_html(found, results_frame(tiny.con), tmp_path / "reports" / "kwaliteit")
    assert path.parent == tmp_path / "reports" / "kwaliteit" and path.suffix == ".html"
    page = path.read_text(encoding="utf-8")
    for external in ("http:", "https:", "//", "<script", "<link", "src=", "@import", "url("):
        assert external not in page.replace("<!DOCTYPE html>", "")
    assert "GM0363 Amsterdam" in page
    assert "aanmeldingen: 30 (mediaan van de 3 kwartalen ervoor: 2,0)" in page
    tags = TagCounter()
    tags.feed(page)
    assert tags.open == tags.closed                  # balanced table/section markup


class TagCounter(HTMLParser):
    VOID = {"meta", "br", "link", "img", "input", "hr"}

    def __init__(self):
        super().__init__()
        self.open, self.closed = {}, {}

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_endtag(self, tag):
        self.closed[tag] = self.closed.get(tag, 0) + 1


def test_html_report_without_findings_says_so(tmp_path):
    empty = pd.DataFrame(columns=["regel", "ernst", "centrumgemeente", "gm_naam", "kwartaal",
                                  "gecontroleerd", "afwijkend"])
    page = write_html([], empty, tmp_path, P("2025Q1")).read_text(encoding="utf-8")
    assert "Geen bevindingen" in page and (tmp_path / "kwaliteit_2025Q1.html").exists()


def test_exit_codes_follow_cli_md():
    assert exit_code([]) == 0
    assert exit_code([{"ernst": "waarschuwing"}]) == 1
    assert exit_code([{"ernst": "waarschuwing"}, {"ernst": "fout"}]) == 1
    assert exit_code([{"ernst": "fout"}, {"ernst": "fataal"}]) == 3


def test_summary_lines_count_cg_quarters_per_rule_worst_first():
    found = [{"regel": "volume_afwijking", "ernst": "waarschuwing", "centrumgemeente": CG},
             {"regel": "kwartaal_ontbreekt", "ernst": "fout", "centrumgemeente": CG},
             {"regel": "kwartaal_ontbreekt", "ernst": "fout", "centrumgemeente": CLEAN}]
    lines = summary_lines(found)
    assert lines[0] == ("Data quality: 3 finding(s) in 2 centrumgemeente(n), worst: fout.")
    assert "kwartaal_ontbreekt" in lines[1] and "2 CG-quarter(s)" in lines[1]
    assert "volume_afwijking" in lines[2]
    assert summary_lines([]) == ["Data quality: no findings."]


# --- the rules file ------------------------------------------------------------------------

def shipped() -> dict:
    from importlib.resources import files

    return yaml.safe_load(files("pipeline.quality").joinpath("regels.yaml").read_text("utf-8"))


def sql_root():
    from importlib.resources import files

    return files("pipeline.quality").joinpath("sql")


def test_shipped_rules_cover_cli_md_with_stable_distinct_ids():
    rules = load_rules()
    assert set(CLI_RULES) <= {r.regel for r in rules}
    assert len({r.regel_id for r in rules}) == len(rules)
    assert [r.regel_id for r in rules] == [r.regel_id for r in load_rules()]
    assert {r.regel: r.ernst for r in rules}["voorraad_identiteit"] == "fataal"


def test_regel_id_changes_with_what_is_measured_not_with_texts():
    rule = next(r for r in load_rules() if r.regel == "volume_afwijking")
    same = QualityRule(**{**rule.__dict__, "toelichting": "anders", "ernst": "fout"})
    other = QualityRule(**{**rule.__dict__, "parameters": {**rule.parameters, "max_value": 5}})
    assert same.regel_id == rule.regel_id != other.regel_id


@pytest.mark.parametrize("change, message", [
    ({"ernst": "ramp"}, "ernst must be one of"),
    ({"expectation": "ExpectColumnValuesToMatchRegex"}, "expectation must be one of"),
    ({"parameters": {"column": "verblijf_bekend", "value_set": [True], "mostly": 0.9}},
     "not supported"),
    ({"parameters": {"column": "verblijf_bekend"}}, "value_set"),
    ({"toelichting": "Vraag naar {client_pseudoniem}"}, "toelichting may only use"),
    ({"toelichting": "Zie {details}"}, "toelichting may only use"),  # record level: no details
    ({"bron": "kerncijfers"}, "bron kerncijfers is only known"),
    ({"ernts": "fout"}, "unknown key"),
    ({"bron_parameters": {"venster": 4}}, "not used by sql/uitstroom_onbekend_verblijf.sql"),
])
def test_malformed_rules_are_refused_before_use(change, message):
    doc = shipped()
    doc["regels"][0].update(change)
    with pytest.raises(RulesError, match=message):
        parse_rules(doc, sql_root())


def test_rules_file_without_a_cli_rule_or_with_a_duplicate_is_refused():
    doc = shipped()
    doc["regels"] = [r for r in doc["regels"] if r["regel"] != "verblijf_verdwenen"]
    doc["regels"].append(dict(doc["regels"][0]))
    with pytest.raises(RulesError) as exc:
        parse_rules(doc, sql_root())
    assert "missing: verblijf_verdwenen" in str(exc.value) and "appears twice" in str(exc.value)


def test_sql_parameter_without_a_value_is_refused():
    doc = shipped()
    volume = next(r for r in doc["regels"] if r["regel"] == "volume_afwijking")
    del volume["bron_parameters"]["venster"]
    with pytest.raises(RulesError, match=r"uses \$venster without a value"):
        parse_rules(doc, sql_root())


def test_great_expectations_checks_parameters_before_any_rule_runs(tiny):
    from pipeline.quality.runner import run_rules

    good = load_rules()
    bad = [QualityRule(**{**r.__dict__, "parameters": {**r.parameters, "mostly": "veel"}})
           if r.regel == "uitstroom_onbekend_verblijf" else r for r in good]
    with pytest.raises(RulesError, match="uitstroom_onbekend_verblijf"):
        run_rules(tiny.con, rules=bad)
    # refused before any rule's SQL ran: the suite's views were never set up
    assert tiny.con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = "
                            "'dq_verblijf'").fetchall() == [(0,)]


# --- pure parts ----------------------------------------------------------------------------

def test_failing_mirrors_the_expectations():
    between = QualityRule("r_between", "fout", "record", "sql", "ExpectColumnValuesToBeBetween",
                   {"column": "x", "min_value": -1, "max_value": 1}, "o", "t")
    strict = QualityRule(**{**between.__dict__, "parameters": {"column": "x", "max_value": 1,
                                                         "strict_max": True}})
    in_set = QualityRule("r_set", "fout", "record", "sql", "ExpectColumnValuesToBeInSet",
                  {"column": "x", "value_set": [True]}, "o", "t")
    x = pd.Series([-2, -1, 0, 1, 2])
    assert failing(between, x).tolist() == [True, False, False, False, True]
    assert failing(strict, x).tolist() == [False, False, False, True, True]
    assert failing(in_set, pd.Series([True, False])).tolist() == [False, True]


def test_kerncijfers_records_check_the_identity_in_total_and_per_opvangvorm():
    def flows(begin, nieuw, eind_, einde):
        return {"stand_begin": begin, "nieuwe_verblijven": nieuw,
                "beeindigde_verblijven": eind_, "stand_einde": einde}

    kc = {**flows(10, 5, 3, 12), "bezettingsgraad": None,
          "per_opvangvorm": {"crisisopvang": flows(4, 2, 2, 4), "residentieel": flows(6, 3, 1, 7),
                             "ambulant": flows(0, 0, 0, 1)}}
    records = voorraad_records(kc, CG, "2025Q1")
    # totaal 12 - (10 + 5 - 3) = 0; ambulant 1 - 0 = 1; crisis 4 - 4 = 0; res 7 - 8 = -1
    assert [r["verschil"] for r in records] == [0, 1, 0, -1]
    assert records[1]["detail"].startswith("ambulant: stand einde 1")
    assert bezetting_records(kc, CG, "2025Q1") == []
    assert bezetting_records({"bezettingsgraad": 1.25}, CG, "2025Q1")[0]["detail"] == (
        "bezettingsgraad 1,25")


def test_join_details_reads_as_dutch():
    assert join_details(pd.Series(["instroom"])) == "instroom"
    assert join_details(pd.Series(["verblijf", "instroom", "uitstroom"])) == (
        "instroom, uitstroom en verblijf")
    assert join_details(pd.Series(["a: 1", "b: 2"])) == "a: 1; b: 2"


# --- synth --defecten ------------------------------------------------------------------------

@pytest.mark.slow
def test_every_quality_defect_of_synth_is_found(wh, tmp_path):
    from pipeline.synth.defects import write_defects

    manifest = json.loads(write_defects(tmp_path / "defecten", 1).read_text())["defecten"]
    wh.ingest(tmp_path / "defecten" / "kwaliteit")
    con = db.connect(wh.path)
    try:
        found = run_quality(con)
    finally:
        con.close()
    by_rule = {}
    for f in found:
        by_rule.setdefault(f["regel"], set()).add(f["centrumgemeente"])
    expected = [d for d in manifest if d["verwacht"] == "kwaliteitsbevinding"]
    assert {d["regel"] for d in expected} == (set(CLI_RULES) - {"voorraad_identiteit"}) | {
        "reden_niet_geplaatst_onbekend", "reden_mix_afwijking"}
    for d in expected:
        cg = d["file"].rsplit("/", 1)[-1][:6]
        assert cg in by_rule.get(d["regel"], set()), d
    for d in manifest:
        if d["verwacht"] == "geen_bevinding":
            assert d["regel"] not in by_rule, d
    assert exit_code(found) == 1
