const DAY_MS = 86_400_000;

/**
 * Easter Sunday of a Gregorian year, as epoch ms at UTC midnight: the anonymous Gregorian algorithm
 * ("Meeus/Jones/Butcher", J. Meeus, *Astronomical Algorithms*, 2nd ed., ch. 8), valid for every year
 * from 1583 on. Brazil's moveable holidays hang off it: Carnival Monday and Tuesday (−48, −47 days),
 * Good Friday (−2), Corpus Christi (+60).
 *
 * @param year Gregorian year (integer ≥ 1583)
 *
 * @example
 * ```ts
 * isoDate(easterSunday(2024)); // => "2024-03-31"
 * ```
 */
export function easterSunday(year: number): number {
  if (!Number.isInteger(year) || year < 1583) {
    throw new RangeError(`easterSunday: year must be an integer ≥ 1583, found ${year}`);
  }
  const a = year % 19;
  const b = Math.floor(year / 100), c = year % 100;
  const d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}

/** `date` shifted by `days` calendar days (epoch ms at UTC midnight). */
export function addDays(date: number, days: number): number {
  return date + days * DAY_MS;
}
