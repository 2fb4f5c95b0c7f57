"""Every defect of `synth --defecten` that belongs to the loader is caught as its manifest says."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.synth.defects import write_defects
from tests.conftest import Warehouse


@pytest.fixture(scope="module")
def defects(tmp_path_factory):
    folder = tmp_path_factory.mktemp("defecten")
    manifest = json.loads(write_defects(folder, 1).read_text())["defecten"]
    return folder, manifest


def test_manifest_covers_every_quality_rule_of_cli_md(defects):
    _, manifest = defects
    quality = {d["regel"] for d in manifest
               if d["verwacht"] in ("kwaliteitsbevinding", "geen_bevinding")}
    assert quality == {"uitstroom_onbekend_verblijf", "uitstroom_datum_wijkt_af",
                       "verblijf_zonder_uitstroom", "verblijf_verdwenen",
                       "overlappende_verblijven", "kwartaal_ontbreekt", "volume_afwijking",
                       "voorraad_identiteit", "bezetting_boven_capaciteit",
                       # added for v1.1's reasons (docs/kwaliteit.md)
                       "reden_niet_geplaatst_onbekend", "reden_mix_afwijking"}


def test_manifest_covers_every_row_rule_of_every_schema(defects):
    from schemas import MODELS

    _, manifest = defects
    caught = {d["regel"] for d in manifest if d["verwacht"] == "rij_in_quarantaine"}
    for soort, model in MODELS.items():
        for key in model.RULES:
            regel = key.replace("not_nullable:", "verplicht_")
            # The contract has one rule "missing required value" and one "key shared by
            # differing rows"; one defect each is enough (test_row_rules covers every column).
            if regel.startswith("verplicht_"):
                assert any(c.startswith("verplicht_") for c in caught)
            elif regel.endswith("_dubbel"):
                assert any(c.endswith("_dubbel") for c in caught)
            else:
                assert regel in caught, (soort, regel)


def test_every_row_defect_is_quarantined_at_its_line(defects, tmp_path):
    folder, manifest = defects
    wh = Warehouse(tmp_path)
    run = wh.ingest(folder / "rijen")
    found = set(zip(run.report["bestand"].map(lambda f: Path(f).name), run.report["bronregel"],
                    run.report["regel"], strict=True))
    for d in manifest:
        if d["verwacht"] == "rij_in_quarantaine":
            assert (Path(d["file"]).name, d["bronregel"], d["regel"]) in found, d
    # the valid first row of each file loaded
    assert all(r.rows_loaded >= 1 for r in run.results)


@pytest.mark.slow
def test_every_file_defect_rejects_its_file(defects, tmp_path):
    folder, manifest = defects
    for d in manifest:
        if d["verwacht"] != "bestand_geweigerd":
            continue
        wh = Warehouse(tmp_path / d["id"])
        run = wh.ingest(folder / d["file"])
        assert [r.status for r in run.results] == ["rejected"], d
        assert run.report["regel"].tolist() == [d["regel"]], d


def test_quality_defects_load_cleanly(defects, tmp_path):
    folder, _ = defects
    run = Warehouse(tmp_path).ingest(folder / "kwaliteit")
    assert run.exit_code == 0, run.report.to_dict("records")


def test_defects_are_deterministic(defects, tmp_path):
    folder, _ = defects
    write_defects(tmp_path / "again", 1)

    def digest(root):
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}
    assert digest(folder) == digest(tmp_path / "again")
