"""A realistic synthetic organisation ("Example Agency", org code EXA) for demos, tests and benchmarks.

Survey answers are calibrated: for each question the organisation-wide share of positive answers
matches a target exactly (to the nearest respondent), by default the National Crime Agency's
published CSPS results for that year (see calibration_sources for the fallbacks: the nearest
published year, the Civil Service benchmark, derived values; never a fixed default), while
teams, grades and demographic groups differ from one another the way real units do.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.shared import contract, reference
from pipelines.samples import comments as sample_comments

ORG_CODE = "EXA"
TREE_VALID_FROM = "2020-01-01"
# (directorate, name, [(command, name, number of teams)])
STRUCTURE = [
    ("OPS", "Operations", [("OPS-N", "Operations north", 4), ("OPS-S", "Operations south", 4), ("OPS-B", "Border and ports", 3)]),
    ("INT", "Intelligence", [("INT-A", "Intelligence analysis", 3), ("INT-C", "Covert operations", 2)]),
    ("CYB", "Cyber and economic crime", [("CYB-E", "Economic crime", 2), ("CYB-C", "Cyber crime", 2)]),
    ("COR", "Corporate services", [("COR-HR", "People", 2), ("COR-FIN", "Finance and estates", 2), ("COR-IT", "Technology", 2)]),
]
GRADE_SHARES = {"AA": 0.02, "AO": 0.19, "EO": 0.30, "HEO": 0.22, "SEO": 0.14, "G7": 0.09, "G6": 0.035, "SCS1": 0.005}
DEMOGRAPHIC_SHARES = {
    "sex": {1: 0.42, 2: 0.52, 3: 0.06},
    "gender_same_as_sex": {1: 0.93, 2: 0.01, 3: 0.06},
    "sexual_orientation": {1: 0.84, 2: 0.04, 3: 0.03, 4: 0.01, 5: 0.08},
    "ethnicity": {1: 0.82, 2: 0.03, 3: 0.05, 4: 0.03, 5: 0.01, 6: 0.06},
    "long_term_health": {1: 0.17, 2: 0.75, 3: 0.08},
    "age_band": {1: 0.04, 2: 0.22, 3: 0.27, 4: 0.25, 5: 0.17, 6: 0.01, 7: 0.04},
    "employment_type": {1: 0.90, 2: 0.04, 3: 0.03, 4: 0.03},
}
DEFAULT_RESPONSE_RATE = 57.0
EEI_NEGATIVE_SPLIT = {3: 0.55, 2: 0.30, 1: 0.15}
# Survey comment boxes: who writes in each (per respondent) and the themes written about.
COMMENT_RATES = {"text_workload": 0.15, "text_bullying_harassment": 0.03, "text_one_change": 0.10}
HARASSMENT_BOX_THEMES = {"bullying": 0.6, "harassment": 0.2, "discrimination": 0.2}
# 'One thing to change' is about the themes the organisation scores worst on: weight = % not positive.
ONE_CHANGE_MEASURES = {"workload": "B33", "pay": "B35", "it_tools": "B32", "leadership_change": "B38",
                       "learning_development": "B24", "line_management": "B08", "recognition": "B13",
                       "wellbeing": "W09"}


def team_codes() -> list[tuple[str, str, str]]:
    """(team code, team name, directorate code) for every team."""
    return [(f"{command}-T{i}", f"{name} team {i}", directorate)
            for directorate, _, commands in STRUCTURE for command, name, teams in commands for i in range(1, teams + 1)]


def org_unit_rows() -> list[dict]:
    rows = [{"unit_code": ORG_CODE, "unit_name": "Example Agency", "parent_code": "", "level": "organisation"}]
    for directorate, name, commands in STRUCTURE:
        rows.append({"unit_code": directorate, "unit_name": name, "parent_code": ORG_CODE, "level": "directorate"})
        for command, command_name, teams in commands:
            rows.append({"unit_code": command, "unit_name": command_name, "parent_code": directorate, "level": "command"})
            rows += [{"unit_code": f"{command}-T{i}", "unit_name": f"{command_name} team {i}", "parent_code": command,
                      "level": "team"} for i in range(1, teams + 1)]
    return [{**r, "valid_from": TREE_VALID_FROM} for r in rows]


# Leaving reasons we ask about that CSPS C02 has no code for: no published figure or benchmark
# exists, so each is derived from the same year's related survey measure, never a fixed default.
DERIVED_LEAVING_REASONS = {
    # About as many of those leaving cite bullying or harassment as staff report having experienced it.
    "C02_bullying_harassment": lambda t: t["E03_yes"],
    # A fifth of those without the tools they need (B32) would leave over them.
    "C02_it_tools": lambda t: (100 - t["B32"]) / 5,
    # A quarter of those whose L&D is not developing their career (B24) would leave for development.
    "C02_learning_development": lambda t: (100 - t["B24"]) / 4,
    # Relocation is a personal circumstance; as common as CSPS's personal-circumstances reason.
    "C02_relocation": lambda t: t["C02_personal_circumstances"],
}


def _benchmark_name(measure: str) -> str:
    """Benchmark file names to ours: `E01_YES` -> `E01_yes`, numbered `C02_04` -> `C02_pay_benefits`."""
    head, _, tail = measure.rpartition("_")
    if tail in ("YES", "NO", "PNTS"):
        return f"{head}_{tail.lower()}"
    return _c02_names().get(measure, measure)


def _c02_names() -> dict[str, str]:
    return {number: name for name, number in reference.c02_benchmark_codes().items()}


def _by_nearest_year(rows: list[tuple[int, str, float]], year: int) -> dict[str, tuple[float, int]]:
    """Each measure's (value, year) in `year`, else in the nearest year that has it (the earlier on a tie)."""
    best: dict[str, tuple[float, int]] = {}
    for row_year, measure, value in sorted(rows, key=lambda r: (-abs(r[0] - year), -r[0])):
        best[measure] = (value, row_year)  # nearer years come later and win
    return best


