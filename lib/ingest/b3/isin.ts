/**
 * ISIN codes (ISO 6166): 2-letter country, 9 alphanumerics, 1 check digit. B3 instruments carry theirs
 * in COTAHIST's CODISI since 1995-05-15 (before, B3's internal code), e.g. `BRPETRACNPR6`: issuer
 * `PETR`, asset type `ACN` (share), `PR` (preferred), check digit 6.
 */

/**
 * The ISO 6166 check digit of the first 11 characters of an ISIN: letters become two digits
 * (A = 10 … Z = 35), then the Luhn algorithm runs over the digit string.
 *
 * @example
 * ```ts
 * isinCheckDigit("US037833100"); // => 5 (Apple Inc., US0378331005)
 * ```
 */
export function isinCheckDigit(first11: string): number {
  let digits = "";
  for (const ch of first11.toUpperCase()) {
    const c = ch.charCodeAt(0);
    if (c >= 48 && c <= 57) digits += ch;
    else if (c >= 65 && c <= 90) digits += String(c - 55);
    else throw new RangeError(`isinCheckDigit: "${ch}" is not a letter or digit in "${first11}"`);
  }
  let sum = 0;
  for (let k = digits.length - 1, double = true; k >= 0; k--, double = !double) {
    let d = digits.charCodeAt(k) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * True for a well-formed ISIN: 12 characters, a 2-letter country, 9 letters or digits and the right
 * check digit.
 *
 * @example
 * ```ts
 * isValidIsin("BRPETRACNPR6"); // => true
 * isValidIsin("BRPETRACNPR5"); // => false
 * ```
 */
export function isValidIsin(code: string): boolean {
  return /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/.test(code) && isinCheckDigit(code.slice(0, 11)) === Number(code[11]);
}

/**
 * The ISIN of a pre-1995 B3 internal code (CODINT: issuer SOCEMI X(4), title type TIPTIT X(2),
 * species ESPANO X(4), then the distribution number), by the layout's "Tabela provisória de
 * conversão de CODINT para ISIN": `BR` + SOCEMI + asset type + title identifier + check digit, with
 * - asset type: TIPTIT AC → ACN (ARN when ESPANO's 3rd letter is R; CDA for issuer YPFL), CI → CTF
 *   (CDA for UBBR, CPC for BCBR), IN or TX → IND, B1 or S1 → A01, R1 → R01, BC → CPB;
 * - identifier: ESPANO's 3rd letter A–H → PA–PH, else its 1st letter O → OR, P → PR.
 * Returns null when the code does not follow the table (the caller keeps B3's ticker then).
 *
 * @example
 * ```ts
 * codintToIsin("PETRACPN  "); // => "BRPETRACNPR6", Petrobras PN as B3 codes it since 1995
 * ```
 */
export function codintToIsin(codint: string): string | null {
  const m = /^([A-Z0-9]{4})([A-Z0-9]{2})([A-Z ]{4})/.exec(codint);
  if (!m) return null;
  const [, socemi, tiptit, espano] = m;
  let type: string | undefined;
  if (tiptit === "AC") {
    type = socemi === "YPFL" ? "CDA" : espano[1] === "N" ? (espano[2] === "R" ? "ARN" : "ACN") : undefined;
  } else if (tiptit === "CI") type = socemi === "UBBR" ? "CDA" : socemi === "BCBR" ? "CPC" : "CTF";
  else if (tiptit === "IN" || tiptit === "TX") type = "IND";
  else if (tiptit === "B1" || tiptit === "S1") type = "A01";
  else if (tiptit === "R1") type = "R01";
  else if (tiptit === "BC") type = "CPB";
  const third = espano[2];
  const id = third >= "A" && third <= "H"
    ? `P${third}`
    : espano[0] === "O"
    ? "OR"
    : espano[0] === "P"
    ? "PR"
    : undefined;
  if (!type || !id) return null;
  const first = `BR${socemi}${type}${id}`;
  return first + isinCheckDigit(first);
}
