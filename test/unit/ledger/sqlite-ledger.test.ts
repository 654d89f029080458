import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { SpendScope } from "../../../src/core/index.js";
import {
  openSpendLedger,
  openSpendLedgerLazily,
  openSqliteSpendLedger,
} from "../../../src/ledger/index.js";
import { tempDir } from "../../fakes/git-fixtures.js";

const repo: SpendScope = { kind: "repository", id: "octo/app" };
const other: SpendScope = { kind: "repository", id: "octo/other" };
const installation: SpendScope = { kind: "installation", id: "4711" };
// Today: a ledger prunes days older than its retention when it opens.
const noon = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);

describe("the SQLite spend ledger", () => {
  it("two handles on one file see each other's spend at once", async () => {
    const file = path.join(await tempDir(), "spend.sqlite");
    const a = openSqliteSpendLedger({ file });
    const b = openSqliteSpendLedger({ file });
    try {
      await a.add([repo, installation], 0.25, noon);
      expect(await b.spentToday(repo, noon)).toBeCloseTo(0.25, 10);
      for (let i = 0; i < 50; i++) {
        await (i % 2 === 0 ? a : b).add([repo, installation], 0.01, noon);
        await b.add([other, installation], 0.02, noon);
      }
      expect(await a.spentToday(repo, noon)).toBeCloseTo(0.75, 10);
      expect(await a.spentToday(other, noon)).toBeCloseTo(1, 10);
      expect(await b.spentToday(installation, noon)).toBeCloseTo(1.75, 10);
      // A scope's kind is part of its key: an installation id never reads a repository's row.
      expect(await a.spentToday({ kind: "installation", id: "octo/app" }, noon)).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
    const again = openSqliteSpendLedger({ file });
    expect(await again.spentToday(repo, noon)).toBeCloseTo(0.75, 10);
    await again.close();
  });

  it("processes adding at the same time to one file lose no call", async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
    const built = path.join(root, "dist/ledger/index.js");
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
    const file = path.join(await tempDir(), "spend.sqlite");
    const child = path.join(root, "test/fakes/ledger-child.mjs");
    const run = promisify(execFile);
    const here = openSqliteSpendLedger({ file });
    // 0.125 is exact in binary, so the sums compare exactly.
    const children = [
      run(process.execPath, [child, built, file, "octo/app", "400", "0.125"]),
      run(process.execPath, [child, built, file, "octo/other", "400", "0.125"]),
    ];
    for (let i = 0; i < 100; i++) await here.add([repo, installation], 0.125);
    const outputs = await Promise.all(children);
    expect(outputs.map((o) => o.stdout)).toEqual(["done\n", "done\n"]);
    expect(await here.spentToday(repo)).toBe(62.5);
    expect(await here.spentToday(other)).toBe(50);
    expect(await here.spentToday(installation)).toBe(112.5);
    await here.close();
  });

  it("counts each UTC day apart: a minute before midnight is yesterday", async () => {
    const ledger = openSqliteSpendLedger({ file: ":memory:" });
    await ledger.add([repo], 2, new Date("2026-03-10T23:59:30Z"));
    // 00:30 in Berlin is still the 10th in UTC... and 23:30 in New York is the 11th in UTC.
    await ledger.add([repo], 1, new Date("2026-03-10T23:30:00-01:00"));
    expect(await ledger.spentToday(repo, new Date("2026-03-10T00:00:00Z"))).toBe(2);
    expect(await ledger.spentToday(repo, new Date("2026-03-11T00:00:00Z"))).toBe(1);
    expect(await ledger.spentToday(repo, new Date("2026-03-12T00:00:00Z"))).toBe(0);
    expect(ledger.days()).toEqual(["2026-03-10", "2026-03-11"]);
    await ledger.close();
  });

  it("keeps the retention window and prunes older days, on open and when the day turns", async () => {
    const file = path.join(await tempDir(), "spend.sqlite");
    const day = (d: number) => new Date(Date.UTC(2026, 0, d, 8));
    const writer = openSqliteSpendLedger({ file, retentionDays: 35, now: () => day(1) });
    for (let d = 1; d <= 40; d++) await writer.add([repo], 1, day(d));
    // Adding on day 40 pruned everything before day 6 (days 6..40 are 35 days).
    expect(writer.days()[0]).toBe("2026-01-06");
    expect(writer.days()).toHaveLength(35);
    await writer.close();

    const later = openSqliteSpendLedger({ file, retentionDays: 35, now: () => day(50) });
    expect(later.days()[0]).toBe("2026-01-16");
    expect(later.days()).toHaveLength(25);
    expect(await later.spentToday(repo, day(40))).toBe(1);
    await later.close();
  });

  it("ignores free calls and survives a double close", async () => {
    const ledger = openSqliteSpendLedger({ file: ":memory:" });
    await ledger.add([repo], 0, noon);
    expect(ledger.days()).toEqual([]);
    await ledger.close();
    await ledger.close();
  });

  it("openSpendLedger puts spend.sqlite in the data directory; a Redis factory wins with REDIS_URL", async () => {
    const dataDir = path.join(await tempDir(), "data");
    const local = openSpendLedger({ dataDir });
    await local.add([repo], 0.5, noon);
    await local.close();
    expect(await readdir(dataDir)).toContain("spend.sqlite");

    const made: string[] = [];
    const fake = openSqliteSpendLedger({ file: ":memory:" });
    const chosen = openSpendLedger({
      dataDir,
      redisUrl: "redis://127.0.0.1:6390",
      redis: (url) => {
        made.push(url);
        return fake;
      },
    });
    expect(chosen).toBe(fake);
    expect(made).toEqual(["redis://127.0.0.1:6390"]);
    await fake.close();

    const warnings: string[] = [];
    const fallback = openSpendLedger({
      dataDir,
      redisUrl: "redis://127.0.0.1:6390",
      logger: { ...silent, warn: (_o: unknown, msg?: string) => void warnings.push(String(msg)) },
    });
    expect(await fallback.spentToday(repo, noon)).toBe(0.5);
    expect(warnings.join()).toMatch(/this machine's spend only/);
    await fallback.close();
  });
});

describe("the lazily opened ledger", () => {
  it("opens at first use, fails each use while it cannot open, and opens once it can", async () => {
    const root = await tempDir();
    const dataDir = path.join(root, "data");
    // A file where the data directory should be: mkdir fails.
    await writeFile(dataDir, "not a directory");
    const errors: string[] = [];
    const ledger = openSpendLedgerLazily({
      dataDir,
      logger: { ...silent, error: (o: unknown) => void errors.push(JSON.stringify(o)) },
    });
    await expect(ledger.add([repo], 1, noon)).rejects.toThrow(/could not be opened/);
    await expect(ledger.spentToday(repo, noon)).rejects.toThrow(/could not be opened/);
    expect(errors).toHaveLength(2);
    await rm(dataDir);
    await ledger.add([repo], 1, noon);
    expect(await ledger.spentToday(repo, noon)).toBe(1);
    expect(await readdir(dataDir)).toContain("spend.sqlite");
    await ledger.close();
  });
});

const silent = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child() {
    return silent;
  },
};