def calibration_sources(year: int, organisation: str = "NCA") -> dict[str, tuple[float, str]]:
    """Target value and its source for every measure the generator produces.

    In order of preference: the organisation's published figure for `year`; its published figure
    for the nearest other year (a measure new in one year keeps that value, so no change is shown
    that the published figures do not show); the Civil Service benchmark median for `year` or the
    nearest year that has it; for leaving reasons CSPS does not code, a value derived from related
    measures of the same year (DERIVED_LEAVING_REASONS). Sources: 'published <year>',
    'benchmark <year>', 'derived'.
    """
    sources: dict[str, tuple[float, str]] = {}
    benchmark = [(int(r["year"]), _benchmark_name(r["measure"]), float(r["cs_benchmark_median"]))
                 for r in reference.read_reference_csv("cs_benchmarks.csv")]
    published = [(int(r["year"]), _c02_names().get(r["measure"], r["measure"]), float(r["value"]))
                 for r in reference.read_reference_csv("published_org_results.csv") if r["org_code"] == organisation]
    for rows, kind in ((benchmark, "benchmark"), (published, "published")):
        for measure, (value, source_year) in _by_nearest_year(rows, year).items():
            sources[measure] = (value, f"{kind} {source_year}")
    values = {m: v for m, (v, _) in sources.items()}
    for measure, derive in DERIVED_LEAVING_REASONS.items():
        if measure not in sources:
            sources[measure] = (float(derive(values)), "derived")
    return sources


def calibration_targets(year: int, organisation: str = "NCA") -> dict[str, float]:
    """Target value per measure (see calibration_sources)."""
    return {measure: value for measure, (value, _) in calibration_sources(year, organisation).items()}


def _exact_counts(total: int, shares: list[float]) -> np.ndarray:
    """Split `total` into integer counts proportional to `shares` (largest remainder)."""
    shares = np.asarray(shares, dtype=float)
    raw = total * shares / shares.sum()
    counts = np.floor(raw).astype(int)
    counts[np.argsort(-(raw - counts))[: total - counts.sum()]] += 1
    return counts


