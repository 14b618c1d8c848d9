/** Absolute-tolerance assertions shared by the tests (node's strict asserts cover the rest). */
import { AssertionError } from "node:assert/strict";

/** Asserts |actual − expected| ≤ tolerance, with both numbers in the message. */
export function assertAlmostEquals(actual: number, expected: number, tolerance = 1e-12, message = ""): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new AssertionError({
      message: `${message ? message + ": " : ""}expected ${expected} ± ${tolerance}, found ${actual}`,
      actual,
      expected,
      operator: "assertAlmostEquals",
    });
  }
}

/** Asserts two series agree element-wise to `tolerance` (NaN matches NaN only), naming the index. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance = 1e-12,
  label = "",
): void {
  if (actual.length !== expected.length) {
    throw new AssertionError({
      message: `${label} length: expected ${expected.length}, found ${actual.length}`,
    });
  }
  for (let k = 0; k < expected.length; k++) {
    const [a, e] = [actual[k], expected[k]];
    if (!(Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= tolerance)) {
      throw new AssertionError({
        message: `${label}[${k}]: expected ${e} ± ${tolerance}, found ${a} (actual ${
          Array.from(actual).join(", ")
        })`,
      });
    }
  }
}
