/** A tolerance assertion shared by the tests (node's strict asserts cover the rest). */
import { AssertionError } from "node:assert/strict";

/** Asserts |actual − expected| ≤ tolerance, with both numbers in the message. */
export function assertAlmostEquals(actual: number, expected: number, tolerance = 1e-9, message = ""): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new AssertionError({
      message: `${message ? message + ": " : ""}expected ${expected} ± ${tolerance}, found ${actual}`,
      actual,
      expected,
      operator: "assertAlmostEquals",
    });
  }
}
