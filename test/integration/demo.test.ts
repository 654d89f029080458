/**
 * `patchsmith demo` end to end: the built command as a child process, with every connection
 * that would leave the machine refused (test/fakes/block-network.mjs, preloaded through
 * NODE_OPTIONS so node children get it too). When prompts or templates change, the recorded
 * cassette no longer matches and this test says to re-record it.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { DEMO_DIR, runDemo } from "../../src/demo.js";
import { tempDir } from "../fakes/git-fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = path.join(ROOT, "bin", "patchsmith.js");
const BLOCK = pathToFileURL(fileURLToPath(new URL("../fakes/block-network.mjs", import.meta.url)));
const STALE =
  "The demo's cassette (demo/cassette.json) no longer matches what the pipeline asks: prompts or templates changed. Run `npm run demo:record` and commit demo/cassette.json.";

function runBin(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env, cwd: ROOT, timeout: 90_000, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("patchsmith demo", () => {
  it("runs the whole pipeline on the sample with the network blocked", async () => {
    expect(existsSync(path.join(ROOT, "dist", "cli.js")), "run `npm run build` first").toBe(true);
    const log = path.join(await tempDir(), "blocked.log");
    await writeFile(log, "");
    const started = Date.now();
    const { code, stdout, stderr } = await runBin(["demo"], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_OPTIONS: `--import=${BLOCK.href}`,
      BLOCKED_NETWORK_LOG: log,
      // No key of any kind: the demo must not need one.
      CI: "true",
    });
    const seconds = (Date.now() - started) / 1000;
    const stale = `${stdout}${stderr}`.includes("npm run demo:record");
    expect(code, `${stale ? STALE : "patchsmith demo failed"}\n${stderr}\n${stdout}`).toBe(0);

    expect(stdout).toMatch(/answers are REPLAYED from a recorded cassette .*cassette\.json/);
    expect(stdout).toContain("no API key, no GitHub, no network");
    // The bug is real: the sample's test fails at the base commit, and passes in the gate below.
    expect(stdout).toContain(
      "`npm test` on main: fails (exit 1).\n  failing: joins words with one dash",
    );
    for (const stage of [
      "analyzing the code",
      "planning",
      "implementing",
      "running the quality gate",
      "pull request opened",
    ])
      expect(stdout).toMatch(new RegExp(`\\[\\d+\\.\\d s\\] \\S+ ${stage}`));
    expect(stdout).toContain("== Plan ");
    expect(stdout).toContain("Make slugify() join words with single dashes");
    expect(stdout).toContain('-  return title.toLowerCase().replace(/[^a-z0-9]/g, "-");');
    expect(stdout).toContain('+    .replace(/[^a-z0-9]+/g, "-")');
    expect(stdout).toContain('+test("drops dashes at both ends", () => {');
    expect(stdout).toContain("Quality gate: passed");
    expect(stdout).toMatch(/\| tests \| ✅ pass \|/);
    expect(stdout).toContain("Model: 5 answers replayed from the cassette; no model was called");
    // The preload refused nothing because nothing was tried.
    expect(await readFile(log, "utf8")).toBe("");
    expect(seconds).toBeLessThan(60);
  });

  it("the network block really refuses a connection (so the test above can fail)", async () => {
    const log = path.join(await tempDir(), "blocked.log");
    await writeFile(log, "");
    const probe = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [
          "-e",
          'fetch("https://api.anthropic.com/v1/messages").then(() => console.log("sent"), (e) => console.log(e.cause?.code ?? e.message))',
        ],
        {
          env: {
            PATH: process.env.PATH,
            NODE_OPTIONS: `--import=${BLOCK.href}`,
            BLOCKED_NETWORK_LOG: log,
          },
        },
        (_error, stdout) => resolve(stdout.trim()),
      );
    });
    expect(probe).toBe("ENETUNREACH");
    expect(await readFile(log, "utf8")).toMatch(/connect api\.anthropic\.com:443/);
  });

  it("says to re-record the cassette when a prompt changed", async () => {
    // The same sample, with the plan prompt overridden by the repository (as a template edit would).
    const demoDir = path.join(await tempDir(), "demo");
    await cp(DEMO_DIR, demoDir, { recursive: true });
    const override = path.join(
      demoDir,
      "sample-repo",
      ".github",
      "patchsmith",
      "templates",
      "prompts",
    );
    await mkdir(override, { recursive: true });
    const plan = await readFile(path.join(ROOT, "templates", "prompts", "plan.md"), "utf8");
    await writeFile(path.join(override, "plan.md"), `${plan}\nPrefer short plans.\n`);
    let stdout = "";
    let stderr = "";
    const code = await runDemo({
      processEnv: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "silent" },
      io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
      demoDir,
    });
    expect(code).toBe(1);
    expect(stdout).toContain("The demo run failed");
    expect(stderr).toContain("the run failed during plan");
    expect(stderr).toContain("exchange 1 of 5 (stage plan) does not match the cassette");
    expect(stderr).toContain("`system` differs");
    expect(stderr).toMatch(/this run: ….*Prefer short plans\./);
    expect(stderr).toContain("run `npm run demo:record`");
  });
});
