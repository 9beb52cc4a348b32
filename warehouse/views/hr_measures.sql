-- Every measure any hr_* view reports, from the one measure catalogue in the code
-- (pipelines/measures/measure_catalogue.py, loaded into ref_measure by `culture init`).
SELECT measure,
       label,
       question_text,
       theme,
       kind,
       polarity,
       value_unit,
       base,
       question_code,
       csps_code,
       sources
FROM ref_measure
