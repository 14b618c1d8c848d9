/**
 * The colours every table, card and view uses, chosen to read on light and dark backgrounds alike
 * (JupyterLab's light and dark themes, the exported page in either colour scheme) without knowing
 * which one it is: text is the inherited colour (`currentColor`), secondary text is that colour at
 * reduced opacity, lines and tints are translucent. Nothing sets a solid background, so no text can
 * end up white on white. They are plain `rgba()` values and opacities, which JupyterLab's HTML
 * sanitiser keeps (it drops `var()` in inline styles), so untrusted outputs read the same.
 */

/**
 * Translucent inks and tints (inline-style values).
 *
 * @example
 * ```ts
 * `border-bottom:1px solid ${INK.line}`;
 * ```
 */
export const INK = {
  /** Row separators and card borders. */
  line: "rgba(127,127,127,0.28)",
  /** Header underlines and strong separators. */
  rule: "rgba(127,127,127,0.7)",
  /** A highlighted row (the best variant). */
  highlight: "rgba(227,179,65,0.24)",
  /** Code and command blocks. */
  code: "rgba(127,127,127,0.1)",
  /** Warnings. */
  warn: "rgba(227,179,65,0.16)",
} as const;

/** Inline style of secondary text: the inherited colour, dimmed (readable on light and dark). */
export const MUTED = "opacity:0.75;";

/** Lamp colour and panel tint of each verdict. */
export const VERDICT_INK = {
  green: { lamp: "#2da44e", tint: "rgba(45,164,78,0.13)", word: "pass" },
  yellow: { lamp: "#e3b341", tint: "rgba(227,179,65,0.16)", word: "caution" },
  red: { lamp: "#e5534b", tint: "rgba(229,83,75,0.14)", word: "fail" },
} as const;

/** Class of every HTML output root: `tex2jax_ignore` keeps MathJax (JupyterLab) from eating `$` signs. */
export const OUTPUT_CLASS = "tex2jax_ignore";

/**
 * Theme variables of exported pages, light by default and dark under `prefers-color-scheme: dark`
 * (also read by the hover tooltip: `--qn-tip-bg`, `--qn-tip-fg`).
 *
 * @example
 * ```ts
 * `<style>${THEME_CSS}body { background: var(--qn-page); }</style>`;
 * ```
 */
export const THEME_CSS = `
:root { color-scheme: light dark; --qn-page: #f6f7f9; --qn-bg: #ffffff; --qn-fg: #1f2328; --qn-muted: #57606a;
  --qn-line: #d8dee4; --qn-code-bg: #f6f8fa; --qn-link: #0969da; --qn-tip-bg: #ffffff; --qn-tip-fg: #1f2328;
  --qn-kw: #8250df; --qn-str: #0a3069; --qn-num: #0550ae; --qn-com: #6e7781; --qn-err: #b42318;
  --qn-err-bg: rgba(229,83,75,0.08); }
@media (prefers-color-scheme: dark) {
  :root { --qn-page: #010409; --qn-bg: #0d1117; --qn-fg: #e6edf3; --qn-muted: #9198a1; --qn-line: #30363d;
    --qn-code-bg: #161b22; --qn-link: #4493f8; --qn-tip-bg: #161b22; --qn-tip-fg: #e6edf3;
    --qn-kw: #d2a8ff; --qn-str: #a5d6ff; --qn-num: #79c0ff; --qn-com: #8b949e; --qn-err: #ff7b72;
    --qn-err-bg: rgba(248,81,73,0.12); }
}
`;
