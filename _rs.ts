import { loadPanel } from "./lib/panel/load.ts";
import { runResearch } from "./lib/ml/research.ts";
const panel = await loadPanel({
  snapshot: "demo",
  fields: ["close", "ret", "volume", "mcap", "value", "adv", "beta"],
});
const t0 = performance.now();
let last = "";
const r = await runResearch(panel, {
  labels: [{ type: "B1", horizon: 5 }, { type: "R", horizon: 5 }],
  models: [{ type: "logistic" }, { type: "gbdt", params: { rounds: 60, maxDepth: 3 } }],
  maxTrainRows: 30000,
}, {
  workers: 2,
  onProgress: (d, n, s) => {
    if (s !== last) {
      console.log(((performance.now() - t0) / 1000).toFixed(1), d, n, s);
      last = s;
    }
  },
});
console.log("total", ((performance.now() - t0) / 1000).toFixed(1));
console.table(
  r.leaderboard.map((x) => ({
    v: x.variant,
    ba: x.balanced_accuracy.toFixed(4),
    auc: x.roc_auc.toFixed(4),
    ic: x.rank_ic.toFixed(4),
    sharpe: x.sharpe.toFixed(2),
    score: x.score.toFixed(3),
    kept: x.kept,
  })),
);
console.log(r.best.suite.verdict, r.best.permutation.importance, r.best.impurity);
