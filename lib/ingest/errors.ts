/** One problem found in an input file, located by 1-based data row (header excluded) and column. */
export interface InputProblem {
  row?: number;
  column?: string;
  expected: string;
  found: string;
}

/**
 * A bad input file: every problem found (up to a cap), each naming row, column, what was expected and
 * what was found. Thrown before anything is written.
 */
export class InputError extends Error {
  constructor(readonly file: string, readonly problems: InputProblem[], readonly more = 0) {
    super(
      [
        `${file}: ${problems.length + more} problem(s), nothing was written`,
        ...problems.map((p) =>
          `  ${p.row !== undefined ? `row ${p.row}` : "file"}${
            p.column ? `, column "${p.column}"` : ""
          }: expected ${p.expected}, found ${p.found}`
        ),
        ...(more ? [`  … and ${more} more`] : []),
      ].join("\n"),
    );
    this.name = "InputError";
  }
}
