"""What an analyst can deduce about hidden cells from the linear relations between published ones.

A *linked table* is a set of cells (one per group) with a respondent count `n` and a numerator
(value x n), tied together by equations: for every family, parent = children + remainder. Shown
cells are constants; hidden cells (and the never-published remainders) are unknowns bounded by
the value range, e.g. 0 <= numerator <= 100 n. Several *splits* of one question (yes / no /
prefer not to say) are separate tables whose numerators also add up to 100 n in every cell.

Two questions are answered for each hidden cell:
- is its value fixed exactly (structurally: the cell's unit vector lies in the row space of the
  equations), and
- how wide is the interval of values it can take within the bounds (a linear programme).
A cheap sufficient test runs first: from the true values, move along the minimum-norm direction
of the null space that changes the cell, as far as the bounds allow. A cheap necessary test runs
next: bounds propagated through the equations one at a time (each cell's range given its
neighbours' ranges, repeated) contain every value the cell can take, so a cell they already hold
narrower than required leaks without a programme, and a programme is not run in a direction in
which the cell has already been seen at that outer bound. On a small component, a walk comes
next: from the true values towards each bound of the cell, holding each cell that stops it at its
bound and moving on along the smallest change of the others (a few steps; every point reached is
feasible, so it is sufficient too). Only what none of these settles is given to the LP solver
(HiGHS).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cached_property

import highspy
import numba
import numpy as np
from scipy.linalg.lapack import dgeqp3 as _geqp3, dorgqr as _orgqr

FIXED_TOLERANCE = 1e-9
# Rounds of bound propagation: each carries a bound one equation further; the chains that decide
# a leak are a unit tree's depth long, and a bound that is not tight enough only costs a programme.
PROPAGATION_ROUNDS = 8
# Before a programme, a component this small is walked towards each bound of the cell (a few
# factorisations of at most this many cells cost less than starting HiGHS).
WALK_CELLS = 60
WALK_STEPS = 6


@dataclass
class Component:
    """Hidden cells linked by equations. `equations` rows are over the hidden cells; `numerators`
    is cells x splits (true values, used only to start the sufficient test)."""
    cells: np.ndarray  # indices into the caller's cell list
    equations: np.ndarray  # (rows x cells) coefficients
    constants: np.ndarray  # (rows x splits) right-hand sides
    upper: np.ndarray  # per cell: the largest numerator (value range top x n)
    numerators: np.ndarray  # (cells x splits)
    splits_add_up: bool  # the splits' numerators add up to `upper` in every cell
    # The widest values each of the caller's cells has been seen to take at feasible points, shared
    # across components: a point feasible for fewer hidden cells stays feasible when more are hidden.
    seen: tuple[np.ndarray, np.ndarray] | None = None
    # Row spaces and fixed cells by cell set, shared by components over the same equations (the
    # caller's tables of one layout): the same cells hidden give the same matrix, whatever the values.
    row_spaces: dict[bytes, tuple[np.ndarray, np.ndarray]] | None = None
    # Per cell, whether its exact value would disclose anything (default: every cell's would).
    disclosive: np.ndarray | None = None

    @property
    def row_space(self) -> np.ndarray:
        """Orthonormal rows spanning the equations' row space (pivoted QR)."""
        return self._structure[0]

    @cached_property
    def _structure(self) -> tuple[np.ndarray, np.ndarray]:
        """The row space, and which cells it fixes."""
        signature = self.cells.tobytes()
        if self.row_spaces is not None and signature in self.row_spaces:
            return self.row_spaces[signature]
        row_space = _row_space(self.equations)
        structure = (row_space, (row_space ** 2).sum(axis=0) > 1.0 - FIXED_TOLERANCE)
        if self.row_spaces is not None:
            self.row_spaces[signature] = structure
        return structure

    @cached_property
    def null_projector(self) -> np.ndarray:
        """(cells x cells) the orthogonal projector onto the changes the equations allow."""
        return np.eye(len(self.cells)) - self.row_space.T @ self.row_space

    def fixed(self) -> np.ndarray:
        """Cells whose value follows exactly from the equations, whatever the bounds: their unit
        vector lies in the row space."""
        return self._structure[1]

    @cached_property
    def fixed_cells(self) -> np.ndarray:
        """The caller's numbers of the fixed cells whose value discloses something."""
        fixed = self.fixed() if self.disclosive is None else self.fixed() & self.disclosive
        return self.cells[fixed]

    def interval_widths(self, positions: np.ndarray) -> np.ndarray:
        """(positions x splits) a width each cell's numerator interval is proven to reach, moving
        from the true values along the smallest change of the hidden cells that moves it (and, for
        splits that add up, taking the difference from the split that allows most)."""
        splits = self.numerators.shape[1]
        widths = np.zeros((len(positions), splits))
        projector = self.null_projector
        weights = projector[positions, positions]
        movable = np.flatnonzero(weights >= FIXED_TOLERANCE)
        # In blocks of cells, so that cells x block x splits stays a few million numbers.
        block = max(1, 4_000_000 // max(1, len(self.cells) * splits))
        for start in range(0, len(movable), block):
            rows = movable[start:start + block]
            directions = projector[:, positions[rows]] / weights[rows]
            up, down = _steps(directions, self.numerators, self.upper)
            if self.splits_add_up and splits > 1:
                # The partner split moves the opposite way: its room up is this direction's room down.
                both = np.minimum(up[:, :, None], down[:, None, :]) + np.minimum(down[:, :, None], up[:, None, :])
                both[:, np.arange(splits), np.arange(splits)] = -np.inf
                widths[rows] = both.max(axis=2)
            else:
                widths[rows] = up + down
                self._record(directions, up, down)
        return widths

    def _record(self, directions: np.ndarray, up: np.ndarray, down: np.ndarray) -> None:
        """Keep the points the sufficient test reached as seen values of every cell: each is a
        feasible point, so another cell it moves far enough needs no linear programme."""
        if self.seen is None:
            return
        low, high = self.seen
        x, d = self.numerators[:, None, :], directions[:, :, None]
        moved = np.concatenate([x + up[None] * d, x - down[None] * d], axis=1)
        high[self.cells] = np.maximum(high[self.cells], moved.max(axis=1))
        low[self.cells] = np.minimum(low[self.cells], moved.min(axis=1))

    def reaches(self, position: int, split: int, needed: float) -> bool:
        """Whether the cell's numerator interval is at least `needed` wide (linear programming)."""
        return self._solver.reaches(position, split, needed)

    def outer_bounds(self, split: int) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) per cell containing every value its numerator can take in `split`: the
        bounds propagated through each equation in turn (a relaxation of the linear programme)."""
        if split not in self._outer:
            self._outer[split] = _propagate(self.equations, self.constants[:, split], self.upper)
        return self._outer[split]

    @cached_property
    def _outer(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        return {}

    def exact_width(self, position: int, split: int) -> float:
        """The exact width of the cell's numerator interval (its minimum and maximum)."""
        return self._solver.width(position, split)

    @cached_property
    def _solver(self) -> "_IntervalSolver":
        return _IntervalSolver(self)


