#!/usr/bin/env python3
"""Learning on the same closed deals with scikit-learn, side by side.

Reads the CSV that `TECHSALES_LEARNING_CSV=FILE cargo bench --bench learning`
writes (nine rating columns, empty where unknown, then `won` 1/0), fits
scikit-learn's LogisticRegression on the same 10 folds (deal i in fold
i % 10), with the same L2 penalty (C = 1 / l2, intercept not penalised)
and the same handling of unknown ratings (the training fold's mean, which
is what centring and reading unknown as 0 does), on one thread. Prints the
pooled out-of-fold AUC and the time of the ten fits plus the final fit on
every deal; given our figures, prints the differences and the time ratio.

    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install -r benches/requirements-sklearn.txt
    /tmp/sk/bin/python benches/sklearn_compare.py FILE [--ours-auc A --ours-seconds S]
"""

import argparse
import csv
import os
import time

# One core, as the Rust bench: set before numpy loads its BLAS.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

FOLDS = 10
L2 = 1.0  # LearnOptions::default().l2
RATING_MAX = 10.0


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    body = rows[1:]
    x = np.array(
        [[float(c) if c != "" else np.nan for c in r[:-1]] for r in body], dtype=float
    )
    y = np.array([int(r[-1]) for r in body], dtype=int)
    return x, y


def features(x, mean):
    """Centred on the training mean, unknown as the mean, scaled as ours."""
    centred = (x - mean) / RATING_MAX
    return np.where(np.isnan(centred), 0.0, centred)


def fit(x, y):
    mean = np.nanmean(x, axis=0)
    model = LogisticRegression(C=1.0 / L2, solver="lbfgs", max_iter=1000, tol=1e-8)
    model.fit(features(x, mean), y)
    return model, mean


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("--ours-auc", type=float)
    parser.add_argument("--ours-seconds", type=float)
    args = parser.parse_args()
    x, y = read(args.csv)
    fold = np.arange(len(y)) % FOLDS
    scores = np.empty(len(y))
    start = time.perf_counter()
    for k in range(FOLDS):
        train, test = fold != k, fold == k
        model, mean = fit(x[train], y[train])
        scores[test] = model.decision_function(features(x[test], mean))
    fit(x, y)
    seconds = time.perf_counter() - start
    auc = roc_auc_score(y, scores)
    print(f"scikit-learn LogisticRegression: {len(y)} deals, {FOLDS}-fold AUC {auc:.4f}, {seconds:.3f} s")
    if args.ours_auc is not None:
        print(f"ours: AUC {args.ours_auc:.4f}; difference {args.ours_auc - auc:+.4f} (goal: within 0.005)")
    if args.ours_seconds is not None:
        print(f"ours: {args.ours_seconds:.3f} s; ratio ours / scikit-learn {args.ours_seconds / seconds:.2f} (goal: 2 or less)")


if __name__ == "__main__":
    main()
