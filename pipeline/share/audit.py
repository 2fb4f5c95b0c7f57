"""The disclosure auditor: what an attacker holding a whole release can work out.

An attacker holds every report of a period at once. Each published number tells them
something about the true counts: a shown count is exact, a hidden cell ('x') is some
whole number of at least 1 (a 0 is never hidden, so this much is known), a class on a map
is an interval (0-4, 5-9, ...), and every published relation between cells (a row and its
total, the national figure as the sum of the 35 areas, the stock identity, a year as the
sum of its quarters, a median class as two inequalities) is a linear constraint. The
auditor puts all of it in one system and asks, for every hidden small count (true value
1 to threshold-1), whether the attacker can tell it is small: protection holds when its
feasible *integer* range still reaches 0 or the threshold, so it cannot be told apart
from an empty cell or from a count that would have been shown, and holds at least as many
values as the band of small counts (threshold-1 values: 2..5 or 0..3, never 4..5).
τ-ARGUS calls this the protection interval; sdcTable's audit does the same with an LP per
cell.

Why integer programs and not only LPs: an LP range is wider than what an attacker with an
integer solver gets, so an LP alone could pass a cell that is in fact pinned. The LP is
used where it is conclusive (a cell the LP cannot move out of the small band is certainly
pinned); a pass always rests on an integer solution in which the cell is 0 or at least the
threshold: a witness, checkable by anyone. HiGHS finds it, through scipy: as the LP's
optimum where that is whole (sums of counts mostly are), else by ``scipy.optimize.milp``.

To stay fast the system is split into its connected parts, shown numbers are substituted
as constants, and one integer program pushes all not-yet-protected cells of a part at
once (most are protected by the first witness); only the rest get a program of their own.

Pure: takes a :class:`Publication` (true values and what is shown), returns an
:class:`AuditResult`. The truth never leaves the machine; the result says which cells
fail, not their values, and is what ``opvangmonitor audit`` prints.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix

#: Upper bound for a hidden cell that no relation bounds (keeps every program bounded).
BIG = 10_000_000
EXACT, HIDDEN, CLASS, UNPUBLISHED = "exact", "verborgen", "klasse", "niet gepubliceerd"
_EPS = 1e-6
_TIME_LIMIT = 20.0
#: Relations of at most this many cells count as one place (a row with its total); the
#: national sums over 35 areas do not, or one failure would block all others of a column.
_LOCAL = 12
#: Rounds of the all-at-once witness search: each covers at least one more cell, and is
#: cheaper than that cell's own programs.
_ROUNDS = 30


@dataclass(frozen=True)
class Relation:
    """sum(coef * cell) (== or <=) rhs, as the attacker can read it from the release."""

    terms: tuple[tuple[str, float], ...]
    sense: str = "=="
    rhs: float = 0.0
    source: str = ""

    @staticmethod
    def total(parts: list[str], total: str, source: str) -> Relation:
        """parts add up to total."""
        return Relation(tuple((p, 1.0) for p in parts) + ((total, -1.0),), "==", 0.0, source)


@dataclass
class Publication:
    """What one release publishes, cell by cell, with the true values behind it.

    ``shown`` maps a cell to how it is shown: ('exact',), ('verborgen',) or ('klasse', lo,
    hi). A cell that is only in ``truth`` and the relations is not published (a sum that
    links published cells without being shown itself)."""

    threshold: int
    truth: dict[str, int] = field(default_factory=dict)
    shown: dict[str, tuple] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def add(self, name: str, value: int, how: tuple = (EXACT,)) -> str:
        value = int(value)
        if name in self.truth and self.truth[name] != value:
            raise ValueError(f"cell {name} published twice with different values")
        self.truth[name] = value
        if how is not None:
            self.shown[name] = how
        return name

    def relate(self, relation: Relation) -> None:
        self.relations.append(relation)

    def holds(self, r: Relation) -> bool:
        """Whether the true values satisfy a relation."""
        lhs = sum(c * self.truth[n] for n, c in r.terms)
        return abs(lhs - r.rhs) <= _EPS if r.sense == "==" else lhs <= r.rhs + _EPS

    def hide(self, name: str) -> None:
        self.shown[name] = (HIDDEN,)

    def is_hidden(self, name: str) -> bool:
        return self.shown.get(name, (UNPUBLISHED,))[0] == HIDDEN

    def is_small(self, name: str) -> bool:
        return 0 < self.truth[name] < self.threshold

    def bounds(self, name: str) -> tuple[float, float]:
        """What the attacker knows of one cell on its own."""
        how = self.shown.get(name)
        if how is None:
            return 0.0, BIG
        if how[0] == EXACT:
            return float(self.truth[name]), float(self.truth[name])
        if how[0] == HIDDEN:
            return 1.0, BIG
        return float(how[1]), min(float(how[2]), BIG)  # the top class is open above


@dataclass
class CellRange:
    name: str
    lo: float
    hi: float
    small: bool
    ok: bool


@dataclass
class AuditResult:
    threshold: int
    cells: list[CellRange]
    relations: dict[str, int]
    seconds: float

    @property
    def failures(self) -> list[CellRange]:
        return [c for c in self.cells if not c.ok]

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> dict:
        small = [c for c in self.cells if c.small]
        widths = [c.hi - c.lo for c in small]
        return {
            "drempel": self.threshold,
            "geslaagd": self.ok,
            "verborgen_of_klasse": len(self.cells),
            "kleine_aantallen_beschermd": len(small) - len(self.failures),
            "kleine_aantallen_niet_beschermd": len(self.failures),
            "kleinste_bereik": min(widths) if widths else None,
            "relaties": dict(sorted(self.relations.items())),
            "seconden": round(self.seconds, 2),
            "niet_beschermd": [c.name for c in self.failures],
        }


def audit(pub: Publication, time_limit: float = _TIME_LIMIT,
          only: set[str] | None = None, exact_ranges: bool = True) -> AuditResult:
    """The feasible range of every hidden or classed cell, and whether each small one is
    protected (its integer range reaches 0 or the threshold and holds threshold-1 values).

    Ranges of protected cells are what the witnesses showed (the true range is at least as
    wide); ranges of failing cells are the exact integer bounds. ``only`` restricts the
    audit to the connected parts holding those cells (protection re-audits only what
    changed; a release is always audited whole)."""
    started = time.perf_counter()
    t = pub.threshold
    _check_truth(pub)
    free, rows = _reduce(pub)
    cells: list[CellRange] = []
    for part in _components(free, rows):
        if only is not None and only.isdisjoint(part):
            continue
        cells += _audit_part(pub, part, rows, t, time_limit, exact_ranges)
    counts = Counter(r.source or "overig" for r in pub.relations)
    return AuditResult(t, sorted(cells, key=lambda c: c.name), dict(counts),
                       time.perf_counter() - started)


def _check_truth(pub: Publication) -> None:
    """The model of what is published must hold for the true values: a relation the truth
    breaks is a bug in the model, and an audit of a wrong model proves nothing."""
    for r in pub.relations:
        if not pub.holds(r):
            raise ValueError(f"relation '{r.source}' does not hold for the true values: "
                             f"{' + '.join(f'{c:g}*{n}' for n, c in r.terms)} {r.sense} {r.rhs}")
    for name in pub.shown:
        lo, hi = pub.bounds(name)
        if not lo <= pub.truth[name] <= hi:
            raise ValueError(f"cell {name} is shown as {pub.shown[name]} but is "
                             "outside it")


def _reduce(pub: Publication) -> tuple[set[str], list[tuple[dict[str, float], str, float]]]:
    """Relations over the cells the attacker does not know exactly, shown numbers moved to
    the right-hand side; relations left without unknowns drop out."""
    rows = []
    free: set[str] = set()
    for r in pub.relations:
        terms: dict[str, float] = {}
        rhs = r.rhs
        for n, c in r.terms:
            lo, hi = pub.bounds(n)
            if lo == hi:
                rhs -= c * lo
            else:
                terms[n] = terms.get(n, 0.0) + c
        terms = {n: c for n, c in terms.items() if c != 0}
        if terms:
            rows.append((terms, r.sense, rhs))
            free.update(terms)
    free.update(n for n in pub.shown if pub.bounds(n)[0] < pub.bounds(n)[1])
    return free, rows


def _components(free: set[str], rows) -> list[list[str]]:
    parent = {n: n for n in free}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for terms, _, _ in rows:
        names = list(terms)
        for other in names[1:]:
            a, b = find(names[0]), find(other)
            if a != b:
                parent[a] = b
    groups: dict[str, list[str]] = {}
    for n in sorted(free):
        groups.setdefault(find(n), []).append(n)
    return list(groups.values())


def _audit_part(pub: Publication, names: list[str], rows, t: int,
                time_limit: float, exact_ranges: bool) -> list[CellRange]:
    index = {n: i for i, n in enumerate(names)}
    mine = [r for r in rows if next(iter(r[0])) in index]
    lb = np.array([pub.bounds(n)[0] for n in names])
    ub = np.array([pub.bounds(n)[1] for n in names])
    truth = np.array([pub.truth[n] for n in names], dtype=float)
    eq = [(terms, rhs) for terms, sense, rhs in mine if sense == "=="]
    le = [(terms, rhs) for terms, sense, rhs in mine if sense == "<="]
    a_eq, b_eq = _matrix(eq, index, len(names))
    a_le, b_le = _matrix(le, index, len(names))
    reported = [i for i, n in enumerate(names) if n in pub.shown]
    targets = [i for i in reported if 0 < truth[i] < t]
    seen_lo, seen_hi = truth.copy(), truth.copy()

    def reaches(i: int) -> bool:
        return seen_lo[i] <= 0 or seen_hi[i] >= t

    def covered(i: int) -> bool:
        return reaches(i) and seen_hi[i] - seen_lo[i] >= t - 2

    def solve(c: np.ndarray, lo: np.ndarray, hi: np.ndarray, integer: bool):
        res = linprog(c, A_ub=a_le, b_ub=b_le, A_eq=a_eq, b_eq=b_eq,
                      bounds=np.column_stack([lo, hi]), method="highs")
        if res.status == 2:
            return None  # no real solution, so no whole one either
        if not integer:
            return res.x if res.status == 0 else None
        if res.status == 0 and np.abs(res.x - np.round(res.x)).max() < 1e-7:
            # the LP's optimum is whole: a solution of the integer program, and its optimum
            # (sums of counts usually are; this saves most integer programs)
            return np.round(res.x)
        cons = []
        if a_eq is not None:
            cons.append(LinearConstraint(a_eq, b_eq, b_eq))
        if a_le is not None:
            cons.append(LinearConstraint(a_le, -np.inf, b_le))
        res = milp(c, integrality=np.ones(len(names)), bounds=Bounds(lo, hi),
                   constraints=cons, options={"time_limit": time_limit})
        return res.x if res.x is not None and res.status in (0, 1) else None

    def learn(x: np.ndarray | None) -> None:
        if x is not None:
            x = np.round(x)
            np.minimum(seen_lo, x, out=seen_lo)
            np.maximum(seen_hi, x, out=seen_hi)

    # one program for many cells: push every unprotected small cell up to the threshold
    # (or down to 0 where it may be 0), all at once; repeat while it helps
    for _ in range(_ROUNDS):
        todo = [i for i in targets if not reaches(i)]
        if not todo:
            break
        c = np.zeros(len(names))
        hi = ub.copy()
        for i in todo:
            if ub[i] >= t:
                c[i], hi[i] = -1.0, t
            elif lb[i] <= 0:
                c[i] = 1.0
        before = sum(reaches(i) for i in targets)
        learn(solve(c, lb, hi, integer=True))
        if sum(reaches(i) for i in targets) == before:
            break
    # then widen: a cell seen at the threshold is pushed down, a cell seen at 0 up, all
    # narrow ones of the part in one program, so the range shown holds the band's width
    for _ in range(4):
        narrow = [i for i in targets if reaches(i) and not covered(i)]
        if not narrow:
            break
        c = np.zeros(len(names))
        for i in narrow:
            c[i] = 1.0 if seen_hi[i] >= t else -1.0
        before = sum(covered(i) for i in targets)
        learn(solve(c, lb, ub, integer=True))
        if sum(covered(i) for i in targets) == before:
            break
    out = []
    for i in reported:
        ok = True
        if i in targets and not covered(i):
            ok = _single(i, lb, ub, t, solve, learn) and covered(i)
            if not ok and reaches(i):
                # it reaches 0 or the threshold: does it also hold the band's width?
                lo, hi = lb.copy(), ub.copy()
                if seen_hi[i] >= t:
                    hi[i] = seen_hi[i] - (t - 2)
                else:
                    lo[i] = seen_lo[i] + (t - 2)
                if lo[i] <= hi[i]:
                    learn(solve(np.zeros(len(names)), lo, hi, integer=True))
                ok = covered(i)
            if not ok and exact_ranges:
                seen_lo[i], seen_hi[i] = _exact_range(i, lb, ub, solve)
        out.append(CellRange(names[i], float(seen_lo[i]), float(seen_hi[i]),
                             bool(i in targets), ok))
    return out


def _single(i: int, lb, ub, t: int, solve, learn) -> bool:
    """One cell on its own: is there an integer solution with it at >= t or at <= 0?"""
    unit = np.zeros(len(lb))
    unit[i] = 1.0
    for up in (True, False):
        if up and ub[i] < t or not up and lb[i] > 0:
            continue
        relaxed = solve(-unit if up else unit, lb, ub, integer=False)
        if relaxed is None or (relaxed[i] < t - _EPS if up else relaxed[i] > _EPS):
            continue  # even the LP cannot get there: certainly not
        lo, hi = lb.copy(), ub.copy()
        if up:
            lo[i] = t
        else:
            hi[i] = 0
        x = solve(np.zeros(len(lb)), lo, hi, integer=True)
        if x is not None:
            learn(x)
            return True
    return False


def _exact_range(i: int, lb, ub, solve) -> tuple[float, float]:
    unit = np.zeros(len(lb))
    unit[i] = 1.0
    low = solve(unit, lb, ub, integer=True)
    high = solve(-unit, lb, ub, integer=True)
    return (float(np.round(low[i])) if low is not None else lb[i],
            float(np.round(high[i])) if high is not None else ub[i])


def _matrix(rows, index: dict[str, int], n: int):
    if not rows:
        return None, None
    data, ri, ci = [], [], []
    for k, (terms, _) in enumerate(rows):
        for name, coef in terms.items():
            data.append(coef)
            ri.append(k)
            ci.append(index[name])
    return (csr_matrix((data, (ri, ci)), shape=(len(rows), n)),
            np.array([rhs for _, rhs in rows], dtype=float))


def protect(pub: Publication, may_hide=lambda name: True, max_rounds: int = 200,
            give_up=lambda name: False) -> AuditResult:
    """Hide cells until the audit passes, choosing few and small ones (least information
    lost), and return the passing audit. Raises when nothing more can be hidden: a release
    that cannot be protected is refused, never written.

    First the cheap rule that any auditor would apply (no sum with exactly one unknown:
    that one is the sum minus the rest), then the audit itself: for each small cell it
    finds pinned, one more cell of the relations that pin it is hidden, the smallest count
    that could absorb the difference (at least the threshold) before smaller ones. Zeros
    are never hidden (which is why the attacker may assume a hidden cell is at least 1).
    A failure for which ``give_up`` is true ends protection at once: the caller protects
    that cell another way (a map is left out rather than tables hidden to save it)."""
    for name in list(pub.shown):
        if pub.is_small(name) and pub.shown[name][0] == EXACT:
            pub.hide(name)
    _close_lines(pub, may_hide)
    only = None
    stuck: dict[str, int] = {}
    involved: dict[str, list[Relation]] = {}
    for r in pub.relations:
        for n, _ in r.terms:
            involved.setdefault(n, []).append(r)
    for _ in range(max_rounds):
        result = audit(pub, only=only, exact_ranges=False)
        if result.ok:
            return result if only is None else audit(pub)
        if any(give_up(c.name) for c in result.failures):
            # the caller protects these otherwise (a figure in classes is left out)
            raise ProtectionError(result)
        progress = False
        changed: set[str] = set()
        touched: set[int] = set()
        for fail in result.failures:
            # one more cell per set of relations a round: two failing cells of one row
            # are usually freed by the same partner
            mine = {id(r) for r in involved.get(fail.name, []) if len(r.terms) <= _LOCAL}
            if mine & touched:
                continue
            # a cell still pinned after earlier rounds gets more partners at once (1, 2,
            # 4, ...): the chain that pins it runs further than its nearest cells
            stuck[fail.name] = stuck.get(fail.name, 0) + 1
            for _ in range(min(2 ** (stuck[fail.name] - 1), 16)):
                pick = _partner(pub, fail.name, involved, may_hide)
                if pick is None:
                    break
                pub.hide(pick)
                changed.add(pick)
                touched |= mine | {id(r) for r in involved.get(pick, [])
                                   if len(r.terms) <= _LOCAL}
                progress = True
        if not progress:
            raise ProtectionError(result)
        before = {n for n in pub.shown if pub.is_hidden(n)}
        _close_lines(pub, may_hide)
        only = {c.name for c in result.failures} | {
            n for n in pub.shown if pub.is_hidden(n)} - before | changed
    raise ProtectionError(audit(pub))


class ProtectionError(RuntimeError):
    def __init__(self, result: AuditResult):
        self.result = result
        super().__init__(
            f"{len(result.failures)} kleine aantallen blijven herleidbaar en er is niets meer "
            "te verbergen: de release wordt niet geschreven")


def _partner(pub: Publication, name: str, involved, may_hide) -> str | None:
    """The cell to hide next for a pinned one: among the nearest cells in the web of
    relations (first those sharing a relation with it, then one relation further, ...), one
    of its own rows before a national sum, a count that can absorb the difference
    (>= threshold) before a smaller one, the smallest.
    Nearest first, because a chain through a hidden total can pin a cell just as well."""
    local = {n for r in involved.get(name, []) if len(r.terms) <= _LOCAL for n, _ in r.terms}
    seen, frontier = {name}, [name]
    while frontier:
        level = {n for f in frontier for r in involved.get(f, []) for n, _ in r.terms} - seen
        options = [n for n in level if n in pub.shown and not pub.is_hidden(n)
                   and pub.truth[n] > 0 and may_hide(n)]
        if options:
            # its own row or breakdown before the 35 areas of a national sum: hiding
            # another area's figure rarely frees a cell pinned inside its own report
            return min(options, key=lambda n: (n not in local, *_cost(pub, n)))
        seen |= level
        frontier = sorted(level)
    return None


def _cost(pub: Publication, name: str) -> tuple:
    """Which shown cell to hide first: one that can absorb the difference (>= threshold)
    before a smaller one, then the smallest: the least information lost."""
    return pub.truth[name] < pub.threshold, pub.truth[name], name


def _close_lines(pub: Publication, may_hide) -> None:
    """Two cheap rules any attacker applies, before the integer programs: no equality with
    exactly one cell unknown (it would be the rest's difference), and no equality whose
    hidden cells, all on one side, add up to so little that one of them cannot reach the
    threshold while the others are at least 1 (13 - 5 = 8 over two hidden cells leaves each
    at most 7, fine; 7 - 2 = 5 over two leaves each at most 4: pinned below 5). Either way
    the smallest other non-zero shown cell is hidden too, until stable."""
    t = pub.threshold
    changed = True
    while changed:
        changed = False
        for r in pub.relations:
            if r.sense != "==":
                continue
            unknown = [(n, c) for n, c in r.terms if pub.bounds(n)[0] < pub.bounds(n)[1]]
            if len(unknown) == 1:
                if unknown[0][0] not in pub.shown:
                    continue
            elif not (all(pub.is_hidden(n) for n, _ in unknown)
                      and len({c > 0 for _, c in unknown}) == 1
                      and any(pub.is_small(n) for n, _ in unknown)
                      and sum(pub.truth[n] for n, _ in unknown) - (len(unknown) - 1) < t):
                continue
            options = [n for n, _ in r.terms if n in pub.shown and not pub.is_hidden(n)
                       and pub.bounds(n)[0] == pub.bounds(n)[1]
                       and pub.truth[n] > 0 and may_hide(n)]
            if options:
                pub.hide(min(options, key=lambda n: _cost(pub, n)))
                changed = True