class _IntervalSolver:
    """One HiGHS model per component (per split, or all splits together where they add up), reused
    for every cell: only the objective changes between solves, so HiGHS starts from the last basis.

    Every solution is a feasible point of the whole component, so it also shows how far every
    other cell can move: the widest values seen per cell are kept, and a cell already seen to move
    far enough needs no programme of its own."""

    def __init__(self, component: Component):
        self.component = component
        self.models: dict[int, highspy.Highs] = {}
        if component.seen is None:
            self.seen_low, self.seen_high = component.numerators.copy(), component.numerators.copy()
            self.rows = np.arange(len(component.cells))
        else:
            self.seen_low, self.seen_high = component.seen
            self.rows = component.cells

    def reaches(self, position: int, split: int, needed: float) -> bool:
        if self._seen(position, split) >= needed:
            return True
        low, high = (bound[position] for bound in self.component.outer_bounds(split))
        if high - low < needed - _BOUND_SLACK:
            return False  # even the relaxation holds it narrower: no programme can widen it
        x = self.component.numerators[position, split]
        senses = [highspy.ObjSense.kMaximize, highspy.ObjSense.kMinimize]
        if x >= self.component.upper[position] - 1e-9:
            senses.reverse()  # at the top already: going down widens it most
        row = self.rows[position]

        def open_towards(sense) -> bool:  # not yet seen at the outer bound on that side
            if sense == highspy.ObjSense.kMaximize:
                return self.seen_high[row, split] < high - _BOUND_SLACK
            return self.seen_low[row, split] > low + _BOUND_SLACK

        if len(self.component.cells) <= WALK_CELLS:
            for sense in senses:
                if open_towards(sense):
                    self._walk(position, split, 1.0 if sense == highspy.ObjSense.kMaximize else -1.0)
                    if self._seen(position, split) >= needed:
                        return True
        for sense in senses:
            if not open_towards(sense):
                continue
            if not self._solve(position, split, sense):
                return False
            if self._seen(position, split) >= needed:
                return True
        return False

    def _walk(self, position: int, split: int, sign: float) -> None:
        """Move the cell's numerator in `split` the way of `sign` from the true values, as far as
        the bounds allow, along the smallest change of the other cells; where other cells stop
        the move at their bounds, hold them there and carry on without them, a few times (an
        active-set walk towards the programme's optimum). Holding a cell is a rank-one update of
        the projector onto the directions left, so no step refactorises. Every point reached is
        feasible and kept as seen. Where the splits add up, one other split moves the opposite way
        (the one with most room at the cell) so that every cell's shares still add up."""
        c = self.component
        columns = [split]  # the splits that move: this one, and where the splits add up its partner
        if c.splits_add_up and c.numerators.shape[1] > 1:
            room = c.numerators[position].copy() if sign > 0 else c.upper[position] - c.numerators[position]
            room[split] = -np.inf
            columns.append(int(np.argmax(room)))
        x = c.numerators[:, columns]  # (a copy)
        lowest, highest = x.copy(), x.copy()
        _walk_path(c.null_projector.copy(), position, sign, x, np.asarray(c.upper, dtype=float), lowest, highest, WALK_STEPS)
        rows = self.rows[:, None]
        self.seen_low[rows, columns] = np.minimum(self.seen_low[rows, columns], lowest)
        self.seen_high[rows, columns] = np.maximum(self.seen_high[rows, columns], highest)

    def width(self, position: int, split: int) -> float:
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            if not self._solve(position, split, sense):
                return 0.0
        return self._seen(position, split)

    def _seen(self, position: int, split: int) -> float:
        row = self.rows[position]
        return float(self.seen_high[row, split] - self.seen_low[row, split])

    def _solve(self, position: int, split: int, sense) -> bool:
        adding = self.component.splits_add_up
        model_key = -1 if adding else split
        model = self.models.get(model_key)
        if model is None:
            model = self.models[model_key] = self._build(None if adding else split)
        n_cells = len(self.component.cells)
        column = (split if adding else 0) * n_cells + position
        model.changeObjectiveSense(sense)
        model.changeColCost(column, 1.0)
        model.run()
        optimal = model.getModelStatus() == highspy.HighsModelStatus.kOptimal
        values = np.asarray(model.getSolution().col_value).reshape(-1, n_cells).T if optimal else None
        model.changeColCost(column, 0.0)  # (a change to the model discards its solution)
        if not optimal:
            return False  # no movement can be shown: treat as fixed
        splits = slice(None) if adding else slice(split, split + 1)
        self.seen_low[self.rows, splits] = np.minimum(self.seen_low[self.rows, splits], values)
        self.seen_high[self.rows, splits] = np.maximum(self.seen_high[self.rows, splits], values)
        return True

    def _build(self, split: int | None) -> highspy.Highs:
        c = self.component
        n_rows, n_cells = c.equations.shape
        splits = list(range(c.numerators.shape[1])) if split is None else [split]
        # The component's equations once per split (a block each), then, where the splits add up,
        # one row per cell tying its splits together. Written straight as row-ordered triplets:
        # a sparse-matrix library costs more than the small programme it would describe.
        eq_rows, eq_cols = np.nonzero(c.equations)
        eq_values = c.equations[eq_rows, eq_cols]
        blocks = np.arange(len(splits))
        rows = (blocks[:, None] * n_rows + eq_rows).ravel()
        cols = (blocks[:, None] * n_cells + eq_cols).ravel()
        values = np.tile(eq_values, len(splits))
        rhs = np.concatenate([c.constants[:, s] for s in splits])
        if len(splits) > 1:
            rows = np.concatenate([rows, np.repeat(len(splits) * n_rows + np.arange(n_cells), len(splits))])
            cols = np.concatenate([cols, (np.arange(n_cells)[:, None] + blocks * n_cells).ravel()])
            values = np.concatenate([values, np.ones(n_cells * len(splits))])
            rhs = np.concatenate([rhs, c.upper])
        order = np.lexsort((cols, rows))
        starts = np.searchsorted(rows[order], np.arange(len(rhs)))
        model = _quiet_model()
        columns = n_cells * len(splits)
        model.addVars(columns, np.zeros(columns), np.tile(c.upper, len(splits)).astype(float))
        rhs = rhs.astype(float)
        model.addRows(len(rhs), rhs, rhs, len(order), starts.astype(np.int32), cols[order].astype(np.int32),
                      values[order].astype(float))
        return model


