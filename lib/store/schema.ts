/**
 * The store's schema: raw facts only (prices as traded, corporate actions, descriptors, and dated
 * series that belong to no security: cash rates such as the CDI, benchmark index levels); adjusted
 * series are derived on load (see `lib/ingest/adjust.ts`), so a corrected action never leaves stale
 * adjusted prices behind.
 *
 * B3 tables (see `lib/ingest/b3/`): `security_master` (one row per B3 instrument: ISIN, latest ticker,
 * share class ON/PN/PNA/…/UNIT/ETF/FII/BDR, market, CODBDI, ESPECI, lot size, first/last date),
 * `ticker_history` (every ticker an instrument traded under, with its first and last day),
 * `b3_quotes` (the COTAHIST fields `prices` has no column for: ticker of the day, number of trades,
 * traded value in BRL, average price, best bid and ask) and `detected_splits` (splits found in the
 * prices themselves, with their evidence and confidence).
 *
 * The large keyed tables (prices, descriptors, corporate_actions) carry no PRIMARY KEY index: keys are
 * kept unique by the loader (`replaceRows`: duplicate check, delete-then-insert in one transaction),
 * because DuckDB's ART index makes a bulk load of a million rows several times slower. `checkStore`
 * verifies what the indexes would have enforced, for every table of `TABLE_KEYS`: unique non-null
 * keys, and a known security for every row of a table with a `security_id` column.
 *
 * `ingest_log` has one row per load; `counts` is the JSON of every table's row count after that load
 * (stamped by `writeStore`), which `checkStore` compares with the tables.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS securities (
  security_id VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL,
  industry VARCHAR NOT NULL DEFAULT '',
  asset_class VARCHAR NOT NULL DEFAULT 'equity',
  listed DATE,
  delisted DATE
);
CREATE TABLE IF NOT EXISTS prices (
  security_id VARCHAR NOT NULL,
  date DATE NOT NULL,
  open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE NOT NULL, volume DOUBLE
);
CREATE TABLE IF NOT EXISTS corporate_actions (
  security_id VARCHAR NOT NULL,
  ex_date DATE NOT NULL,
  kind VARCHAR NOT NULL CHECK (kind IN ('split', 'dividend')),
  value DOUBLE NOT NULL
);
CREATE TABLE IF NOT EXISTS descriptors (
  security_id VARCHAR NOT NULL,
  date DATE NOT NULL,
  mcap DOUBLE, adv DOUBLE, value DOUBLE, beta DOUBLE
);
CREATE TABLE IF NOT EXISTS calendar (date DATE PRIMARY KEY);
CREATE TABLE IF NOT EXISTS series (
  series_id VARCHAR NOT NULL,
  date DATE NOT NULL,
  value DOUBLE NOT NULL
);
CREATE TABLE IF NOT EXISTS series_info (
  series_id VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL,
  kind VARCHAR NOT NULL CHECK (kind IN ('rate', 'index')),
  unit VARCHAR NOT NULL CHECK (unit IN ('percent_per_day', 'percent_per_year', 'level')),
  source VARCHAR NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS security_master (
  security_id VARCHAR PRIMARY KEY,
  isin VARCHAR NOT NULL,
  ticker VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  share_class VARCHAR NOT NULL,
  market VARCHAR NOT NULL CHECK (market IN ('spot', 'fractional', 'term', 'call', 'put')),
  codbdi VARCHAR NOT NULL,
  especi VARCHAR NOT NULL,
  lot_size INTEGER NOT NULL,
  strike DOUBLE,
  expiry DATE,
  first_date DATE NOT NULL,
  last_date DATE NOT NULL
);
CREATE TABLE IF NOT EXISTS ticker_history (
  security_id VARCHAR NOT NULL,
  ticker VARCHAR NOT NULL,
  first_date DATE NOT NULL,
  last_date DATE NOT NULL
);
CREATE TABLE IF NOT EXISTS b3_quotes (
  security_id VARCHAR NOT NULL,
  date DATE NOT NULL,
  ticker VARCHAR NOT NULL,
  trades DOUBLE, traded_value DOUBLE, avg_price DOUBLE, best_bid DOUBLE, best_ask DOUBLE
);
CREATE TABLE IF NOT EXISTS detected_splits (
  security_id VARCHAR NOT NULL,
  ex_date DATE NOT NULL,
  ticker VARCHAR NOT NULL,
  ratio DOUBLE NOT NULL,
  price_ratio DOUBLE NOT NULL,
  volume_ratio DOUBLE,
  level_ratio DOUBLE,
  market_move DOUBLE,
  confidence DOUBLE NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('applied', 'published', 'rejected'))
);
CREATE TABLE IF NOT EXISTS ingest_log (
  loaded_at TIMESTAMP NOT NULL,
  source VARCHAR NOT NULL,
  params VARCHAR NOT NULL,
  rows BIGINT NOT NULL,
  counts VARCHAR
);
ALTER TABLE ingest_log ADD COLUMN IF NOT EXISTS counts VARCHAR;
`;

/**
 * Table names in load order, with their key columns (used for upserts, snapshot files and
 * `checkStore`). A table added here is covered by the atomic load, the integrity check and snapshots.
 */
export const TABLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  securities: ["security_id"],
  prices: ["security_id", "date"],
  corporate_actions: ["security_id", "ex_date", "kind"],
  descriptors: ["security_id", "date"],
  calendar: ["date"],
  series: ["series_id", "date"],
  series_info: ["series_id"],
  security_master: ["security_id"],
  ticker_history: ["security_id", "ticker"],
  b3_quotes: ["security_id", "date"],
  detected_splits: ["security_id", "ex_date"],
};

/** The date column each table is filtered and ordered on (null: not dated). */
export const TABLE_DATE_COLUMN: Readonly<Record<string, string | null>> = {
  securities: null,
  prices: "date",
  corporate_actions: "ex_date",
  descriptors: "date",
  calendar: "date",
  series: "date",
  series_info: null,
  security_master: null,
  ticker_history: null,
  b3_quotes: "date",
  detected_splits: "ex_date",
};

/** Tables keyed by `security_id` (a lightweight snapshot keeps their selected securities only). */
export const SECURITY_TABLES: readonly string[] = [
  "securities",
  "prices",
  "corporate_actions",
  "descriptors",
  "security_master",
  "ticker_history",
  "b3_quotes",
  "detected_splits",
];

/** The store's table names, in load order. */
export const TABLES = Object.keys(TABLE_KEYS);