class _Generator:
    def __init__(self, respondents: int, seed: int, year: int, targets: dict[str, float]):
        self.n = respondents
        self.rng = np.random.default_rng(seed * 10_000 + year)
        self.targets = targets
        teams = team_codes()
        team_effects = np.random.default_rng(seed).normal(0, 0.45, len(teams))  # stable across years
        sizes = np.random.default_rng(seed + 1).uniform(0.5, 1.5, len(teams))
        pick = self.rng.choice(len(teams), size=self.n, p=sizes / sizes.sum())
        self.unit = np.array([t[0] for t in teams], dtype=object)[pick]
        self.team_sizes = sizes / sizes.sum()
        self.teams = teams
        self.latent = team_effects[pick] + self.rng.normal(0, 1, self.n)
        self.columns: dict[str, np.ndarray] = {}

    def target(self, measure: str) -> float:
        """The calibration target; a measure without one is an error, never a silent default."""
        try:
            return self.targets[measure]
        except KeyError:
            raise KeyError(f"no calibration target for {measure}: add it to the published results, the "
                           "benchmarks or DERIVED_LEAVING_REASONS") from None

    def demographics(self) -> None:
        grades = list(GRADE_SHARES)
        self.columns["grade"] = self.rng.choice(grades, size=self.n, p=list(GRADE_SHARES.values())).astype(object)
        for column, shares in DEMOGRAPHIC_SHARES.items():
            codes = self.rng.choice(list(shares), size=self.n, p=list(shares.values())).astype(float)
            codes[self.rng.random(self.n) < 0.03] = np.nan
            self.columns[column] = codes
        # Groups differ on some items, as real surveys show (e.g. women on challenging behaviour).
        self.latent = self.latent - 0.15 * (self.columns["sex"] == 1) - 0.25 * (self.columns["long_term_health"] == 1)

    def _ranked(self, eligible: np.ndarray, noise: float = 1.0) -> np.ndarray:
        """Indices of eligible respondents, most positive first."""
        index = np.flatnonzero(eligible)
        score = self.latent[index] + self.rng.normal(0, noise, len(index))
        return index[np.argsort(-score, kind="stable")]

    def percent_positive(self, question: reference.Question, answer_rate: float) -> None:
        codes = sorted(contract.SCALE_CODES[question.scale])
        positive = sorted(question.positive_codes)
        negative = [c for c in codes if c not in question.positive_codes]
        answered = self.rng.random(self.n) < answer_rate
        ranked = self._ranked(answered)
        target = self.target(question.code)
        k = int(round(target / 100 * len(ranked)))
        values = np.full(self.n, np.nan)
        values[ranked[:k]] = self._spread(positive, k, question)
        values[ranked[k:]] = self._spread(negative, len(ranked) - k, question, negative_side=True)
        self.columns[question.code] = values

    def _spread(self, codes: list[int], count: int, question: reference.Question, negative_side: bool = False) -> np.ndarray:
        if count == 0:
            return np.array([])
        if question.scale == "agree5" and negative_side:
            counts = _exact_counts(count, [EEI_NEGATIVE_SPLIT[c] for c in codes])
        elif question.scale == "agree5":
            counts = _exact_counts(count, [1 - self.share_of_fives, self.share_of_fives])
        else:
            counts = _exact_counts(count, self.rng.uniform(0.5, 1.5, len(codes)))
        values = np.repeat(codes, counts).astype(float)
        self.rng.shuffle(values)
        return values

    def answer_shares(self, code: str, asked: np.ndarray, suffixes: list[str], answer_rate: float = 0.98) -> None:
        """Questions reported as shares of each answer (yes/no/pnts, C01): code 1 to the least positive."""
        answered = asked & (self.rng.random(self.n) < answer_rate)
        counts = _exact_counts(int(answered.sum()), [self.target(f"{code}_{s}") for s in suffixes])
        values = np.full(self.n, np.nan)
        if "pnts" in suffixes:  # 'prefer not to say' is not a point on the positive-negative line
            declined = self.rng.choice(np.flatnonzero(answered), size=counts[2], replace=False)
            values[declined] = 3
            answered[declined] = False
            counts = counts[:2]
        least_positive_first = self._ranked(answered)[::-1]
        values[least_positive_first] = np.repeat(np.arange(1, len(counts) + 1), counts)
        self.columns[code] = values

    def reasons_for_leaving(self) -> None:
        """C02, asked of those leaving within a year (C01 = 1 or 2), calibrated exactly.

        A reason's share is taken over those leaving who tick at least one reason, so every one of
        them ticks a first reason (in proportion to the targets) and each reason is then ticked by
        further leavers until exactly its target share of them tick it. Those bullied or harassed
        (E03) are the likeliest to give bullying or harassment as a reason.
        """
        leaving = np.flatnonzero(np.isin(self.columns["C01"], (1, 2)))
        codes = [r["code"] for r in reference.leaving_reasons()]
        shares = np.array([self.target(f"C02_{code}") for code in codes]) / 100
        shares = shares / min(1.0, shares.sum())  # every one of them ticks something: shares add up to 100% or more
        wanted = np.minimum(np.rint(shares * len(leaving)).astype(int), len(leaving))
        ticks = np.zeros((len(leaving), len(codes)), dtype=bool)
        first = np.repeat(np.arange(len(codes)), _exact_counts(len(leaving), shares))
        self.rng.shuffle(first)
        ticks[np.arange(len(leaving)), first] = True
        bullied = self.columns["E03"][leaving] == 1
        for j, code in enumerate(codes):
            free = np.flatnonzero(~ticks[:, j])
            extra = min(max(wanted[j] - int(ticks[:, j].sum()), 0), len(free))
            weight = np.where(bullied[free], 8.0, 1.0) if code == "bullying_harassment" else np.ones(len(free))
            ticks[self.rng.choice(free, size=extra, replace=False, p=weight / weight.sum()), j] = True
        for j, code in enumerate(codes):
            column = np.full(self.n, np.nan)
            column[np.isin(self.columns["C01"], (1, 2))] = 0.0
            column[leaving] = ticks[:, j]
            self.columns[f"C02_{code}"] = column

    def comments(self) -> None:
        """Comments whose themes follow the answers: the bullied write in the bullying box, those
        with an unacceptable workload about workload, and 'one change' is mostly about the weakest areas."""
        workload_writes = self.rng.random(self.n) < np.where(self.columns["B33"] <= 2, 0.45, 0.08)
        workload_themes = np.where(self.rng.random(self.n) < 0.8, "workload", "wellbeing")
        self.columns["text_workload"] = sample_comments.comments(self.rng, workload_themes, workload_writes)
        bullied = self.columns["E03"] == 1
        harassment_writes = self.rng.random(self.n) < np.where(bullied, 0.5, COMMENT_RATES["text_bullying_harassment"])
        themes = self.rng.choice(list(HARASSMENT_BOX_THEMES), size=self.n, p=list(HARASSMENT_BOX_THEMES.values()))
        self.columns["text_bullying_harassment"] = sample_comments.comments(self.rng, themes, harassment_writes)
        weights = np.array([100 - self.target(m) for m in ONE_CHANGE_MEASURES.values()])
        themes = self.rng.choice(list(ONE_CHANGE_MEASURES), size=self.n, p=weights / weights.sum())
        writes = self.rng.random(self.n) < COMMENT_RATES["text_one_change"]
        self.columns["text_one_change"] = sample_comments.comments(self.rng, themes, writes)

    def build(self) -> pd.DataFrame:
        self.demographics()
        engagement = [self.target(c) / 100 for c in reference.ENGAGEMENT_ITEMS]
        self.share_of_fives = _share_of_fives(self.target("EEI"), engagement)
        for question in reference.question_bank():
            if question.scale == "yes_no_pnts" or question.code == "C01":
                continue
            answer_rate = 1.0 if question.code in reference.ENGAGEMENT_ITEMS else self.rng.uniform(0.94, 0.995)
            self.percent_positive(question, answer_rate)
        everyone = np.ones(self.n, dtype=bool)
        self.answer_shares("C01", everyone, ["1", "2", "3", "4"])
        for code in ("E01", "E03"):
            self.answer_shares(code, everyone, ["yes", "no", "pnts"])
        self.answer_shares("E05", self.columns["E03"] == 1, ["yes", "no", "pnts"])
        for code in ("E06_A", "E06_B", "E06_C", "E06_D"):
            self.answer_shares(code, self.columns["E05"] == 1, ["yes", "no", "pnts"])
        self.reasons_for_leaving()
        self.comments()
        frame = pd.DataFrame({"unit_code": self.unit, **self.columns})
        for column in frame.columns:
            if frame[column].dtype == float:
                frame[column] = frame[column].astype("Int64")
        return frame


