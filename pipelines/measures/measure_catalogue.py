"""The one list of measures the warehouse reports, with what an analyst needs to read them.

Survey and pulse computations take their measure names and counting rules from here, and
`ref_measure` (read by analysts through `hr_measures`) is loaded from here, so a measure cannot be
computed under one name and described under another. Interview measures are listed here too (their
figures are computed in pipelines/publish/interview_results.py) so that every `measure` in every `hr_*`
view resolves to one row of `hr_measures`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from pipelines.shared import contract, reference

BETTER, WORSE, NEUTRAL = "higher_is_better", "higher_is_worse", "neutral"
PERCENT, SCORE, YEARS, NET_SCORE = "percent", "score_0_100", "years", "net_score"
SURVEY, PULSE, EXITS, STAYS = "people_survey", "pulse", "exit_interviews", "stay_interviews"

# Yes-shares of yes/no/prefer-not-to-say questions where "yes" is the bad outcome. The "no"
# share then points the other way; "prefer not to say" has no direction.
YES_IS_BAD = {"E01", "E03", "E06_C", "E06_D"}
# Percent-"positive" questions whose counted answers are a bad outcome (W04: anxious yesterday, 6-10).
COUNTED_IS_BAD = {"W04"}
C01_POLARITY = {1: WORSE, 2: WORSE, 3: BETTER, 4: BETTER}


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    kind: str
    polarity: str
    value_unit: str
    base: str
    sources: tuple[str, ...]
    question_code: str | None = None
    question_text: str | None = None
    theme: str | None = None
    csps_code: str | None = None
    # Survey and pulse measures counted from one answer column: the column and the answers counted.
    column: str | None = None
    counted: frozenset[int] = frozenset()

    def row(self) -> dict:
        """The measure as a ref_measure row."""
        return {"measure": self.name, "label": self.label, "kind": self.kind, "question_code": self.question_code,
                "theme": self.theme, "question_text": self.question_text, "polarity": self.polarity,
                "value_unit": self.value_unit, "base": self.base, "csps_code": self.csps_code,
                "sources": ", ".join(self.sources)}


def _routing(question: reference.Question) -> str:
    base = f"respondents who answered {question.code}"
    if question.asked_if:
        code, answer = question.asked_if
        base += f" (asked only if {code} = {answer})"
    return base


def _question_measures(question: reference.Question, sources: tuple[str, ...]) -> list[Measure]:
    common = dict(question_code=question.code, question_text=question.label, sources=sources,
                  base=_routing(question), value_unit=PERCENT, column=question.column)
    if question.scale == "yes_no_pnts":
        bad = question.code in YES_IS_BAD
        answers = (("yes", 1, WORSE if bad else BETTER), ("no", 2, BETTER if bad else WORSE), ("pnts", 3, NEUTRAL))
        return [Measure(f"{question.code}_{suffix}", f"{question.label}: {contract.SCALE_CODES['yes_no_pnts'][code]}",
                        "answer_share", polarity, theme=None, csps_code=f"{question.code}_{suffix}",
                        counted=frozenset({code}), **common)
                for suffix, code, polarity in answers]
    if question.code == "C01":
        return [Measure(f"C01_{code}", f"Intentions: {answer}", "answer_share", C01_POLARITY[code],
                        csps_code=f"C01_{code}", counted=frozenset({code}), **common)
                for code, answer in contract.SCALE_CODES["intent4"].items()]
    polarity = WORSE if question.code in COUNTED_IS_BAD else BETTER
    return [Measure(question.code, question.label, "percent_positive", polarity, theme=question.theme or None,
                    csps_code=question.code, counted=question.positive_codes, **common)]


def _survey_measures() -> list[Measure]:
    measures: list[Measure] = []
    repeated = set(reference.PULSE_REPEATED_QUESTIONS)
    for question in reference.question_bank():
        sources = (SURVEY, PULSE) if question.code in repeated else (SURVEY,)
        for measure in _question_measures(question, sources):
            # The pulse repeats only the yes-share of yes/no/pnts items (E03_yes).
            if PULSE in sources and measure.kind == "answer_share" and not measure.name.endswith("_yes"):
                measure = replace(measure, sources=(SURVEY,))
            measures.append(measure)
    benchmark_codes = reference.c02_benchmark_codes()
    for reason in reference.leaving_reasons():
        name = f"C02_{reason['code']}"
        measures.append(Measure(
            name, f"Reason for wanting to leave: {reason['label']}", "reason_share", NEUTRAL, PERCENT,
            "respondents intending to leave within 12 months (C01 = 1 or 2) who ticked at least one reason; "
            "several reasons may be ticked, so shares add up to more than 100",
            (SURVEY,), question_code="C02", question_text=f"Why would you leave? {reason['label']}",
            csps_code=benchmark_codes.get(name), column=f"c02_{reason['code']}", counted=frozenset({1})))
    for theme in reference.SCORED_THEMES:
        measures.append(Measure(
            f"THEME:{theme}", f"Theme score: {theme.replace('_', ' ')}", "theme_score", BETTER, SCORE,
            "respondents who answered any question of the theme; the score is the mean of its questions' % positive",
            (SURVEY,), theme=theme, csps_code=f"THEME:{theme}"))
    measures.append(Measure(
        "EEI", "Employee Engagement Index", "index", BETTER, SCORE,
        f"respondents who answered any of {', '.join(reference.ENGAGEMENT_ITEMS)}; each answer scores 0, 25, 50, 75 or 100",
        (SURVEY,), theme="engagement", csps_code="EEI"))
    return measures


def _pulse_measures() -> list[Measure]:
    measures: list[Measure] = []
    shifts: dict[str, None] = {}
    for item in reference.pulse_items():
        measures.append(Measure(item.code, item.label, "pulse_item", BETTER, PERCENT,
                                f"pulse respondents who answered {item.code} (weighted to the workforce)", (PULSE,),
                                question_code=item.code, question_text=item.label, theme=item.cultural_shift,
                                column=item.code.lower(), counted=contract.POSITIVE_CODES[item.scale]))
        shifts[item.cultural_shift] = None
    for shift in shifts:
        measures.append(Measure(f"SHIFT:{shift}", f"Cultural shift: {shift}", "cultural_shift", BETTER, PERCENT,
                                "pulse respondents who answered either of the shift's two items; each respondent "
                                "counts the share of their answered items that are positive", (PULSE,), theme=shift))
    return measures


def _interview_measures() -> list[Measure]:
    measures = [
        Measure(name, label, "leaving_rate", WORSE, PERCENT,
                "average headcount of the quarter (workforce snapshots in force at its start and end)", (EXITS,))
        for name, label in (("leaving_rate", "Leaving rate: all interviewed leavers"),
                            ("voluntary_leaving_rate", "Leaving rate: resignations and transfers to another department"),
                            ("other_leaving_rate", "Leaving rate: other leavers (end of contract, retirement ...)"))
    ]
    exit_base = "exit interviews with a primary reason"
    for reason in reference.leaving_reasons():
        code, label = reason["code"], reason["label"]
        measures.append(Measure(f"primary:{code}", f"Main reason for leaving: {label}", "leaver_reason", NEUTRAL,
                                PERCENT, exit_base, (EXITS,)))
        measures.append(Measure(f"any:{code}", f"A reason for leaving (main or other): {label}", "leaver_reason",
                                NEUTRAL, PERCENT, exit_base + "; several reasons per leaver, so shares add up to "
                                "more than 100", (EXITS,)))
    every_exit = "exit interviews"
    measures.append(Measure("voluntary_share", "Leavers who left voluntarily", "leaver_share", NEUTRAL, PERCENT,
                            every_exit, (EXITS,)))
    for name, polarity in (("yes", BETTER), ("no", WORSE), ("maybe", NEUTRAL)):
        measures.append(Measure(f"would_return_{name}", f"Would return: {name}", "leaver_share", polarity, PERCENT,
                                "exit interviews that answered would_return", (EXITS,)))
    scored = "exit interviews with a 0-10 recommend score"
    for value in range(11):
        measures.append(Measure(f"recommend_{value}", f"Would recommend the organisation: scored {value}",
                                "leaver_share", NEUTRAL, PERCENT, scored, (EXITS,)))
    measures += [
        Measure("recommend_promoters", "Promoters (scored 9-10)", "leaver_share", BETTER, PERCENT, scored, (EXITS,)),
        Measure("recommend_detractors", "Detractors (scored 0-6)", "leaver_share", WORSE, PERCENT, scored, (EXITS,)),
        Measure("recommend_net_score", "Net recommend score (promoters - detractors)", "leaver_score", BETTER,
                NET_SCORE, scored, (EXITS,)),
        Measure("tenure_mean_years", "Mean years of service at leaving", "leaver_tenure", NEUTRAL, YEARS,
                "exit interviews with a tenure", (EXITS,)),
        Measure("tenure_under_2_years", "Leavers with under 2 years of service", "leaver_share", WORSE, PERCENT,
                "exit interviews with a tenure", (EXITS,)),
    ]
    for factor in reference.stay_factors():
        measures.append(Measure(f"factor:{factor['code']}", f"Keeps me here: {factor['label']}", "stay_factor",
                                NEUTRAL, PERCENT, "stay interviews naming at least one stay factor; several "
                                "factors per interview, so shares add up to more than 100", (STAYS,)))
    for reason in reference.leaving_reasons():
        measures.append(Measure(f"risk:{reason['code']}", f"Might make me leave: {reason['label']}", "leave_risk",
                                NEUTRAL, PERCENT, "stay interviews naming at least one leave risk; several per "
                                "interview, so shares add up to more than 100", (STAYS,)))
    for name, polarity in (("yes", WORSE), ("no", BETTER), ("unsure", NEUTRAL)):
        measures.append(Measure(f"considering_leaving_{name}", f"Considering leaving: {name}", "stay_share",
                                polarity, PERCENT, "stay interviews", (STAYS,)))
    for name, polarity in (("stay", BETTER), ("leave", WORSE), ("unsure", NEUTRAL)):
        measures.append(Measure(f"intent_12m_{name}", f"Intends in the next 12 months to: {name}", "stay_share",
                                polarity, PERCENT, "stay interviews that answered intent_12m", (STAYS,)))
    return measures


@lru_cache(maxsize=1)
def catalogue() -> tuple[Measure, ...]:
    measures = _survey_measures() + _pulse_measures() + _interview_measures()
    names = [m.name for m in measures]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"measures listed twice in the catalogue: {duplicated}")
    return tuple(measures)


def measures_of(source: str) -> list[Measure]:
    return [m for m in catalogue() if source in m.sources]


def by_name() -> dict[str, Measure]:
    return {m.name: m for m in catalogue()}


def survey_reason_for(leaving_reason: str) -> str | None:
    """The people-survey measure asking about the same leaving reason (C02_<reason>), if the survey has one."""
    name = f"C02_{leaving_reason}"
    return name if name in by_name() else None
