/**
 * List prices in US dollars per million tokens, by model family. The model id is matched by
 * prefix so dated ids ("claude-sonnet-4-5-20250929") and aliases ("claude-sonnet-4-5") agree.
 *
 * Source: Anthropic's pricing page (platform.claude.com/docs/en/about-claude/pricing), as read
 * on 2026-12-01 through the stored docs. Cache writes are the 5-minute rate (1.25x input), which
 * is what `cache_control: { type: "ephemeral" }` buys; cache reads are 0.1x input.
 * Unknown models cost 0 and the adapter logs a warning once, so a missing row never blocks a run.
 */
import type { Usage } from "../core/index.js";

export interface Price {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

const perMillion = (input: number, output: number): Price => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead: input / 10,
});

/** Longest prefix wins; order does not matter. */
const PRICES: Record<string, Price> = {
  // Sonnet 4.x (4, 4.5, 4.6): $3 / $15.
  "claude-sonnet-4": perMillion(3, 15),
  // Sonnet 5 and 5.5: $2 / $10.
  "claude-sonnet-5": perMillion(2, 10),
  // Opus 4 and 4.1 kept the old tier; Opus 4.5 and later (4.6, 4.7, 4.8) cost $5 / $25.
  "claude-opus-4": perMillion(15, 75),
  "claude-opus-4-0": perMillion(15, 75),
  "claude-opus-4-1": perMillion(15, 75),
  "claude-opus-4-5": perMillion(5, 25),
  "claude-opus-4-6": perMillion(5, 25),
  "claude-opus-4-7": perMillion(5, 25),
  "claude-opus-4-8": perMillion(5, 25),
  "claude-opus-5": perMillion(5, 25),
  // Haiku 4.5: $1 / $5.
  "claude-haiku-4": perMillion(1, 5),
  // Sonnet 3.7 and Haiku 3.5, still seen behind proxies.
  "claude-3-7-sonnet": perMillion(3, 15),
  "claude-3-5-haiku": perMillion(0.8, 4),
};

function longestPrefix(table: Record<string, Price>, model: string): Price | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(table)) {
    if (model.startsWith(prefix) && (best === undefined || prefix.length > best.length))
      best = prefix;
  }
  return best === undefined ? undefined : table[best];
}

export function priceFor(model: string): Price | undefined {
  return longestPrefix(PRICES, model);
}

/** Cost of one call at `price` (0 when unknown); `inputTokens` excludes cached tokens. */
export function costAt(price: Price | undefined, usage: Usage): number {
  if (!price) return 0;
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheWriteTokens * price.cacheWrite +
      usage.cacheReadTokens * price.cacheRead) /
    1_000_000
  );
}

/** Cost of one call of `model`, from the price table. */
export function costOf(model: string, usage: Usage): number {
  return costAt(priceFor(model), usage);
}

/** A price override from configuration: input and output are required, cache rates derive. */
export interface PriceOverride {
  input: number;
  output: number;
  cacheWrite?: number;
  cacheRead?: number;
}

export interface PriceTable {
  priceFor(model: string): Price | undefined;
  costOf(model: string, usage: Usage): number;
}

/**
 * The list prices with configuration's rows on top (PATCHSMITH_PRICES): a negotiated rate, a
 * gateway's markup, a self-hosted model with a cost per token. An override's prefix competes
 * with the built-in ones by length, and wins a tie.
 */
export function createPriceTable(overrides: Record<string, PriceOverride> = {}): PriceTable {
  const table: Record<string, Price> = { ...PRICES };
  for (const [prefix, o] of Object.entries(overrides)) {
    table[prefix] = {
      input: o.input,
      output: o.output,
      cacheWrite: o.cacheWrite ?? o.input * 1.25,
      cacheRead: o.cacheRead ?? o.input / 10,
    };
  }
  return {
    priceFor: (model) => longestPrefix(table, model),
    costOf: (model, usage) => costAt(longestPrefix(table, model), usage),
  };
}

export const defaultPriceTable: PriceTable = createPriceTable();
