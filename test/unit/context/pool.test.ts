import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  createSymbolPool,
  extractSymbols,
  languageOf,
  type SymbolPool,
} from "../../../src/context/index.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = `${root}test/fixtures/context/symbols/`;
const compiledPool = `${root}dist/context/symbols/pool.js`;
// Workers need compiled JavaScript: `npm test` builds dist/ first; a dist/ older than the sources would test old code.
const newest = (dir: string, ext: string) =>
  Math.max(
    ...readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .map((f) => statSync(`${dir}${f}`).mtimeMs),
  );
const oldest = (dir: string, ext: string) =>
  Math.min(
    ...readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .map((f) => statSync(`${dir}${f}`).mtimeMs),
  );
const compiledIsCurrent =
  existsSync(compiledPool) &&
  oldest(`${root}dist/context/symbols/`, ".js") >= newest(`${root}src/context/symbols/`, ".ts");

const files = readdirSync(fixtures).map((name) => ({
  path: name,
  language: languageOf(name),
  content: readFileSync(fixtures + name, "utf8"),
}));

describe("createSymbolPool", () => {
  it("parses in this thread for small jobs or when there are no compiled workers", async () => {
    const pool = createSymbolPool(10, { workers: 2 });
    expect(pool.workers).toBe(0);
    expect(await pool.extract(files[0]!)).toEqual(await extractSymbols(files[0]!));
    await pool.close();
  });

  it.skipIf(!compiledIsCurrent)(
    "worker threads find exactly what this thread finds (needs a current `npm run build`)",
    async () => {
      const compiled = (await import(compiledPool)) as {
        createSymbolPool: (count: number, options: { workers: number }) => SymbolPool;
      };
      const pool = compiled.createSymbolPool(1000, { workers: 2 });
      try {
        expect(pool.workers).toBe(2);
        const fromWorkers = await Promise.all(files.map((f) => pool.extract(f)));
        const here = await Promise.all(files.map((f) => extractSymbols(f)));
        expect(fromWorkers).toEqual(here);
        expect(fromWorkers.some((s) => s.definitions.length > 0)).toBe(true);
      } finally {
        await pool.close();
      }
    },
  );
});