def _share_of_fives(eei_target: float, positive_shares: list[float]) -> float:
    """Share of 'strongly agree' among positive answers that makes the EEI hit its target.

    With every engagement item answered, EEI = 25 * (mean code - 1) averaged over the items.
    """
    negative_mean = sum(code * share for code, share in EEI_NEGATIVE_SPLIT.items())
    mean_positive = float(np.mean(positive_shares))
    needed_mean_code = eei_target / 25 + 1
    base = float(np.mean([p * 4 + (1 - p) * negative_mean for p in positive_shares]))
    return float(np.clip((needed_mean_code - base) / mean_positive, 0.0, 1.0))


def survey_frame(respondents: int, seed: int, year: int, organisation: str = "NCA") -> pd.DataFrame:
    frame = _Generator(respondents, seed, year, calibration_targets(year, organisation)).build()
    frame.insert(0, "respondent_id", [f"R{year}-{i:07d}" for i in range(respondents)])
    frame.insert(1, "survey_year", year)
    frame.insert(2, "org_code", ORG_CODE)
    return frame


def workforce_frame(survey: pd.DataFrame, snapshot_date: str, response_rate: float, seed: int) -> pd.DataFrame:
    """Headcount by team, grade and sex, sized so that the survey's response rate is realistic."""
    rng = np.random.default_rng(seed)
    respondents = survey.groupby("unit_code").size()
    rows = []
    for team, _, _ in team_codes():
        staff = int(round(respondents.get(team, 0) / (response_rate / 100)))
        by_grade = _exact_counts(staff, list(GRADE_SHARES.values()))
        for grade, count in zip(GRADE_SHARES, by_grade):
            women = int(rng.binomial(count, 0.44))
            rows.append({"snapshot_date": snapshot_date, "unit_code": team, "grade": grade, "sex": 1, "headcount": women})
            rows.append({"snapshot_date": snapshot_date, "unit_code": team, "grade": grade, "sex": 2, "headcount": count - women})
    return pd.DataFrame(rows)
