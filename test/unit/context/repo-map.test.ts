import { describe, expect, it } from "vitest";
import { buildRepoMap, estimateTokens, type FileSymbols } from "../../../src/context/index.js";

const def = (name: string, line: number, signature: string, container?: string) => ({
  name,
  kind: container ? "method" : "function",
  line,
  signature,
  ...(container ? { container } : {}),
});

const symbols = new Map<string, FileSymbols>([
  [
    "src/store.ts",
    {
      definitions: [
        { name: "Store", kind: "class", line: 3, signature: "export class Store" },
        def("get", 5, "get(key: string): string", "Store"),
        def("get", 9, "get(key: number): string", "Store"),
      ],
      imports: [],
    },
  ],
  [
    "src/util.ts",
    {
      definitions: [def("slugify", 1, "export function slugify(text: string): string")],
      imports: [],
    },
  ],
  [
    "src/big.ts",
    {
      definitions: Array.from({ length: 100 }, (_, i) =>
        def(`fn${i}`, i + 1, `export function fn${i}(): void`),
      ),
      imports: [],
    },
  ],
]);

describe("estimateTokens", () => {
  it("counts about 3.5 characters a token, rounding up", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abc")).toBe(1);
    expect(estimateTokens("x".repeat(35))).toBe(10);
    expect(estimateTokens("x".repeat(36))).toBe(11);
  });
});

describe("buildRepoMap", () => {
  const ranked = [
    { path: "src/util.ts", score: 3 },
    { path: "src/store.ts", score: 2 },
    { path: "src/big.ts", score: 1 },
    { path: "README.md", score: 0.5 },
  ];

  it("lists files in ranking order with line: signature, members indented, overloads once", () => {
    const map = buildRepoMap(ranked.slice(0, 2), symbols, 1000);
    expect(map).toBe(
      [
        "src/util.ts",
        "  1: export function slugify(text: string): string",
        "src/store.ts",
        "  3: export class Store",
        "    5: get(key: string): string",
      ].join("\n"),
    );
  });

  it("caps a long outline and says how much is left out", () => {
    const map = buildRepoMap([{ path: "src/big.ts", score: 1 }], symbols, 10_000);
    expect(map.split("\n")).toHaveLength(1 + 30 + 1);
    expect(map).toContain("  … 70 more");
  });

  it("stays within the budget, shortening lower-ranked files before dropping them", () => {
    for (const budget of [0, 5, 20, 40, 80, 200, 400]) {
      const map = buildRepoMap(ranked, symbols, budget);
      expect(estimateTokens(map)).toBeLessThanOrEqual(budget);
    }
    const tight = buildRepoMap(ranked, symbols, 60);
    expect(tight.startsWith("src/util.ts\n  1: export function slugify")).toBe(true);
    expect(buildRepoMap(ranked, symbols, 0)).toBe("");
  });
});
