"""Python side of bench/construct_vs_python.ts: times, on the same float64 T x K returns file, the
same computations with numpy/scipy/scikit-learn (Debian's /usr/bin/python3: numpy 1.24.2,
scipy 1.10.1, scikit-learn 1.2.1):

- HRP: sample covariance and correlation (numpy), then Lopez de Prado's (2016) code: distance,
  scipy single linkage on the distance matrix, quasi-diagonalisation, recursive bisection;
- ERC: cyclical coordinate descent on Spinu's programme (the algorithm of erc.ts), one numpy
  dot product per coordinate, to the same tolerance;
- Ledoit-Wolf: sklearn.covariance.ledoit_wolf.

    /usr/bin/python3 bench/construct_python.py FILE T K   ->  {"hrp_ms": …, "erc_ms": …, "lw_ms": …}
"""
import json
import sys
import time
import warnings

import numpy as np
import scipy.cluster.hierarchy as sch
from sklearn.covariance import ledoit_wolf

warnings.filterwarnings("ignore")
path, T, K = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
x = np.fromfile(path, dtype="<f8").reshape(T, K)


def cluster_var(cov, items):
    c = cov[np.ix_(items, items)]
    w = 1 / np.diag(c)
    w /= w.sum()
    return w @ c @ w


def quasi_diag(link, n):
    def visit(node):
        return [node] if node < n else visit(int(link[node - n, 0])) + visit(int(link[node - n, 1]))
    return visit(2 * n - 2)


def hrp(x):
    cov = np.cov(x, rowvar=False)
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    dist = np.sqrt(np.clip((1 - corr) / 2, 0, None))
    link = sch.linkage(dist, "single")
    order = quasi_diag(link, K)
    w = np.ones(K)
    items = [order]
    while items:
        items = [i[j:k] for i in items for j, k in ((0, len(i) // 2), (len(i) // 2, len(i))) if len(i) > 1]
        for p in range(0, len(items), 2):
            v0, v1 = cluster_var(cov, items[p]), cluster_var(cov, items[p + 1])
            a = 1 - v0 / (v0 + v1)
            w[items[p]] *= a
            w[items[p + 1]] *= 1 - a
    return w


def erc(x, tol=1e-11):
    cov = np.cov(x, rowvar=False)
    n = cov.shape[0]
    b = np.full(n, 1 / n)
    y = 1 / np.sqrt(np.diag(cov))
    y /= np.sqrt(y @ cov @ y)
    sy = cov @ y
    for _ in range(10000):
        for i in range(n):
            sii = cov[i, i]
            c = sy[i] - sii * y[i]
            new = (-c + np.sqrt(c * c + 4 * sii * b[i])) / (2 * sii)
            sy += cov[:, i] * (new - y[i])
            y[i] = new
        if np.max(np.abs(y * sy - b) / b) <= tol:
            sy = cov @ y
            if np.max(np.abs(y * sy - b) / b) <= tol:
                break
    return y / y.sum()


out = {}
for name, fn in (("hrp_ms", hrp), ("erc_ms", erc), ("lw_ms", ledoit_wolf)):
    t0 = time.perf_counter()
    fn(x)
    out[name] = (time.perf_counter() - t0) * 1000
print(json.dumps(out))
