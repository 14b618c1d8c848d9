/** The search benchmarks' grids (issue 13: lag × fractile × weights × costs). */

/** 5 lags × 5 fractiles × 2 weights × 8 cost levels = 400 trials. */
export const GRID_400 = {
  lag: [0, 1, 2, 3, 4],
  fractile: [3, 5, 10, "10/90", "20/80"],
  weight: ["equal", "signal"],
  tcBps: [0, 2, 5, 10, 15, 20, 30, 50],
};

/** 5 lags × 5 fractiles × 2 weights × 2 cost levels = 100 trials. */
export const GRID_100 = { ...GRID_400, tcBps: [0, 10] };
