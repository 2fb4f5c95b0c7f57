"""The quality rules as data: read ``regels.yaml`` and refuse it, with every problem at once,
when it is malformed, because a rule that silently does nothing looks exactly like clean data.

No Great Expectations here (its import costs seconds): the structure is checked by hand, and
the runner builds every expectation object before it runs any rule, so GX's own parameter
checks also happen before use.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import pandas as pd
import yaml

ERNST = ("fataal", "fout", "waarschuwing")
NIVEAUS = ("record", "aggregaat")
BRONNEN = ("sql", "kerncijfers")
#: The rule ids that cli.md fixes: a rules file without one of them breaks the contract.
CLI_RULES = ("uitstroom_onbekend_verblijf", "uitstroom_datum_wijkt_af",
             "verblijf_zonder_uitstroom", "verblijf_verdwenen", "overlappende_verblijven",
             "kwartaal_ontbreekt", "volume_afwijking", "voorraad_identiteit",
             "bezetting_boven_capaciteit")
#: Supported expectations and their allowed parameters. Only column-map expectations whose
#: verdict per record we can reproduce (``failing``) and cross-check against GX's count.
EXPECTATIONS = {
    "ExpectColumnValuesToBeInSet": {"column", "value_set"},
    "ExpectColumnValuesToBeBetween": {"column", "min_value", "max_value", "strict_min",
                                      "strict_max"},
}
REQUIRED = ("regel", "ernst", "niveau", "bron", "expectation", "parameters", "omschrijving",
            "toelichting")
OPTIONAL = ("bron_parameters",)
PLACEHOLDERS = {"aantal", "kwartaal", "centrumgemeente"}
RULE_ID = re.compile(r"^[a-z][a-z0-9_]{2,63}$")
SQL_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class RulesError(ValueError):
    """The rules file cannot be used; the message names every rule and what is wrong."""


@dataclass(frozen=True)
class QualityRule:
    regel: str
    ernst: str
    niveau: str
    bron: str
    expectation: str
    parameters: dict
    omschrijving: str
    toelichting: str
    bron_parameters: dict = field(default_factory=dict)
    sql: str | None = None

    @property
    def column(self) -> str:
        return self.parameters["column"]

    @property
    def regel_id(self) -> str:
        """Stable id (dq-suite style): a hash of what is measured and how, so results can be
        compared quarter to quarter while the rule is unchanged. Severity and texts are left
        out: changing them does not change which records fail."""
        spec = json.dumps({"regel": self.regel, "bron": self.bron,
                           "bron_parameters": self.bron_parameters,
                           "expectation": self.expectation, "parameters": self.parameters},
                          sort_keys=True)
        return hashlib.sha256(spec.encode("utf-8")).hexdigest()[:12]

    def toelichting_voor(self, aantal: int, kwartaal: str, centrumgemeente: str,
                         details: str = "") -> str:
        return self.toelichting.format(aantal=aantal, kwartaal=kwartaal,
                                       centrumgemeente=centrumgemeente, details=details)


def failing(rule: QualityRule, values: pd.Series) -> pd.Series:
    """Per record: True when GX's expectation would count it as unexpected.

    Mirrors GX's column-map semantics for the supported expectations, so the findings can be
    counted per centrumgemeente x kwartaal in our own aggregation; the runner checks the
    total against GX's unexpected_count on every run. Frames never hold nulls (checked)."""
    p = rule.parameters
    if rule.expectation == "ExpectColumnValuesToBeInSet":
        return ~values.isin(list(p["value_set"]))
    ok = pd.Series(True, index=values.index)
    if p.get("min_value") is not None:
        ok &= values > p["min_value"] if p.get("strict_min") else values >= p["min_value"]
    if p.get("max_value") is not None:
        ok &= values < p["max_value"] if p.get("strict_max") else values <= p["max_value"]
    return ~ok


def load_rules(path: Path | None = None, sql_dir: Path | None = None) -> list[QualityRule]:
    """Read and validate the rules file (default: the shipped ``regels.yaml``)."""
    base = files("pipeline.quality")
    text = (Path(path).read_text(encoding="utf-8") if path
            else base.joinpath("regels.yaml").read_text(encoding="utf-8"))
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(f"the quality rules file is not valid YAML: {exc}") from None
    sql_root = Path(sql_dir) if sql_dir else Path(str(base.joinpath("sql")))
    return parse_rules(raw, sql_root)


