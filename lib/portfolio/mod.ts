/**
 * Portfolio simulation: target weights → a portfolio over time (NAV, cash, positions, trades,
 * costs, taxes), trading raw prices in lots with corporate actions, a cash rate and pluggable tax
 * models, on daily or intraday bars (`MarketData.sessions`: daily processes run once per session).
 *
 * @example
 * ```ts
 * import { marketFromPanel, simulatePortfolio } from "./mod.ts";
 * const result = simulatePortfolio(marketFromPanel(panel), weights, { schedule: "monthly", lot: 100, tax: "brazil" });
 * ```
 *
 * @module
 */
export { type CorporateEvents, corporateEvents, NO_EVENTS, readCorporateEvents } from "./actions.ts";
export {
  decisionBars,
  type DueDate,
  isSchedule,
  lastBusinessDayAfter,
  monthKey,
  type Schedule,
  SCHEDULE_NAMES,
  scheduleLabel,
  SCHEDULES,
} from "./calendar.ts";
export { cashGrowth, sessionCashGrowth } from "./cash.ts";
export {
  type CashRate,
  type CommissionModel,
  DEFAULT_SIMULATION,
  type Execution,
  EXECUTIONS,
  resolveSimulation,
  type SimulationConfig,
  type SimulationOptions,
  type SlippageModel,
} from "./config.ts";
export { commission, fillCap, slippageFraction } from "./costs.ts";
export {
  finishTrades,
  pushTrade,
  TRADE_KINDS,
  type TradeLedger,
  tradeLedger,
  type TradeRecords,
} from "./records.ts";
export {
  type MarketData,
  marketFromPanel,
  type PortfolioDaily,
  type PortfolioResult,
  type PortfolioTotals,
  simulatePortfolio,
} from "./simulate.ts";
export * from "./tax/mod.ts";
export {
  type MonthlyCosts,
  monthlyCosts,
  type PortfolioMetrics,
  portfolioMetrics,
  type PositionSummary,
  topPositions,
  type TradesSummary,
  tradesSummary,
} from "./summary.ts";
export {
  readSecurityTerms,
  type SecurityTerms,
  TAX_CLASS_OF_SHARE_CLASS,
  taxClassOf,
} from "./security_terms.ts";
