"""scikit-learn's RandomForestClassifier on the dataset bench/ml_bench.ts writes: the side-by-side
reference of the fast forest (same rows, same time-ordered split, same hyperparameters).

    /usr/bin/python3 bench/ml_sklearn.py DIR THREADS [MODEL]   # MODEL: rf (default) or hgb
Prints {"fit_seconds", "predict_seconds", "auc", "train_rows", "test_rows"} as JSON.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.metrics import roc_auc_score

directory, threads = sys.argv[1], int(sys.argv[2])
model_name = sys.argv[3] if len(sys.argv) > 3 else "rf"
meta = json.load(open(f"{directory}/dataset.json"))
X = np.fromfile(f"{directory}/X.bin", dtype="<f4").reshape(meta["rows"], meta["cols"])
y = np.fromfile(f"{directory}/y.bin", dtype="<f8")
n_train = meta["train"]
Xtr, ytr, Xte, yte = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
if model_name == "rf":
    model = RandomForestClassifier(n_estimators=meta["trees"], max_depth=meta["max_depth"], max_features="sqrt",
                                   bootstrap=True, n_jobs=threads, random_state=meta["seed"])
else:
    model = HistGradientBoostingClassifier(max_iter=meta["rounds"], learning_rate=meta["learning_rate"],
                                           max_depth=meta["max_depth"], max_leaf_nodes=None, early_stopping=False,
                                           random_state=meta["seed"])
t0 = time.perf_counter()
model.fit(Xtr, ytr)
fit = time.perf_counter() - t0
t0 = time.perf_counter()
score = model.predict_proba(Xte)[:, 1]
predict = time.perf_counter() - t0
print(json.dumps({"fit_seconds": fit, "predict_seconds": predict, "auc": roc_auc_score(yte, score),
                  "train_rows": int(n_train), "test_rows": int(len(yte))}))
