"""The quality rules as data: read ``regels.yaml`` and refuse it when it is malformed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import yaml

ERNST = ("fataal", "fout", "waarschuwing")
EXPECTATIONS = ("ExpectColumnValuesToBeInSet",)
REQUIRED = ("regel", "ernst", "expectation", "parameters", "toelichting")


class RulesError(ValueError):
    """The rules file cannot be used; the message says which rule and what is wrong."""


@dataclass(frozen=True)
class Rule:
    regel: str
    ernst: str
    expectation: str
    parameters: dict
    toelichting: str
    sql: str
    drempel: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def regel_id(self) -> str:
        """Stable id: a hash of the rule, its expectation and parameters (dq-suite style), so
        results can be compared quarter to quarter while the rule is unchanged."""
        spec = json.dumps([self.regel, self.expectation, self.parameters, self.drempel],
                          sort_keys=True)
        return hashlib.sha256(spec.encode()).hexdigest()[:12]


def load_rules(path: Path | None = None) -> list[Rule]:
    """Read and validate the rules; every problem is reported at once."""
    base = files("pipeline.quality")
    text = Path(path).read_text(encoding="utf-8") if path else base.joinpath(
        "regels.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    if not isinstance(raw, list):
        raise RulesError("the rules file must be a list of rules")
    problems, rules, seen = [], [], set()
    for i, r in enumerate(raw, start=1):
        name = r.get("regel", f"#{i}") if isinstance(r, dict) else f"#{i}"
        if not isinstance(r, dict):
            problems.append(f"rule {name}: not a mapping")
            continue
        missing = [k for k in REQUIRED if k not in r]
        if missing:
            problems.append(f"rule {name}: missing {', '.join(missing)}")
            continue
        if r["ernst"] not in ERNST:
            problems.append(f"rule {name}: ernst must be one of {', '.join(ERNST)}")
        if r["expectation"] not in EXPECTATIONS:
            problems.append(f"rule {name}: unknown expectation {r['expectation']}")
        if name in seen:
            problems.append(f"rule {name}: appears twice")
        seen.add(name)
        sql_file = base.joinpath("sql", f"{name}.sql")
        if not sql_file.is_file():
            problems.append(f"rule {name}: no SQL file sql/{name}.sql")
            continue
        rules.append(Rule(name, r["ernst"], r["expectation"], dict(r["parameters"]),
                          " ".join(str(r["toelichting"]).split()),
                          sql_file.read_text(encoding="utf-8"), r.get("drempel")))
    if problems:
        raise RulesError("the quality rules cannot be used:\n  " + "\n  ".join(problems))
    return rules
