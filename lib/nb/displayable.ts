/**
 * Rich display for result objects: attach `Symbol.for("Jupyter.display")` so the Deno kernel (and
 * `show`) render them as HTML, while they stay plain records everywhere else.
 */

import { notebookHtml } from "../report/untrusted.ts";

/**
 * The symbol the Deno Jupyter kernel looks up to render an object (`Deno.jupyter.$display`).
 *
 * @example
 * ```ts
 * const obj = { [JUPYTER_DISPLAY]: () => ({ "text/html": "<b>hi</b>" }) };
 * ```
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** An object carrying a Jupyter rich-display method. */
export interface Displayable {
  [JUPYTER_DISPLAY](): Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * Returns `obj` with a non-enumerable `Symbol.for("Jupyter.display")` method returning
 * `{ "text/html": html() }` (`html` may be a string or a function, evaluated lazily at display time;
 * charts get the hover script and read well untrusted, see `notebookHtml`).
 * Non-enumerable, so JSON, spreading and `Object.keys` do not see it.
 *
 * @example
 * ```ts
 * const result = displayable({ sharpe: 1.2 }, () => renderTable({ sharpe: 1.2 }));
 * result; // as the last expression of a notebook cell, shows the table
 * ```
 */
export function displayable<T extends object>(obj: T, html: string | (() => string)): T & Displayable {
  Object.defineProperty(obj, JUPYTER_DISPLAY, {
    value: () => ({ "text/html": notebookHtml(typeof html === "string" ? html : html()) }),
    enumerable: false,
    configurable: true,
  });
  return obj as T & Displayable;
}

/**
 * Whether a value has a Jupyter rich-display method.
 *
 * @example
 * ```ts
 * isDisplayable(displayable({}, "<b>x</b>")); // => true
 * ```
 */
export function isDisplayable(value: unknown): value is Displayable {
  return typeof value === "object" && value !== null &&
    typeof (value as Record<symbol, unknown>)[JUPYTER_DISPLAY] === "function";
}
