import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearIndexMemory, getIndex, indexStats, symbolsFor } from "../../../src/context/index.js";
import { makeRepo, type FixtureRepo } from "./git-fixture.js";

describe("getIndex", () => {
  let repo: FixtureRepo;
  let cacheDir: string;

  beforeAll(() => {
    repo = makeRepo({
      "src/math.ts": "export function add(a: number, b: number) {\n  return a + b;\n}\n",
      "package.json": JSON.stringify({ scripts: { test: "vitest run" } }),
      "README.md": "# Cache test\n",
    });
    cacheDir = mkdtempSync(path.join(tmpdir(), "patchsmith-cache-"));
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });
  beforeEach(() => clearIndexMemory());

  it("indexes a commit once: the second call on the same SHA reads the cache and not the files", async () => {
    const builds = indexStats.builds;
    const first = await getIndex(repo.dir, repo.sha, { cacheDir });
    expect(indexStats.builds).toBe(builds + 1);
    expect(first.symbols.get("src/math.ts")?.definitions.map((d) => d.name)).toEqual(["add"]);
    expect(first.profile.commands.test?.argv).toEqual(["npm", "test"]);
    expect(readdirSync(cacheDir)).toEqual([
      expect.stringMatching(new RegExp(`^${repo.sha}-[0-9a-f]{12}\\.json$`)),
    ]);

    // Change the checkout behind the cache's back: an index read from the cache cannot see it.
    writeFileSync(path.join(repo.dir, "src/math.ts"), "export function subtract() {}\n");
    clearIndexMemory();
    const diskHits = indexStats.diskHits;
    const second = await getIndex(repo.dir, repo.sha, { cacheDir });
    expect(indexStats.builds).toBe(builds + 1);
    expect(indexStats.diskHits).toBe(diskHits + 1);
    expect(second.symbols.get("src/math.ts")?.definitions.map((d) => d.name)).toEqual(["add"]);
    expect(second.files).toEqual(first.files);

    const memoryHits = indexStats.memoryHits;
    expect(await getIndex(repo.dir, repo.sha, { cacheDir })).toBe(second);
    expect(indexStats.memoryHits).toBe(memoryHits + 1);
  });

  it("builds again for other options or another commit, and shares one build between concurrent calls", async () => {
    const builds = indexStats.builds;
    const [a, b] = await Promise.all([
      getIndex(repo.dir, repo.sha, { cacheDir, exclude: ["README.md"] }),
      getIndex(repo.dir, repo.sha, { cacheDir, exclude: ["README.md"] }),
    ]);
    expect(a).toBe(b);
    expect(indexStats.builds).toBe(builds + 1);
    expect(a.files.map((f) => f.path)).not.toContain("README.md");
    await getIndex(repo.dir, "0".repeat(40), { cacheDir });
    expect(indexStats.builds).toBe(builds + 2);
  });

  it("rebuilds when the cache file is damaged", async () => {
    const sha = "1".repeat(40);
    await getIndex(repo.dir, sha, { cacheDir });
    const file = readdirSync(cacheDir).find((f) => f.startsWith(sha))!;
    writeFileSync(path.join(cacheDir, file), "{not json");
    clearIndexMemory();
    const builds = indexStats.builds;
    const index = await getIndex(repo.dir, sha, { cacheDir });
    expect(indexStats.builds).toBe(builds + 1);
    expect(index.files.length).toBeGreaterThan(0);
  });

  it("a lazy index parses nothing until asked, then only the files asked for", async () => {
    const index = await getIndex(repo.dir, "2".repeat(40), { symbols: "lazy" });
    expect(index.symbolsComplete).toBe(false);
    expect(index.symbols.size).toBe(0);
    expect(index.files.map((f) => f.path)).toContain("src/math.ts");
    const found = await symbolsFor(repo.dir, index, ["README.md", "missing.ts"]);
    expect([...found.keys()]).toEqual(["README.md"]);
    expect([...index.symbols.keys()]).toEqual(["README.md"]);
  });
});
