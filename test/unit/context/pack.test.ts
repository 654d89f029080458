import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RankedFile } from "../../../src/core/index.js";
import { analyzeContext, estimateTokens, type RankFiles } from "../../../src/context/index.js";
import { makeRepo, type FixtureRepo } from "./git-fixture.js";

/** A long module where only one function is about the issue. */
function longModule(): string {
  const lines: string[] = ['import { emit } from "./events.js";', ""];
  for (let i = 0; i < 120; i++) {
    lines.push(
      `export function helper${i}(value: number): number {`,
      `  return value * ${i};`,
      "}",
      "",
    );
  }
  lines.push(
    "export function parseDuration(text: string): number {",
    "  // BUG: minutes are read as seconds",
    '  const [amount, unit] = text.split(" ");',
    '  return unit === "m" ? Number(amount) : Number(amount) * 60;',
    "}",
  );
  for (let i = 120; i < 200; i++) lines.push(`export const constant${i} = ${i};`);
  return `${lines.join("\n")}\n`;
}

const issue = {
  title: "parseDuration reads minutes as seconds",
  body: 'Calling `parseDuration("5 m")` returns 5 instead of 300.',
};

describe("analyzeContext", () => {
  let repo: FixtureRepo;
  const calls: Parameters<RankFiles>[0][] = [];
  const ranking: RankedFile[] = [
    { path: "src/duration.ts", score: 2 },
    { path: "src/events.ts", score: 1 },
    { path: "test/duration.test.ts", score: 0.5 },
  ];
  const rank: RankFiles = async (input) => {
    calls.push(input);
    return ranking;
  };

  beforeAll(() => {
    repo = makeRepo({
      "src/duration.ts": longModule(),
      "src/events.ts": "export function emit(name: string): void {}\n",
      "test/duration.test.ts": 'import { parseDuration } from "../src/duration.js";\n',
      "package.json": JSON.stringify({
        scripts: { test: "vitest run" },
        devDependencies: { vitest: "^4" },
      }),
      "AGENTS.md": "Always add a test for a fixed bug.\n",
      "CLAUDE.md": `${"Keep functions small. ".repeat(2000)}\n`,
    });
  });
  afterAll(() => repo.cleanup());

  const run = (budgetTokens: number) =>
    analyzeContext({ dir: repo.dir, sha: repo.sha, issue, budgetTokens, rank });

  it("asks the ranking with the issue text and the inventory", async () => {
    await run(4000);
    expect(calls.at(-1)?.query).toContain("parseDuration reads minutes as seconds");
    expect(calls.at(-1)?.files?.map((f) => f.path)).toContain("src/duration.ts");
  });

  it("with a large budget: instruction files, profile, repo map and whole files", async () => {
    const pack = await run(100_000);
    expect(pack.tokens).toBe(estimateTokens(pack.text));
    expect(pack.tokens).toBeLessThanOrEqual(100_000);
    expect(pack.instructions.map((i) => i.path)).toEqual(["AGENTS.md", "CLAUDE.md"]);
    expect(pack.text).toContain("Always add a test for a fixed bug.");
    // A huge instruction file is capped, and says so.
    expect(estimateTokens(pack.instructions[1]!.content)).toBeLessThanOrEqual(1500);
    expect(pack.instructions[1]!.content).toMatch(/CLAUDE\.md continues/);
    expect(pack.text).toContain("- test: `npm test`");
    expect(pack.repoMap.split("\n")[0]).toBe("src/duration.ts");
    expect(pack.files.map((f) => [f.path, f.partial])).toEqual([
      ["src/duration.ts", false],
      ["src/events.ts", false],
      ["test/duration.test.ts", false],
    ]);
    expect(pack.text).toContain("1 | export function emit(name: string): void {}");
  });

  it("with a small budget: the relevant part of a large file, with its line numbers", async () => {
    const pack = await run(1200);
    expect(pack.tokens).toBeLessThanOrEqual(1200);
    const duration = pack.files.find((f) => f.path === "src/duration.ts");
    expect(duration?.partial).toBe(true);
    expect(duration?.content).toContain(
      "483 | export function parseDuration(text: string): number {",
    );
    expect(duration?.content).toContain("  1 | import { emit }");
    expect(duration?.content).not.toContain("helper60");
    expect(pack.text).toContain("(excerpts; ⋮ marks skipped lines)");
  });

  it("never goes over the budget, however small", async () => {
    for (const budget of [0, 1, 10, 60, 150, 300, 600, 2500, 8000]) {
      const pack = await run(budget);
      expect(pack.tokens, `budget ${budget}`).toBeLessThanOrEqual(budget);
      expect(pack.tokens).toBe(estimateTokens(pack.text));
    }
  });
});

describe("analyzeContext with the real ranking", () => {
  let repo: FixtureRepo;
  beforeAll(() => {
    const filler = (name: string) =>
      `export function ${name}(input: string): string {\n  return input.trim();\n}\n`;
    repo = makeRepo({
      "src/billing/invoice.ts": [
        'import { roundCents } from "../money/round.js";',
        "export function computeInvoiceTotal(lines: { price: number; quantity: number }[]): number {",
        "  return roundCents(lines.reduce((sum, l) => sum + l.price * l.quantity, 0));",
        "}",
        "",
      ].join("\n"),
      "src/money/round.ts":
        "export function roundCents(value: number): number {\n  return Math.round(value * 100) / 100;\n}\n",
      "src/users/profile.ts": filler("normalizeUserName"),
      "src/users/avatar.ts": filler("avatarUrl"),
      "src/http/router.ts": filler("routeRequest"),
      "src/http/server.ts": filler("startServer"),
      "package.json": JSON.stringify({ scripts: { test: "vitest run" } }),
    });
  });
  afterAll(() => repo.cleanup());

  it("puts the file the issue names first, with its content, within the budget", async () => {
    const pack = await analyzeContext({
      dir: repo.dir,
      sha: repo.sha,
      budgetTokens: 3000,
      issue: {
        title: "computeInvoiceTotal rounds each line instead of the total",
        body: "The total of an invoice is off by a cent. See `computeInvoiceTotal`.",
      },
    });
    expect(pack.ranked[0]?.path).toBe("src/billing/invoice.ts");
    expect(pack.files[0]?.path).toBe("src/billing/invoice.ts");
    expect(pack.files[0]?.content).toContain("2 | export function computeInvoiceTotal(");
    expect(pack.repoMap).toContain(
      "src/billing/invoice.ts\n  2: export function computeInvoiceTotal(",
    );
    expect(pack.tokens).toBeLessThanOrEqual(3000);
  });
});
