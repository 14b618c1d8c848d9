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
