"""Disclosure control (methodology.md): minimum group size and secondary suppression solved across
every linked table of a measure at once.

Cells are (group, measure). A *family* is a parent group and child groups inside it (a unit and
its sub-units; a unit and one demographic's groups; an organisation-wide group and the same group
in each directorate). The parent's respondents not in any child form the family's *remainder*
(direct members, "not stated"), which is never published. The attacker (methodology.md) knows
every shown value, every group's respondent count, and solves all families of a measure at once
within the value range. A measure's cells are suppressed so that:

1. no cell of 1-9 respondents is shown (primary suppression; callers may mark more primaries,
   e.g. a group that answered a sensitive question unanimously);
2. no hidden group cell, and no remainder of 1-9 respondents, is fixed exactly by the relations
   (cells of nobody aside: they have nothing to disclose);
3. every primary cell keeps a protection interval for every split: the values it can take span
   at least `disclosure_intervals.required_width` (one respondent's worth), or as much as its
   parents' own figures allow;
4. in a family whose parent is shown, the hidden part (hidden children + remainder) is either
   empty or at least `min_group_size` respondents, so no small *combination* is exposed either.

Exact fixing is cheap to re-check and is mended one complement per linked part at a time;
intervals need linear programmes, so each round gives every leaking cell one complement, then
checks again. A complement
is a shown child before any parent (hiding a total leaves it alone in each of its own breakdowns),
preferably one that can move the other way and would not be left alone elsewhere, then the
smallest; the organisation's own figure last of all. Measures that must share one pattern (the
splits of one question, whose shares add up to 100) share a `key`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from pipelines.disclosure.intervals import Component, achievable_width, required_width

VALUE_RANGE = 100.0
FIXED = "value fixed exactly by published relations"
NARROW = "value bounded more tightly than the protection interval"
SMALL_COMBINATION = "hidden cells of fewer than the threshold together, fixed by a shown parent"
_SLACK = 1e-6


def suppress(cells: pd.DataFrame, families: pd.DataFrame, min_group_size: int, *,
             adding_keys: frozenset[str] = frozenset(), value_range: float = VALUE_RANGE,
             hidden_parents_pin: bool = False) -> pd.Series:
    """Boolean Series (aligned with `cells`) of suppressed cells.

    cells: group_id, measure, respondents; optional `value` (enables the protection-interval
    test; without it only exact fixing is checked), `key` (measures suppressed together, default
    the measure) and `primary` (extra primary cells).
    families: family_id, group_id, role ('parent' or 'child'); one parent per family.
    adding_keys: keys whose measures' values add up to the whole range in every cell.
    hidden_parents_pin: let a hidden parent's own figure limit the interval its children need
    (weaker: used for comment theme shares, whose small tables otherwise lose their totals).
    """
    frame = cells.reset_index(drop=True)
    flags = np.zeros(len(frame), dtype=bool)
    with threadpool_limits(1):  # many small factorisations: threads cost more than they save
        for rows, table in _linked_tables(frame, families, min_group_size, adding_keys, value_range):
            table.hidden_parents_pin = hidden_parents_pin
            flags[rows] = table.protect()
    return pd.Series(flags, index=cells.index, name="suppressed")


def find_leaks(cells: pd.DataFrame, families: pd.DataFrame, min_group_size: int, hidden: pd.Series, *,
               adding_keys: frozenset[str] = frozenset(), value_range: float = VALUE_RANGE) -> pd.DataFrame:
    """The attacker's view of a published pattern: one row (group_id, key, reason) per hidden cell
    that can be fixed or bounded too tightly, or small hidden combination a shown parent fixes.
    `cells` as for `suppress` (true respondents and values); `hidden` aligned with `cells`."""
    frame = cells.reset_index(drop=True)
    hidden_flags = hidden.to_numpy(dtype=bool)
    found = []
    with threadpool_limits(1):
        tables = list(_linked_tables(frame, families, min_group_size, adding_keys, value_range, hidden_flags))
        leaks = [(rows, table, table.leaks()) for rows, table in tables]
    for rows, table, table_leaks in leaks:
        key = frame.loc[rows[0], "key"] if "key" in frame else frame.loc[rows[0], "measure"]
        for cell, family, reason, _split in table_leaks:
            if table.is_group[cell]:
                found.append((table.groups[cell], key, reason))
            else:  # a remainder: report the family's parent
                parent = table.equations[family][0][0] if family is not None else table.equations[table.family_of[cell][0]][0][0]
                found.append((table.groups[parent], key, f"{reason} (respondents not in any shown sub-group)"))
    return pd.DataFrame(found, columns=["group_id", "key", "reason"]).drop_duplicates()


def _linked_tables(frame: pd.DataFrame, families: pd.DataFrame, k: int, adding_keys: frozenset[str],
                   value_range: float, hidden: np.ndarray | None = None):
    keys = frame["key"] if "key" in frame else frame["measure"]
    extra = frame["primary"].fillna(False).to_numpy(dtype=bool) if "primary" in frame else np.zeros(len(frame), dtype=bool)
    # Plain arrays sliced per table: a data frame's indexing costs more than a small table's work.
    # Groups and measures numbered once for the whole frame, not once per table.
    group_codes, group_names = pd.factorize(frame["group_id"])
    measure_codes, measure_names = pd.factorize(frame["measure"])
    respondents = frame["respondents"].to_numpy(dtype=float)
    values = frame["value"].to_numpy(dtype=float) if "value" in frame and frame["value"].notna().any() else None
    family_index = _FamilyIndex.of(families)
    groups = _Groups(np.asarray(group_names, dtype=object), family_index.group_ids.get_indexer(group_names))
    for key, rows in frame.groupby(keys, sort=False).indices.items():
        yield rows, LinkedTable(group_codes[rows], measure_codes[rows], respondents[rows], None if values is None else values[rows],
                                extra[rows], groups, family_index, k, adding=key in adding_keys, value_range=value_range,
                                hidden_rows=None if hidden is None else hidden[rows])


@dataclass(frozen=True)
class _Groups:
    """The frame's groups in one numbering: each group's name and its number among the families'
    groups (-1 where it is in no family)."""
    names: np.ndarray
    in_families: np.ndarray


@dataclass(frozen=True)
class _FamilyIndex:
    """The families as arrays over one numbering of their groups, built once for all of a
    measure's linked tables: parent per family, and the children in family order."""
    group_ids: pd.Index
    parent: np.ndarray  # (families,) group numbers
    child: np.ndarray  # (children,) group numbers, grouped by family
    child_family: np.ndarray  # (children,) the family of each child
    _layouts: dict  # equations and families per table layout, shared by tables of that layout

    @classmethod
    def of(cls, families: pd.DataFrame) -> "_FamilyIndex":
        parents = families[families["role"] == "parent"].drop_duplicates("family_id").set_index("family_id")["group_id"]
        children = families[(families["role"] == "child") & families["family_id"].isin(parents.index)]
        children = children.sort_values("family_id", kind="stable")
        family_ids, child_family = np.unique(children["family_id"].to_numpy(), return_inverse=True)
        group_ids = pd.Index(pd.unique(pd.concat([parents, children["group_id"]], ignore_index=True)))
        return cls(group_ids, group_ids.get_indexer(parents.loc[family_ids]),
                   group_ids.get_indexer(children["group_id"]), child_family.astype(np.int64), {})

    def equations(self, found: np.ndarray, kid_cells: np.ndarray, kid_family: np.ndarray, present: np.ndarray,
                  parents: np.ndarray, with_rest: np.ndarray) -> "_Layout":
        """A table's equations (parent +1, children and remainder -1) and each cell's families.
        Tables of one measure mostly share their groups and which families have a remainder, so
        the structure is built once per such layout and shared (it is only read)."""
        layout = (found.tobytes(), present.tobytes(), with_rest.tobytes())
        if layout not in self._layouts:
            starts = np.searchsorted(kid_family, np.arange(len(self.parent) + 1))
            equations: list[list[tuple[int, float]]] = []
            family_of: dict[int, list[int]] = defaultdict(list)
            remainder = len(found)
            for f, rest, parent in zip(present.tolist(), with_rest.tolist(), parents.tolist()):
                terms = [(parent, 1.0)] + [(c, -1.0) for c in kid_cells[starts[f]:starts[f + 1]].tolist()]
                if rest:
                    terms.append((remainder, -1.0))
                    remainder += 1
                for cell, _ in terms:
                    family_of[cell].append(len(equations))
                equations.append(terms)
            self._layouts[layout] = _Layout(equations, family_of, remainder)
        return self._layouts[layout]


