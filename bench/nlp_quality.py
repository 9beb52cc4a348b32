"""Theme and safeguarding-flag quality on the hand-written labelled set (nlp/eval/{dev,test}), and the cost per comment.

    python bench/nlp_quality.py              # the held-out test part (what docs/performance.md quotes)
    python bench/nlp_quality.py --part dev   # the development part the classifier was trained on
    python bench/nlp_quality.py --second-reader   # how far two careful readers agree (no model)

Prints precision, recall and F1 per theme, macro-F1 over the four core themes and over all
themes, for the current classifier (nlp/theme_model.json) and, for comparison, the earlier
nearest-seed-description rule (one theme per comment); then the safeguarding flags (rules or the
learned flag model, nlp/flag_model.json, then the rules alone): recall per reason and overall, their
precision (of the comments raised, the share labelled to flag), and how many unlabelled comments
were flagged. Comments are redacted first, as in the pipeline. Prints figures only: targets live in the docs, never as assertions.

--second-reader reads the same tables for a second reader instead of a model: comments of one
writer's part labelled again, blind, from the brief's definitions alone (nlp/eval/agreement/<writer>.tsv),
scored against the writer's labels. It says how much of a model's shortfall the labels themselves
could explain.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _machine() -> str:
    from nlp.redaction import usable_cores

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return f"{cpu}, {usable_cores()} usable core(s), Python {platform.python_version()}"


def _table(title: str, scores: dict) -> None:
    from nlp.evaluation import core_macro_f1, macro_f1

    print(f"\n{title}")
    print(f"{'theme':<22}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
    for theme, s in scores.items():
        print(f"{theme:<22}{s['precision']:>10.2f}{s['recall']:>8.2f}{s['f1']:>7.2f}{s['support']:>9}")
    print(f"{'core macro-F1':<22}{core_macro_f1(scores):>25.3f}")
    print(f"{'macro-F1, all themes':<22}{macro_f1(scores):>25.3f}")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.2f} ({part}/{whole})" if whole else "n/a (0/0)"


def _flag_table(rows: list, reasons: list[set[str]]) -> None:
    """Recall and precision per reason, then over comments: raised with a labelled reason, raised at all."""
    for label in sorted({f for r in rows for f in r.flags}):
        cases = [found for r, found in zip(rows, reasons) if label in r.flags]
        raised = [r for r, found in zip(rows, reasons) if label in found]
        print(f"{label:<32} recall {_share(sum(label in f for f in cases), len(cases))}"
              f"  precision {_share(sum(label in r.flags for r in raised), len(raised))}")
    flagged = [(r, found) for r, found in zip(rows, reasons) if r.flags]
    print(f"{'any flag, its reason':<32} recall {_share(sum(bool(r.flags & found) for r, found in flagged), len(flagged))}")
    print(f"{'any flag, raised at all':<32} recall {_share(sum(bool(found) for _r, found in flagged), len(flagged))}")
    raised = [r for r, found in zip(rows, reasons) if found]
    print(f"{'any flag':<32} precision {_share(sum(bool(r.flags) for r in raised), len(raised))} "
          f"(comments raised that are labelled to flag)")
    print(f"unlabelled comments flagged: {sum(bool(found) and not r.flags for r, found in zip(rows, reasons))} "
          f"of {sum(not r.flags for r in rows)}")


def second_reader() -> None:
    from nlp.evaluation import EVAL_DIR, labelled_comments, read_labelled, theme_scores

    writers = {}
    for row in labelled_comments("dev"):
        writers.setdefault(row.writer, {})[row.text] = row
    for path in sorted((EVAL_DIR / "agreement").glob("*.tsv")):
        second = read_labelled(path)
        first = [writers[path.stem][row.text] for row in second]  # the writer's labels of the same comments
        print(f"second reader of {path.stem}'s comments: {len(second)} comments, labelled blind from the brief's definitions")
        _table("the second reader against the writer:", theme_scores([r.themes for r in first], [r.themes for r in second]))
        print("\nsafeguarding flags, the second reader against the writer:")
        _flag_table(first, [set(r.flags) for r in second])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["test", "dev"], default="test")
    parser.add_argument("--second-reader", action="store_true",
                        help="score a second reader's labels against the writer's (nlp/eval/agreement), not a model")
    args = parser.parse_args()
    if args.second_reader:
        return second_reader()
    from nlp.embeddings import embed, precision
    from nlp.evaluation import labelled_comments, theme_scores
    from nlp.redaction import redact_texts
    from nlp.sensitive import MODEL_REASON_PREFIX, flag_model, flag_reasons, rule_reasons
    from nlp.taxonomy import OTHER
    from nlp.themes import assign, model_version, nearest_theme, theme_text

    rows = labelled_comments(args.part)
    if not rows:
        # Between rounds the read held-out part has moved to development and the next is not yet written.
        sys.exit(f"the {args.part} part of the labelled set (nlp/eval/{args.part}) has no comments: nothing to score")
    embed(["warm up"])
    redacted = redact_texts([r.text for r in rows])
    texts = [r.text for r in redacted]
    started = time.perf_counter()
    reading = [theme_text(t) for t in texts]
    vectors = embed(reading)
    embedded = time.perf_counter()
    themes = assign(vectors, reading)
    finished = time.perf_counter()
    truth = [r.themes for r in rows]

    print(f"{dt.date.today().isoformat()}, {_machine()}; embeddings in {precision()}")
    print(f"labelled set: {args.part} part, {len(rows)} comments; theme model {model_version()}")
    _table("classifier (several themes per comment):", theme_scores(truth, [frozenset(n for n, _ in a.themes) for a in themes]))
    whole = embed(texts)
    nearest = [nearest_theme(v) for v in whole]
    _table("earlier rule (nearest seed description, one theme, no negation handling):",
           theme_scores(truth, [frozenset() if t == OTHER else frozenset({t}) for t in nearest]))

    reasons = [set(flag_reasons(r.text, red, v)) for r, red, v in zip(rows, redacted, whole)]
    by_rule = [set(rule_reasons(r.text, red.counts.get("PERSON", 0))) for r, red in zip(rows, redacted)]
    print(f"\nsafeguarding flags, rules or model {flag_model().version} (a labelled case counts as found when its reason, "
          f"or the model's {MODEL_REASON_PREFIX}reason, is raised):")
    _flag_table(rows, [{f.removeprefix(MODEL_REASON_PREFIX) for f in found} for found in reasons])
    print("\nrules alone:")
    _flag_table(rows, by_rule)

    per = 1000 * (finished - started) / len(rows)
    print(f"\ncost per comment: {per:.2f} ms to theme (denial removal, embedding, classifier), of which the classifier "
          f"{1000 * (finished - embedded) / len(rows):.3f} ms; one thread of a {platform.machine()} CPU not pinned")


if __name__ == "__main__":
    main()
