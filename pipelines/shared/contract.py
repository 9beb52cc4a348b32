"""Code sets and column rules from the data contracts (spec/data-contracts.md)."""
from __future__ import annotations

# Value codes of each answer scale (contract §1, "Scales").
SCALE_CODES: dict[str, dict[int, str]] = {
    "agree5": {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree", 5: "Strongly agree"},
    "yes_no": {1: "Yes", 2: "No"},
    "yes_no_pnts": {1: "Yes", 2: "No", 3: "Prefer not to say"},
    "frequency5": {1: "Always", 2: "Often", 3: "Sometimes", 4: "Seldom", 5: "Never"},
    "frequency4": {1: "Often or always", 2: "Some of the time", 3: "Rarely", 4: "Never"},
    "discuss4": {1: "Weekly", 2: "Monthly", 3: "Less often than monthly", 4: "Never"},
    "health5": {1: "Excellent", 2: "Very good", 3: "Good", 4: "Fair", 5: "Poor"},
    "productivity5": {1: "90-100%", 2: "80-89%", 3: "70-79%", 4: "60-69%", 5: "under 60%"},
    "scale0_10": {i: str(i) for i in range(11)},
    "intent4": {1: "Leave as soon as possible", 2: "Leave within 12 months", 3: "Stay at least one year", 4: "Stay at least three years"},
}

# Answers counted as positive, by scale, for items that name only their scale (pulse_items.csv);
# the question bank gives annual questions their own positive codes.
POSITIVE_CODES: dict[str, frozenset[int]] = {"agree5": frozenset({4, 5})}

# Demographic columns of the people survey and their codes (contract §1).
DEMOGRAPHIC_CODES: dict[str, dict[int, str]] = {
    "sex": {1: "Female", 2: "Male", 3: "Prefer not to say"},
    "gender_same_as_sex": {1: "Yes", 2: "No", 3: "Prefer not to say"},
    "sexual_orientation": {1: "Heterosexual/straight", 2: "Gay or lesbian", 3: "Bisexual", 4: "Other", 5: "Prefer not to say"},
    "ethnicity": {1: "White", 2: "Mixed or multiple", 3: "Asian", 4: "Black", 5: "Other", 6: "Prefer not to say"},
    "long_term_health": {1: "Yes", 2: "No", 3: "Prefer not to say"},
    "age_band": {1: "16-24", 2: "25-34", 3: "35-44", 4: "45-54", 5: "55-64", 6: "65+", 7: "Prefer not to say"},
    "employment_type": {1: "Permanent", 2: "Seconded in", 3: "Temporary/agency", 4: "Fixed term"},
}

# Breakdowns reported for the whole organisation and each directorate (issue 2).
REPORTED_BREAKDOWNS = (
    "sex", "grade", "ethnicity", "long_term_health", "age_band", "sexual_orientation", "employment_type",
)

# Cells that spreadsheets write for "missing"; the contract says they are not valid codes.
INVALID_MISSING_MARKERS = ("NA", "N/A", "-99", ".")

MAX_TEXT_LENGTH = 5000
FIRST_SURVEY_YEAR = 2009