def parse_rules(raw: object, sql_root: Path) -> list[QualityRule]:
    """Validate the parsed rules document; every problem is reported at once."""
    if not isinstance(raw, dict) or not isinstance(raw.get("regels"), list):
        raise RulesError("the quality rules file must be a mapping with a list 'regels'")
    problems: list[str] = []
    rules: list[QualityRule] = []
    seen: set[str] = set()
    for i, r in enumerate(raw["regels"], start=1):
        name = str(r.get("regel", f"#{i}")) if isinstance(r, dict) else f"#{i}"
        rule_problems = _check_rule(r, name, sql_root)
        if name in seen:
            rule_problems.append("appears twice")
        seen.add(name)
        problems += [f"rule {name}: {p}" for p in rule_problems]
        if not rule_problems:
            sql = None
            if r["bron"] == "sql":
                sql = (sql_root / f"{name}.sql").read_text(encoding="utf-8")
            rules.append(QualityRule(
                regel=name, ernst=r["ernst"], niveau=r["niveau"], bron=r["bron"],
                expectation=r["expectation"], parameters=dict(r["parameters"]),
                omschrijving=" ".join(str(r["omschrijving"]).split()),
                toelichting=" ".join(str(r["toelichting"]).split()),
                bron_parameters=dict(r.get("bron_parameters") or {}), sql=sql))
    missing = [c for c in CLI_RULES if c not in seen]
    if missing:
        problems.append(f"the rules of cli.md are missing: {', '.join(missing)}")
    if problems:
        raise RulesError("the quality rules cannot be used:\n  " + "\n  ".join(problems))
    return rules


def _check_rule(r: object, name: str, sql_root: Path) -> list[str]:
    if not isinstance(r, dict):
        return ["not a mapping"]
    out = []
    missing = [k for k in REQUIRED if k not in r]
    if missing:
        return [f"missing {', '.join(missing)}"]
    unknown = sorted(set(r) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        out.append(f"unknown key(s) {', '.join(unknown)}")
    if not RULE_ID.match(name):
        out.append("regel must be lower case letters, digits and _ (3-64 characters)")
    if r["ernst"] not in ERNST:
        out.append(f"ernst must be one of {', '.join(ERNST)}")
    if r["niveau"] not in NIVEAUS:
        out.append(f"niveau must be one of {', '.join(NIVEAUS)}")
    out += _check_expectation(r["expectation"], r["parameters"])
    out += _check_source(r, name, sql_root)
    out += _check_texts(r)
    return out


def _check_expectation(expectation: object, params: object) -> list[str]:
    if expectation not in EXPECTATIONS:
        return [f"expectation must be one of {', '.join(EXPECTATIONS)}"]
    if not isinstance(params, dict):
        return ["parameters must be a mapping"]
    out = []
    extra = sorted(set(params) - EXPECTATIONS[expectation])
    if extra:
        out.append(f"parameters not supported for {expectation}: {', '.join(extra)} "
                   "(mostly and result formats are decided by the runner)")
    if not isinstance(params.get("column"), str) or params["column"] in (
            "centrumgemeente", "kwartaal", "detail"):
        out.append("parameters.column must name the frame's checked column")
    if expectation == "ExpectColumnValuesToBeInSet":
        vs = params.get("value_set")
        if not isinstance(vs, list) or not vs or not all(
                isinstance(v, bool | int | float | str) for v in vs):
            out.append("parameters.value_set must be a non-empty list of plain values")
    else:
        bounds = [params.get(k) for k in ("min_value", "max_value")]
        if all(b is None for b in bounds):
            out.append("parameters need min_value or max_value")
        if any(b is not None and (isinstance(b, bool) or not isinstance(b, int | float))
               for b in bounds):
            out.append("min_value and max_value must be numbers")
        if any(not isinstance(params.get(k, False), bool) for k in ("strict_min", "strict_max")):
            out.append("strict_min and strict_max must be true or false")
    return out


def _check_source(r: dict, name: str, sql_root: Path) -> list[str]:
    from pipeline.quality.kerncijfers_frames import FRAMES

    bp = r.get("bron_parameters") or {}
    if not isinstance(bp, dict) or not all(
            isinstance(k, str) and isinstance(v, bool | int | float | str)
            for k, v in bp.items()):
        return ["bron_parameters must map names to plain values"]
    if r["bron"] == "kerncijfers":
        if name not in FRAMES:
            return [f"bron kerncijfers is only known for {', '.join(sorted(FRAMES))}"]
        return ["bron_parameters are only for bron sql"] if bp else []
    if r["bron"] != "sql":
        return [f"bron must be one of {', '.join(BRONNEN)}"]
    path = sql_root / f"{name}.sql"
    if not path.is_file():
        return [f"no SQL file sql/{name}.sql"]
    body = "\n".join(line.split("--", 1)[0] for line in
                     path.read_text(encoding="utf-8").splitlines())
    used = set(SQL_PARAM.findall(body))
    out = []
    if used - set(bp):
        out.append(f"sql/{name}.sql uses ${', $'.join(sorted(used - set(bp)))} "
                   "without a value in bron_parameters")
    if set(bp) - used:
        out.append(f"bron_parameters {', '.join(sorted(set(bp) - used))} are not used by "
                   f"sql/{name}.sql")
    return out


def _check_texts(r: dict) -> list[str]:
    out = []
    for key in ("omschrijving", "toelichting"):
        if not isinstance(r[key], str) or not r[key].strip():
            out.append(f"{key} must be a non-empty text")
    if out:
        return out
    allowed = PLACEHOLDERS | ({"details"} if r["niveau"] == "aggregaat" else set())
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(r["toelichting"]) if f is not None}
    except ValueError as exc:
        return [f"toelichting is not a valid template: {exc}"]
    if fields - allowed:
        out.append(f"toelichting may only use {{{'}, {'.join(sorted(allowed))}}}; found "
                   f"{{{'}, {'.join(sorted(fields - allowed))}}}")
    return out
