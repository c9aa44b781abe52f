#!/usr/bin/env python3
"""Writes tests/fixtures/data/metrics_case.json: a small random evaluation case
and the values the reference definitions give for it.

The reference definitions are those of the SafeDrug / MoleRec / NLA-MMR
`util.py` (multi_label_metric, ddi_rate_score) and their test loops:

  * per visit: Jaccard, precision, recall, F1 of precision and recall, and
    PRAUC = sklearn.metrics.average_precision_score(truth, scores);
  * predicted set = scores >= 0.5;
  * DDI rate pooled over all visits (pairs i < j of each sorted predicted set);
  * averaging: over all visits at once, per patient then over patients
    (SafeDrug/MoleRec), or per batch of consecutive visits (NLA-MMR);
  * bootstrap: np.random.seed(seed), then per round
    np.random.choice(n, round(0.8 n), replace=True); mean and np.std.

Run from the project root:  python3 tools/reference/make_metric_fixtures.py
"""
import json
import os

import numpy as np
from sklearn.metrics import average_precision_score

THRESHOLD = 0.5


def visit_scores(target, scores):
    truth = np.zeros(len(scores))
    truth[target] = 1
    predicted = set(np.where(scores >= THRESHOLD)[0].tolist())
    true_set = set(target)
    both = len(predicted & true_set)
    union = len(predicted | true_set)
    jaccard = both / union if union else 0.0
    precision = both / len(predicted) if predicted else 0.0
    recall = both / len(true_set) if true_set else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    prauc = float(average_precision_score(truth, scores))
    return dict(jaccard=jaccard, precision=precision, recall=recall, f1=f1, prauc=prauc)


def ddi_rate(predicted_sets, ddi):
    pairs = 0
    hits = 0
    for labels in predicted_sets:
        labels = sorted(labels)
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                pairs += 1
                if ddi[labels[i], labels[j]] or ddi[labels[j], labels[i]]:
                    hits += 1
    return hits / pairs if pairs else 0.0


def summarize(patients, ddi, averaging, batch_size=3):
    """patients: list of lists of (target, scores)."""
    groups = []
    if averaging == "visit":
        groups = [[v for p in patients for v in p]]
    elif averaging == "patient":
        groups = [p for p in patients]
    elif averaging == "batch":
        flat = [v for p in patients for v in p]
        groups = [flat[i:i + batch_size] for i in range(0, len(flat), batch_size)]
    keys = ["jaccard", "precision", "recall", "f1", "prauc"]
    means = {k: [] for k in keys}
    for g in groups:
        per_visit = [visit_scores(t, s) for t, s in g]
        for k in keys:
            means[k].append(np.mean([v[k] for v in per_visit]))
    out = {k: float(np.mean(means[k])) for k in keys}
    flat = [v for p in patients for v in p]
    sets = [np.where(s >= THRESHOLD)[0].tolist() for _, s in flat]
    out["ddi_rate"] = ddi_rate(sets, ddi)
    out["avg_meds"] = sum(len(x) for x in sets) / len(sets)
    return out


def main():
    rng = np.random.default_rng(20240611)
    n_meds = 12
    patients = []
    for p in range(9):
        visits = []
        for v in range(int(rng.integers(1, 5))):
            target = sorted(rng.choice(n_meds, size=int(rng.integers(1, 7)), replace=False).tolist())
            scores = rng.random(n_meds)
            kind = (p * 5 + v) % 6
            if kind == 1:
                scores = np.round(scores, 1)  # ties, and exact 0.5 at the threshold
            elif kind == 2:
                scores = scores * 0.45  # nothing predicted
            elif kind == 3:
                scores = np.full(n_meds, 0.7)  # everything tied
            elif kind == 4:
                scores[target[0]] = 0.5
            visits.append((target, scores))
        patients.append(visits)
    ddi = np.zeros((n_meds, n_meds), dtype=int)
    for a, b in rng.choice(n_meds, size=(14, 2)):
        if a != b:
            ddi[a, b] = ddi[b, a] = 1

    case = {
        "n_meds": n_meds,
        "threshold": THRESHOLD,
        "ddi_pairs": [[int(a), int(b)] for a in range(n_meds) for b in range(a + 1, n_meds) if ddi[a, b]],
        "patients": [[{"target": t, "scores": s.tolist()} for t, s in p] for p in patients],
    }
    case["per_visit"] = [visit_scores(t, s) for p in patients for t, s in p]
    case["summary"] = {
        "visit": summarize(patients, ddi, "visit"),
        "patient": summarize(patients, ddi, "patient"),
        "batch:3": summarize(patients, ddi, "batch", 3),
    }

    # sklearn's answer when a visit has no positive label (never the case in
    # the cohorts, which require medications in every visit).
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        case["average_precision_no_positive"] = float(
            average_precision_score(np.zeros(5), np.array([0.1, 0.9, 0.3, 0.3, 0.5])))

    # Bootstrap: 10 rounds of round(0.8 n) patients, seed 0, per-visit averaging.
    seed = 0
    np.random.seed(seed)
    n = len(patients)
    size = round(n * 0.8)
    rounds = []
    samples = []
    for _ in range(10):
        sample = np.random.choice(n, size, replace=True).tolist()
        samples.append(sample)
        rounds.append(summarize([patients[i] for i in sample], ddi, "visit"))
    keys = list(rounds[0].keys())
    case["bootstrap"] = {
        "seed": seed,
        "samples": samples,
        "mean": {k: float(np.mean([r[k] for r in rounds])) for k in keys},
        "std": {k: float(np.std([r[k] for r in rounds])) for k in keys},
    }

    # The draws for a test set of the MIMIC-III size (868 patients), two seeds.
    case["numpy_choice"] = []
    for seed in (0, 42):
        np.random.seed(seed)
        draws = [np.random.choice(868, round(868 * 0.8), replace=True).tolist() for _ in range(2)]
        case["numpy_choice"].append({"seed": seed, "n": 868, "size": round(868 * 0.8), "draws": draws})

    out = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "data", "metrics_case.json")
    with open(out, "w") as f:
        json.dump(case, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