class _Layout:
    """The equations of tables with the same groups and remainders, shared by those tables."""

    def __init__(self, equations: list[list[tuple[int, float]]], family_of: dict[int, list[int]], n_cells: int):
        self.equations, self.family_of = equations, family_of
        # The same equations as coordinate arrays: equation, cell, coefficient.
        self.terms = (np.array([f for f, t in enumerate(equations) for _ in t], dtype=np.int64),
                      np.array([c for t in equations for c, _ in t], dtype=np.int64),
                      np.array([v for t in equations for _, v in t], dtype=float))
        # Mending exactly fixed cells depends on the layout, the counts and the hidden pattern only,
        # not on the values: tables that meet it in the same state (questions everyone answered,
        # with the same small groups) take the same complements.
        self.mended: dict[bytes, np.ndarray] = {}
        self.row_spaces: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}  # shared by intervals.Component
        self.parents = self.terms[1][self.terms[2] > 0]  # each equation's one + term, in equation order
        # The terms grouped by cell: cell c's are by_cell[cell_starts[c]:cell_starts[c + 1]].
        self.by_cell = np.argsort(self.terms[1], kind="stable")
        self.cell_starts = np.searchsorted(self.terms[1][self.by_cell], np.arange(n_cells + 1))

    def terms_of(self, cells: np.ndarray) -> np.ndarray:
        """The indices of the terms of `cells` (grouped by cell), without a pass over every term."""
        starts = self.cell_starts[cells]
        counts = self.cell_starts[cells + 1] - starts
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return self.by_cell[np.repeat(starts, counts) + offsets]