# Bounds within this of each other count as met: rounding in the propagation must not turn a
# protected cell into a leak, nor skip a programme that could still widen an interval.
_BOUND_SLACK = 1e-6


def _compiled(function):
    """Compiled to machine code on first use and cached on disk beside the module (or in the
    user's cache); where neither can be written, compiled once per process instead."""
    try:
        return numba.njit(cache=True)(function)
    except RuntimeError:  # numba: "no locator available" for a cache
        return numba.njit(function)


def _propagate(equations: np.ndarray, constants: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outer bounds of each cell within 0..upper under `equations @ x = constants`: each equation
    bounds each of its cells by the ranges of its other cells; repeated while bounds tighten."""
    rows, cols = np.nonzero(equations)
    return _propagate_terms(rows, cols, equations[rows, cols], constants, np.asarray(upper, dtype=float), PROPAGATION_ROUNDS,
                            _BOUND_SLACK)  # (it copies the bounds it tightens)


@_compiled
def _propagate_terms(rows, cols, coefficients, constants, upper, rounds, slack):
    """`_propagate` over the equations' terms (row, cell, coefficient), compiled: a few thousand
    small components per organisation, where NumPy's per-call cost was most of the time."""
    n_terms = rows.shape[0]
    low, high = np.zeros(upper.shape[0]), upper.copy()
    term_low, term_high = np.empty(n_terms), np.empty(n_terms)
    row_low, row_high = np.empty(constants.shape[0]), np.empty(constants.shape[0])
    for _ in range(rounds):
        row_low[:] = 0.0
        row_high[:] = 0.0
        for t in range(n_terms):
            at_low, at_high = coefficients[t] * low[cols[t]], coefficients[t] * high[cols[t]]
            term_low[t], term_high[t] = min(at_low, at_high), max(at_low, at_high)
            row_low[rows[t]] += term_low[t]
            row_high[rows[t]] += term_high[t]
        new_low, new_high = low.copy(), high.copy()
        for t in range(n_terms):
            # coefficient * x = constant - (the row's other terms), whose range is the row's less this term's
            first = (constants[rows[t]] - (row_high[rows[t]] - term_high[t])) / coefficients[t]
            second = (constants[rows[t]] - (row_low[rows[t]] - term_low[t])) / coefficients[t]
            new_low[cols[t]] = max(new_low[cols[t]], min(first, second))
            new_high[cols[t]] = min(new_high[cols[t]], max(first, second))
        moved = -np.inf
        for i in range(low.shape[0]):
            new_high[i] = max(new_high[i], new_low[i])  # rounding must not leave an empty range
            moved = max(moved, new_low[i] - low[i], high[i] - new_high[i])
        low, high = new_low, new_high
        if moved <= slack:  # bounds only ever tighten: stop once no bound moved
            break
    return low, high


_banner_shown = False


def _quiet_model() -> highspy.Highs:
    """A HiGHS model that prints nothing. HiGHS writes its banner to the process's standard output
    when the first model is made, before any option can be set: hold that file descriptor for it
    (once: later models print nothing until asked)."""
    global _banner_shown
    if _banner_shown:
        model = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                model = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    model.setOptionValue("output_flag", False)
    # Presolve pays on large programmes; these are small and solved many times from the last
    # basis with only the objective changed, where it costs about a fifth of the solve time.
    model.setOptionValue("presolve", "off")
    return model


def _row_space(equations: np.ndarray) -> np.ndarray:
    if equations.size == 0:
        return np.zeros((0, equations.shape[1]))
    if equations.shape[0] == 1:  # most components hang on one family's equation: no factorisation needed
        norm = np.linalg.norm(equations[0])
        return equations / norm if norm > 1e-12 else np.zeros((0, equations.shape[1]))
    # A column-pivoted QR of the equations' transpose: its leading columns of Q span the row space,
    # and the diagonal of R (largest first) gives the rank. LAPACK directly: thousands of small
    # factorisations per organisation, where an SVD or a wrapper's checks cost several times more.
    factored, _pivots, reflectors, _work, _info = _geqp3(np.asfortranarray(equations.T))
    diagonal = np.abs(np.diagonal(factored))
    rank = int((diagonal > 1e-9 * max(1.0, diagonal.max(initial=0.0))).sum())
    if rank == 0:
        return np.zeros((0, equations.shape[1]))
    basis, _work, _info = _orgqr(factored[:, :rank], reflectors[:rank])
    return basis.T


@_compiled
def _walk_path(projector, position, sign, x, upper, lowest, highest, steps):
    """The walk's steps (see `_IntervalSolver._walk`), compiled: on components of a few dozen cells
    each step is a few small loops, where NumPy's per-call cost was most of the time. `x` is cells
    x 1 or 2 (the moving split, and its partner that moves the other way); it and `projector` are
    changed in place; `lowest` and `highest` take every point reached. The arithmetic is NumPy's
    order, operation for operation, so the points reached are the same."""
    n, partnered = x.shape[0], x.shape[1] > 1
    limits = np.empty(n)
    direction = np.empty(n)
    for _ in range(steps):
        weight = projector[position, position]
        if weight < FIXED_TOLERANCE:
            break  # held by the cells stopped so far
        scale = sign / weight
        step = np.inf
        for i in range(n):
            d = projector[i, position] * scale
            direction[i] = d
            headroom, floor = upper[i] - x[i, 0], x[i, 0]
            if partnered:  # the partner split moves the other way, within its own bounds
                headroom, floor = min(headroom, x[i, 1]), min(floor, upper[i] - x[i, 1])
            size = abs(d)
            limits[i] = ((headroom if d > 0 else floor) / size) if size > 1e-12 else np.inf
            step = min(step, limits[i])
        step = max(step, 0.0)
        for i in range(n):
            x[i, 0] += step * direction[i]
            if partnered:
                x[i, 1] -= step * direction[i]
            for j in range(x.shape[1]):
                lowest[i, j] = min(lowest[i, j], x[i, j])
                highest[i, j] = max(highest[i, j], x[i, j])
        if limits[position] <= step + 1e-12:
            break  # the cell itself is at its bound
        for cell in range(n):  # held from now on: its unit vector joins the equations
            if limits[cell] <= step + 1e-12:
                pivot = projector[cell, cell]
                if pivot >= FIXED_TOLERANCE:
                    column = projector[:, cell].copy()
                    for a in range(n):
                        for b in range(n):
                            projector[a, b] -= column[a] * (column[b] / pivot)


@_compiled
def _steps(directions, x, upper):
    """(directions x splits): for each direction (a column of `directions`, over cells) and each
    column of x (cells x splits), the largest t with x + t*direction in bounds, and the largest t
    with x - t*direction in bounds. Compiled: one pass, where the array form made two
    cells x directions x splits temporaries per bound."""
    n_directions, n_splits = directions.shape[1], x.shape[1]
    up, down = np.full((n_directions, n_splits), np.inf), np.full((n_directions, n_splits), np.inf)
    for i in range(directions.shape[0]):
        for j in range(n_directions):
            size = abs(directions[i, j])
            if size <= 1e-12:
                continue  # the cell does not move: no limit
            for m in range(n_splits):
                headroom, floor = (upper[i] - x[i, m]) / size, x[i, m] / size
                if directions[i, j] > 0:
                    up[j, m], down[j, m] = min(up[j, m], headroom), min(down[j, m], floor)
                else:
                    up[j, m], down[j, m] = min(up[j, m], floor), min(down[j, m], headroom)
    return np.maximum(up, 0.0), np.maximum(down, 0.0)


def achievable_width(n: np.ndarray, numerator: np.ndarray, total_n: float, total_numerator: np.ndarray,
                     value_range: float) -> np.ndarray:
    """The widest interval (in value units) a cell could have if nothing but a group containing it
    (`total_n` respondents, `total_numerator`) were published. Where even that is narrow (nobody
    in the group gave the answer, or everyone did), that figure says it and no suppression of
    the cells inside it could protect more."""
    n = np.maximum(np.asarray(n, dtype=float), 1.0)
    others = total_n - n
    low = np.maximum(0.0, total_numerator - value_range * others)
    high = np.minimum(value_range * n, total_numerator)
    return np.maximum(high - low, 0.0) / n


def required_width(n: np.ndarray, value_range: float) -> np.ndarray:
    """The protection interval (in value units) a hidden small cell must keep: one respondent's
    worth (value_range / n), so that no count behind a hidden share can be narrowed to a single
    number; for a group of one that is the whole range."""
    n = np.maximum(np.asarray(n, dtype=float), 1.0)
    return np.minimum(value_range, value_range / n)