class LinkedTable:
    """One key's cells (one per group, one column per split measure) and the families linking them."""

    def __init__(self, group_codes: np.ndarray, measure_codes: np.ndarray, respondents: np.ndarray, values: np.ndarray | None,
                 extra_primary: np.ndarray, all_groups: _Groups, families: "_FamilyIndex", k: int, *,
                 adding: bool, value_range: float, hidden_rows: np.ndarray | None = None):
        """One row per (group, measure) cell, each named by its code in `all_groups` and a measure
        code: `values` None where only exact fixing is checked."""
        self.k, self.adding, self.value_range = k, adding, value_range
        group_index, group_codes = pd.factorize(group_codes)  # numbered in order of first appearance
        split_index, splits = pd.factorize(measure_codes)
        self.groups, self.splits = all_groups.names[group_codes], splits
        n = np.zeros(len(self.groups))
        np.maximum.at(n, group_index, respondents)
        self.has_values = values is not None and not np.isnan(values).all()
        grid = np.full((len(self.groups), len(self.splits)), np.nan)
        if self.has_values:
            grid[group_index, split_index] = values
        numerators = np.nan_to_num(grid) * n[:, None]
        primary = np.zeros(len(self.groups), dtype=bool)
        np.logical_or.at(primary, group_index, extra_primary)
        primary |= n < k
        self._row_group = group_index

        # Families present in this table, each with its remainder as an extra (never shown) cell.
        local = np.full(len(families.group_ids), -1)
        found = all_groups.in_families[group_codes]
        local[found[found >= 0]] = np.flatnonzero(found >= 0)
        parent_of = local[families.parent]
        kept = (local[families.child] >= 0) & (parent_of[families.child_family] >= 0)
        kid_cells, kid_family = local[families.child][kept], families.child_family[kept]
        kid_n = np.bincount(kid_family, weights=n[kid_cells], minlength=len(parent_of))
        kid_numerators = np.zeros((len(parent_of), len(self.splits)))
        np.add.at(kid_numerators, kid_family, numerators[kid_cells])
        present = np.unique(kid_family)
        parents = parent_of[present]
        rest_n = n[parents] - kid_n[present]
        with_rest = rest_n > 0.5
        self._layout = families.equations(found, kid_cells, kid_family, present, parents, with_rest)
        self.equations, self.family_of, self._terms = self._layout.equations, self._layout.family_of, self._layout.terms
        rest_tops = np.clip(numerators[parents] - kid_numerators[present], 0, (value_range * rest_n)[:, None])[with_rest]
        sizes = np.concatenate([n, rest_n[with_rest]])
        tops = np.vstack([numerators, rest_tops])
        sensitive = np.concatenate([primary, rest_n[with_rest] < k])
        self.n, self.numerators, self.needs_protection = sizes, tops, sensitive
        self.hidden = self.needs_protection.copy()
        if hidden_rows is not None:  # auditing a published pattern rather than choosing one
            self.hidden[:len(self.groups)] = False
            np.logical_or.at(self.hidden, group_index, hidden_rows)
        self.hidden[len(self.groups):] = True  # remainders are never published
        self.is_group = np.arange(len(self.n)) < len(self.groups)
        # A hidden group cell must protect something, and a fixed one cannot; a small remainder
        # fixed exactly gives its few respondents away; a cell of nobody (no leavers in a team
        # this quarter) has nothing to disclose.
        self._disclosive = (self.is_group | self.needs_protection) & (self.n > 0)
        self.hidden_parents_pin = False
        self.root = int(np.argmax(self.n[:len(self.groups)]))
        self._seen = (self.numerators.copy(), self.numerators.copy())
        self._components_of: tuple[bytes | None, list[Component]] = (None, [])
        self._labelled: tuple[np.ndarray, np.ndarray | None] = (self.hidden.copy(), None)
        self._narrow_cache: dict[tuple, list] = {}
        self._hidden_counted: tuple[bytes | None, np.ndarray] = (None, np.zeros(0))

    def protect(self) -> np.ndarray:
        """Add secondary suppressions until nothing leaks. Exact fixing is cheap to re-check, so
        those leaks are mended one complement per component at a time; interval leaks need linear programmes, so
        each round mends every leaking cell once and then checks again. The organisation's own
        figure is hidden only in a round where nothing else could be."""
        while True:
            self._mend_fixed_cells()
            leaks = self.leaks()
            added: set[int] = set()
            for root_allowed in (False, True):
                for cell, family, _reason, split in leaks:
                    complement = self._complement_for(cell, family, split, exclude=added, root_allowed=root_allowed)
                    if complement is not None:
                        added.add(complement)
                if added:
                    break
            if not added:
                return self.hidden[self._row_group]
            self.hidden[list(added)] = True

    def _mend_fixed_cells(self) -> None:
        """One complement per component with a fixed cell each round: components are independent
        until a complement joins them, and recomputing them after every single complement is what
        a small organisation's thousands of small cells would otherwise pay for. A component whose
        only candidates were taken this round waits for the next (the taken one may mend it too);
        the organisation's own figure is hidden only when nothing else can be."""
        state = b"".join((self.n.tobytes(), self.needs_protection.tobytes(), self.hidden.tobytes()))
        if state in self._layout.mended:
            self.hidden[self._layout.mended[state]] = True
            return
        before = self.hidden.copy()
        self._mend_each_component()
        self._layout.mended[state] = np.flatnonzero(self.hidden & ~before)

    def _mend_each_component(self) -> None:
        while True:
            added: set[int] = set()
            waiting: list[list[int]] = []
            for component in self.components():
                if not len(component.fixed_cells):
                    continue
                fixed = component.fixed_cells.tolist()
                complement = next((c for cell in fixed if (c := self._complement_for(
                    cell, None, None, exclude=added, root_allowed=False)) is not None), None)
                if complement is None:
                    waiting.append(fixed)
                else:
                    added.add(complement)
            if not added:
                added = {c for fixed in waiting[:1] for cell in fixed[:1]
                         if (c := self._complement_for(cell, None, None, root_allowed=True)) is not None}
            if not added:
                return
            self.hidden[list(added)] = True

    # -- audit -------------------------------------------------------------------------------
    def leaks(self) -> list[tuple[int, int | None, str, int | None]]:
        """(cell, family to protect it in or None for any of its families, reason, split) per leak."""
        leaking: list[tuple[int, int | None, str, int | None]] = []
        rows, cols, values = self._terms
        below = (values < 0) & self.hidden[cols]  # hidden children and remainders
        hidden_n = np.bincount(rows[below], weights=self.n[cols[below]], minlength=len(self.equations))
        parents = self._layout.parents
        for family in np.flatnonzero(~self.hidden[parents] & (hidden_n > 0) & (hidden_n < self.k)).tolist():
            leaking.append((int(parents[family]), family, SMALL_COMBINATION, None))
        for component in self.components():
            leaking.extend((c, None, FIXED, None) for c in component.fixed_cells.tolist())
            signature = component.cells.tobytes()
            if signature not in self._narrow_cache:  # unchanged since an earlier round: same answer
                self._narrow_cache[signature] = self._narrow_cells(component)
            leaking.extend(self._narrow_cache[signature])
        return leaking

    def _narrow_cells(self, component: Component) -> list[tuple[int, None, str, int]]:
        """Protected cells (not fixed) whose interval is narrower than required, with the split."""
        if not self.has_values:
            return []
        cells = component.cells
        # Published cells keep the interval; a remainder (never a row of any view) is kept from
        # exact recovery and from small combinations only.
        guarded = np.flatnonzero(self.needs_protection[cells] & self.is_group[cells] & ~component.fixed())
        if guarded.size == 0:
            return []
        need = self._needed_numerator_width(cells[guarded]) - _SLACK
        # Values already seen at feasible points (in smaller components of earlier rounds, or for
        # other cells) settle most cells; the sufficient test runs only for the rest.
        low, high = self._seen
        widths = high[cells[guarded]] - low[cells[guarded]]
        unsettled = np.flatnonzero((widths < need).any(axis=1))
        if unsettled.size:
            widths[unsettled] = np.maximum(widths[unsettled], component.interval_widths(guarded[unsettled]))
        leaking = []
        short = widths < need
        for row in np.flatnonzero(short.any(axis=1)).tolist():
            position = int(guarded[row])
            for split in np.flatnonzero(short[row]).tolist():
                if not component.reaches(position, split, float(need[row, split])):
                    leaking.append((int(cells[position]), None, NARROW, split))
                    break
        return leaking

    def _needed_numerator_width(self, cells: np.ndarray) -> np.ndarray:
        """(cells x splits) protection interval in numerator units, limited to what could be
        protected at all: a group's shown parents' own figures already bound it (if nobody in the
        directorate gave an answer, nobody in its teams did), whatever is hidden below them."""
        n = self.n[cells]
        wanted = np.repeat(required_width(n, self.value_range)[:, None], len(self.splits), axis=1)
        # Every (cell, family) pair is a term of the equations.
        equations, members, _coefficients = self._terms
        row_of = np.full(len(self.n), -1)
        row_of[cells] = np.arange(len(cells))
        terms = self._layout.terms_of(cells)
        members, parents = members[terms], self._layout.parents[equations[terms]]
        # Only a published figure can pin it.
        pinning = (parents != members) & (self.hidden_parents_pin | ~self.hidden[parents])
        rows, parents = row_of[members[pinning]], parents[pinning]
        if rows.size:
            possible = achievable_width(n[rows, None], self.numerators[cells[rows]], self.n[parents, None],
                                        self.numerators[parents], self.value_range)
            np.minimum.at(wanted, rows, possible)
        return wanted * n[:, None]

    def components(self) -> list[Component]:
        """Hidden cells grouped into the connected parts of the equations that link them."""
        pattern = self.hidden.tobytes()
        if self._components_of[0] != pattern:  # the pattern changed since they were last found
            self._components_of = (pattern, self._find_components())
        return self._components_of[1]

    def _labels(self, n_equations: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Each node's component (equations first, then cells): its smallest linked node. Cells are
        only ever added to the hidden ones, so components only merge: the last labels are merged
        along the new cells' terms rather than found again from scratch. Also returns the labels
        of the components that merged or appeared since then (None: everything was found again)."""
        rows, cols, _values = self._terms
        last_hidden, last_labels = self._labelled
        if last_labels is None or (last_hidden & ~self.hidden).any():
            on_hidden = self.hidden[cols]
            labels = _linked_labels(rows[on_hidden], n_equations + cols[on_hidden], n_equations + len(self.n))
            changed = None
        else:
            new_terms = self.hidden[cols] & ~last_hidden[cols]
            merged = _linked_labels(last_labels[rows[new_terms]], last_labels[n_equations + cols[new_terms]], len(last_labels))
            labels = merged[last_labels]
            changed = np.unique(labels[n_equations + np.flatnonzero(self.hidden & ~last_hidden)])
        self._labelled = (self.hidden.copy(), labels)
        return labels, changed

    def _find_components(self) -> list[Component]:
        """The components in the order of their labels. Only those that merged or appeared since
        the last call are built: a complement joins a few components, and a table of a small
        organisation has thousands of others, unchanged."""
        rows, cols, values = self._terms
        hidden = np.flatnonzero(self.hidden)
        if hidden.size == 0:
            return []
        n_equations = len(self.equations)
        labels, changed = self._labels(n_equations)
        in_changed = np.ones(len(rows), dtype=bool)  # the terms of the components to build
        kept, previous = [], {}
        if changed is None:  # found again: a component with the same cells is the same component
            previous = {c.cells.tobytes(): c for c in self._components_of[1]}
        else:
            label_changed = np.zeros(len(labels), dtype=bool)
            label_changed[changed] = True
            kept = [c for c in self._components_of[1] if not label_changed[labels[n_equations + c.cells[0]]]]
            hidden = hidden[label_changed[labels[n_equations + hidden]]]
            in_changed = label_changed[labels[rows]]
        built = self._build_components(labels, hidden, in_changed, previous)
        if not kept:
            return [component for _label, component in built]
        ordered = sorted([(labels[n_equations + c.cells[0]], c) for c in kept] + built, key=lambda pair: pair[0])
        return [component for _label, component in ordered]

    def _build_components(self, labels: np.ndarray, hidden: np.ndarray, in_changed: np.ndarray,
                          previous: dict[bytes, Component]) -> list[tuple[int, Component]]:
        """(label, component) for the `hidden` cells, from the terms of their equations
        (`in_changed`): hidden cells' terms are the equations, shown ones give the constants."""
        rows, cols, values = self._terms
        n_equations = len(self.equations)
        on_hidden = self.hidden[cols]
        shown_terms, on_hidden = in_changed & ~on_hidden, in_changed & on_hidden
        shown_values = -values[shown_terms, None] * self.numerators[cols[shown_terms]]
        constants = np.column_stack([np.bincount(rows[shown_terms], shown_values[:, split], minlength=n_equations)
                                     for split in range(len(self.splits))])
        # Sort cells and terms by component once, so each component is a slice (a table of a small
        # organisation has thousands of small components: no per-component pass over the table).
        cell_label = labels[n_equations + hidden]
        cell_order = np.argsort(cell_label, kind="stable")
        cells_sorted, cell_labels_sorted = hidden[cell_order], cell_label[cell_order]
        cell_starts = np.flatnonzero(_starts_run(cell_labels_sorted))
        cell_ends = np.append(cell_starts[1:], len(cells_sorted))
        local_cell = np.zeros(len(self.n), dtype=np.int64)
        local_cell[cells_sorted] = np.arange(len(cells_sorted)) - np.repeat(cell_starts, cell_ends - cell_starts)
        term_rows, term_cols, term_values = rows[on_hidden], cols[on_hidden], values[on_hidden]
        term_label = labels[n_equations + term_cols]
        term_order = np.lexsort((term_rows, term_label))
        term_rows, term_cols, term_values, term_label = (a[term_order] for a in (term_rows, term_cols, term_values, term_label))
        component_labels = cell_labels_sorted[cell_starts]  # a hidden cell in no family has no terms
        term_starts = np.searchsorted(term_label, component_labels, side="left")
        term_ends = np.searchsorted(term_label, component_labels, side="right")
        # Each component's equations numbered from 0 in one pass: terms are sorted by component,
        # then equation, so a new number starts wherever either changes.
        starts_equation = _starts_run(term_rows) | _starts_run(term_label)
        equation_number = np.cumsum(starts_equation) - 1
        # Each component's cells, bounds and values are slices (views) of these, in sorted order.
        upper, numerators = self.value_range * self.n[cells_sorted], self.numerators[cells_sorted]
        disclosive = self._disclosive[cells_sorted]
        term_counts = term_ends - term_starts
        with_terms = term_counts > 0
        local_equation = equation_number - np.repeat(equation_number[term_starts[with_terms]], term_counts[with_terms])
        local_term_cell = local_cell[term_cols]
        result = []
        for label, cell_start, cell_end, term_start, term_end in zip(
                component_labels.tolist(), cell_starts.tolist(), cell_ends.tolist(), term_starts.tolist(), term_ends.tolist()):
            cells = cells_sorted[cell_start:cell_end]  # ascending: the sort by component was stable
            if previous:
                reused = previous.get(cells.tobytes())
                if reused is not None:  # same hidden cells, hence the same equations and constants
                    result.append((label, reused))
                    continue
            equations = term_rows[term_start:term_end][starts_equation[term_start:term_end]]
            matrix = np.zeros((len(equations), cell_end - cell_start))
            # (a cell is at most once in an equation: assigning is adding)
            matrix[local_equation[term_start:term_end], local_term_cell[term_start:term_end]] = term_values[term_start:term_end]
            result.append((label, Component(cells, matrix, constants[equations], upper[cell_start:cell_end],
                                            numerators[cell_start:cell_end], self.adding, seen=self._seen,
                                            row_spaces=self._layout.row_spaces,
                                            disclosive=disclosive[cell_start:cell_end])))
        return result

    # -- choosing a complement -------------------------------------------------------------------
    def _complement_for(self, cell: int, only_family: int | None, split: int | None,
                        exclude: set[int] = frozenset(), root_allowed: bool = True) -> int | None:
        """The shown group cell to hide next to protect `cell`.

        A child of one of its families before any parent: hiding a unit's or a group's total
        leaves it alone in each of its own breakdowns, each of which then needs a complement, and
        so on up the tree. Among children: for an interval too narrow, one that can move the other
        way in that split; one that would not be left alone in another family; then the smallest.
        Where the cell's families have no shown child, the families of the hidden cells linked to
        it are tried, nearest first; parents only when no child anywhere would do, and the
        organisation's own figure last of all."""
        exclude = set(exclude) | {self.root}
        # Levels of linked families found lazily: usually the cell's own families have a child.
        levels = iter([[only_family]] if only_family is not None else self._linked_families(cell))
        found: list[list[int]] = []

        def families_to_try():
            yield from found
            for level in levels:
                found.append(level)
                yield level

        for parents_allowed in (False, True):
            for families in families_to_try():
                choice = self._best_shown(families, split, exclude, cell, parents_allowed)
                if choice is not None:
                    return choice
        return self._root_if_shown() if root_allowed else None

    def _linked_families(self, cell: int):
        """The cell's families, then those of the hidden cells they link it to, and so on."""
        seen, frontier = {cell}, [cell]
        while frontier:
            families = sorted({f for c in frontier for f in self.family_of[c]})
            yield families
            linked = {c for f in families for c, _ in self.equations[f] if self.hidden[c]} - seen
            seen |= linked
            frontier = sorted(linked)

    def _root_if_shown(self) -> int | None:
        return None if self.hidden[self.root] else self.root

    def _families_left_alone(self, cell: int, chosen_in: int) -> int:
        """How many of the cell's other families have nothing hidden: hiding it there would leave
        it alone, fixed by subtraction, and start a chain of further complements."""
        hidden_in = self._hidden_per_family() - self.hidden[cell]  # the cell itself aside
        return sum(1 for f in self.family_of[cell] if f != chosen_in and hidden_in[f] == 0)

    def _hidden_per_family(self) -> np.ndarray:
        """How many hidden cells each family's equation has (counted again when the pattern changes)."""
        pattern = self.hidden.tobytes()
        if self._hidden_counted[0] != pattern:
            rows, cols, _values = self._terms
            self._hidden_counted = (pattern, np.bincount(rows, weights=self.hidden[cols], minlength=len(self.equations)))
        return self._hidden_counted[1]

    def _best_shown(self, families: list[int], split: int | None, exclude: set[int],
                    protected: int | None = None, parents_allowed: bool = True) -> int | None:
        best, best_key = None, None
        for family in families:
            for rank, (c, _) in enumerate(self.equations[family]):
                if self.hidden[c] or not self.is_group[c] or c in exclude or (rank == 0 and not parents_allowed):
                    continue
                lonely = self._families_left_alone(c, family)
                if split is None:
                    key = (rank == 0, lonely, 0, self.n[c], str(self.groups[c]))
                else:  # an interval too narrow: the complement must be able to move the other way
                    key = (rank == 0, not self._can_balance(protected, c, rank == 0, split), lonely, self.n[c], str(self.groups[c]))
                if best_key is None or key < best_key:
                    best, best_key = c, key
        return best

    def _can_balance(self, protected: int | None, candidate: int, is_parent: bool, split: int) -> bool:
        """Whether `candidate` has room to move the way that lets `protected` leave its bound: a
        sibling moves against it, a parent with it."""
        x, top = self.numerators[candidate, split], self.value_range * self.n[candidate]
        room_up, room_down = x < top - 1e-9, x > 1e-9
        if protected is None:
            return room_up and room_down
        px, ptop = self.numerators[protected, split], self.value_range * self.n[protected]
        if px <= 1e-9:  # must go up
            return room_up if is_parent else room_down
        if px >= ptop - 1e-9:  # must go down
            return room_down if is_parent else room_up
        return room_up or room_down


def _starts_run(values: np.ndarray) -> np.ndarray:
    """True where a sorted array's value differs from the one before (and at the start)."""
    starts = np.empty(len(values), dtype=bool)
    starts[:1] = True
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _linked_labels(left: np.ndarray, right: np.ndarray, size: int) -> np.ndarray:
    """Connected parts of the graph with edges left[i]-right[i]: each node's smallest linked node.
    The smallest label spreads along the edges until nothing changes; the graphs here are
    shallow (a unit tree's depth), and this costs far less per call than building a sparse
    matrix for a graph library, which matters when it runs after every added complement."""
    labels = np.arange(size)
    while True:
        edge_label = np.minimum(labels[left], labels[right])
        before = labels.copy()
        np.minimum.at(labels, left, edge_label)
        np.minimum.at(labels, right, edge_label)
        labels = labels[labels]  # jump to the label's own label: halves the remaining distance
        if np.array_equal(labels, before):
            return labels
