#!/usr/bin/env node
// Localization benchmark: patchsmith's ranking vs plain BM25 over the same checkout, same run.
// Usage text: see USAGE below. Needs `npm run build` first (it drives the compiled code).
import { execFile, execFileSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const USAGE = `usage: npm run build && npm run bench:localize -- [options]
  --set swebench|vuejs|all   which development set (default all)
  --limit N                  first N rows of each set
  --repos-dir DIR            where bare git dirs live: DIR/<owner>+<name>/repo, DIR/<owner>+<name>,
                             DIR/<owner>/<name>(.git) or DIR/<name>(.git) (default /work/.mirror)
  --data-dir DIR             the jsonl files (default ../shared/bench from the repo root)
  --direct                   call dist/context/localize.js in-process instead of the CLI
  --json                     print the summary as JSON
Methods: patchsmith (the localize command), bm25 (plain BM25 over source files, path x3 + body,
lowercase alphanumeric words: the reference; "ratio" is patchsmith / bm25), bm25Code (the same
BM25 with patchsmith's code-aware tokenizer).
  --cache-dir DIR            keep each commit's ranking index there (direct mode; for tuning)
  --no-baseline              skip BM25 (tuning runs only; reported figures always include it)
  --weights JSON             override ranking weights (direct mode; for tuning)
  --offset N                 skip the first N rows of each set (with --limit: quick slices)
  --dump FILE                direct mode: write each row's query, gold and top 60 with their
                             signals (explain) as JSON lines, for offline reranking experiments
Rows run against a scratch worktree of each repository at the row's base_commit.`;

const SETS = { swebench: "dev-swebench-verified-py.jsonl", vuejs: "dev-vuejs-core-mined.jsonl" };
const KS = [1, 3, 5, 10];

function parseArgs(argv) {
  const options = {
    set: "all",
    limit: Infinity,
    reposDir: "/work/.mirror",
    dataDir: path.resolve(root, "../shared/bench"),
    direct: false,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === "--set") options.set = value();
    else if (arg === "--limit") options.limit = Number(value());
    else if (arg === "--repos-dir") options.reposDir = path.resolve(value());
    else if (arg === "--data-dir") options.dataDir = path.resolve(value());
    else if (arg === "--direct") options.direct = true;
    else if (arg === "--json") options.json = true;
    else if (arg === "--cache-dir") options.cacheDir = path.resolve(value());
    else if (arg === "--no-baseline") options.noBaseline = true;
    else if (arg === "--weights") options.weights = JSON.parse(value());
    else if (arg === "--offset") options.offset = Number(value());
    else if (arg === "--dump") options.dump = path.resolve(value());
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  if (options.set !== "all" && !(options.set in SETS))
    throw new Error(`--set must be swebench, vuejs or all\n${USAGE}`);
  return options;
}

function findGitDir(reposDir, repo) {
  const [owner, name] = repo.split("/");
  const candidates = [
    `${owner}+${name}/repo`,
    `${owner}+${name}`,
    `${owner}/${name}.git`,
    `${owner}/${name}`,
    `${name}.git`,
    name,
  ].map((p) => path.join(reposDir, p));
  for (const dir of candidates) {
    if (!existsSync(dir)) continue;
    try {
      execFileSync(
        "git",
        [
          "--git-dir",
          existsSync(path.join(dir, ".git")) ? path.join(dir, ".git") : dir,
          "rev-parse",
          "--git-dir",
        ],
        { stdio: "ignore" },
      );
      return existsSync(path.join(dir, ".git")) ? path.join(dir, ".git") : dir;
    } catch {
      // not a git directory; try the next layout
    }
  }
  throw new Error(`no git directory for ${repo} under ${reposDir} (fetch it, or pass --repos-dir)`);
}

async function loadDist() {
  const load = async (p) => {
    const file = path.join(root, "dist", p);
    if (!existsSync(file))
      throw new Error(`${file} is missing: run \`npm run build\` first.\n${USAGE}`);
    return import(file);
  };
  const rank = await load("context/rank/index.js");
  const inventory = await load("context/inventory.js");
  const languages = await load("context/languages.js");
  const localizeModule = await load("context/localize.js");
  return { rank, inventory, languages, localizeModule };
}

function metrics(ranked, gold) {
  const out = {};
  for (const k of KS) {
    const topK = new Set(ranked.slice(0, k));
    const found = gold.filter((g) => topK.has(g)).length;
    out[`acc@${k}`] = found === gold.length ? 1 : 0;
    out[`hit@${k}`] = found > 0 ? 1 : 0;
  }
  return out;
}

function summarize(results) {
  const sum = (method) => {
    const totals = {};
    for (const r of results)
      for (const [key, value] of Object.entries(r[method]))
        totals[key] = (totals[key] ?? 0) + value;
    for (const key of Object.keys(totals))
      totals[key] = Number((totals[key] / results.length).toFixed(3));
    return totals;
  };
  const patchsmith = sum("patchsmith");
  const bm25 = sum("bm25");
  const bm25Code = sum("bm25Code");
  const ratio = {};
  for (const key of Object.keys(patchsmith))
    ratio[key] = bm25[key] > 0 ? Number((patchsmith[key] / bm25[key]).toFixed(2)) : null;
  const ms = (key) => results.reduce((s, r) => s + r.ms[key], 0) / results.length;
  return {
    rows: results.length,
    patchsmith,
    bm25,
    ratio,
    bm25Code,
    meanMs: {
      patchsmith: Math.round(ms("patchsmith")),
      bm25: Math.round(ms("bm25")),
      bm25Code: Math.round(ms("bm25Code")),
    },
  };
}

async function runPatchsmith(dist, options, worktree, query, files) {
  if (options.direct) {
    const ranked = await dist.localizeModule.localize({
      dir: worktree,
      query,
      top: 60,
      files,
      cacheDir: options.cacheDir,
      weights: options.weights,
      explain: Boolean(options.dump),
    });
    if (options.dump) options.lastRanked = ranked;
    return ranked.map((f) => f.path);
  }
  const issueFile = path.join(options.scratch, "issue.md");
  writeFileSync(issueFile, query);
  const { stdout } = await execFileAsync(
    process.execPath,
    [
      path.join(root, "bin/patchsmith.js"),
      "localize",
      "--repo",
      worktree,
      "--issue-file",
      issueFile,
      "--top",
      "60",
      "--json",
    ],
    // The command caches each commit's index under PATCHSMITH_WORK_DIR: keep it in the scratch
    // dir, removed with it (a cache of ~1,000 commits would otherwise stay behind).
    { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PATCHSMITH_WORK_DIR: options.scratch } },
  );
  const parsed = JSON.parse(stdout);
  if (!Array.isArray(parsed.files))
    throw new Error(`localize printed no "files": ${stdout.slice(0, 200)}`);
  return parsed.files.map((f) => f.path);
}

// BM25 over the source files: `plain` is the reference baseline (ratios are against it);
// `code` uses patchsmith's tokenizer, to show what tokenization alone is worth.
async function runBaseline(dist, worktree, query, files, tokenizer) {
  const sources = files.filter((f) => dist.languages.SOURCE_LANGUAGES.has(f.language));
  const corpusFiles = await dist.localizeModule.readCorpusFiles(worktree, sources);
  const index = dist.rank.baselineIndex(corpusFiles, tokenizer);
  const words = tokenizer === "plain" ? dist.rank.plainTokenize : dist.rank.tokenize;
  const scores = index.score(words(query));
  return [...scores.keys()]
    .filter((i) => scores[i] > 0)
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .map((i) => sources[i].path);
}

function table(title, groups) {
  const lines = [
    `\n## ${title}`,
    "| group | rows | method | " +
      KS.map((k) => `acc@${k}`).join(" | ") +
      " | " +
      KS.map((k) => `hit@${k}`).join(" | ") +
      " | mean ms |",
    "|---|---|---|" + "---|".repeat(KS.length * 2 + 1),
  ];
  for (const [name, s] of groups) {
    for (const method of ["patchsmith", "bm25", "ratio", "bm25Code"]) {
      const cells = [
        ...KS.map((k) => s[method][`acc@${k}`]),
        ...KS.map((k) => s[method][`hit@${k}`]),
      ].map((v) => (v === null ? "-" : String(v)));
      const ms = method === "ratio" ? "" : String(s.meanMs[method]);
      lines.push(`| ${name} | ${s.rows} | ${method} | ${cells.join(" | ")} | ${ms} |`);
    }
  }
  return lines.join("\n");
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const dist = await loadDist();
  if (options.dump) {
    options.direct = true;
    writeFileSync(options.dump, "");
  }
  if (!options.direct && !existsSync(path.join(root, "dist/cli.js"))) {
    console.error("dist/cli.js is missing, so the CLI cannot run; falling back to --direct.");
    options.direct = true;
  }
  options.scratch = mkdtempSync(path.join(tmpdir(), "patchsmith-bench-"));
  // An interrupted run must not leave worktrees registered in the mirrors.
  const active = new Map();
  const cleanup = () => {
    for (const [worktree, gitDir] of active) {
      try {
        execFileSync("git", ["--git-dir", gitDir, "worktree", "remove", "--force", worktree], {
          stdio: "ignore",
        });
        execFileSync("git", ["--git-dir", gitDir, "worktree", "prune"], { stdio: "ignore" });
      } catch {
        // best effort: `git worktree prune` later removes what is left
      }
    }
    active.clear();
    rmSync(options.scratch, { recursive: true, force: true });
  };
  const cleanupOne = (worktree) => {
    const gitDir = active.get(worktree);
    if (!gitDir) return;
    execFileSync("git", ["--git-dir", gitDir, "worktree", "remove", "--force", worktree], {
      stdio: "ignore",
    });
    execFileSync("git", ["--git-dir", gitDir, "worktree", "prune"], { stdio: "ignore" });
    active.delete(worktree);
  };
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  const setNames = options.set === "all" ? Object.keys(SETS) : [options.set];
  const report = { mode: options.direct ? "direct" : "cli", sets: {} };
  const started = Date.now();
  try {
    for (const setName of setNames) {
      const rows = readFileSync(path.join(options.dataDir, SETS[setName]), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .slice(options.offset ?? 0, (options.offset ?? 0) + options.limit);
      const byRepo = new Map();
      for (const row of rows) byRepo.set(row.repo, [...(byRepo.get(row.repo) ?? []), row]);
      const results = [];
      for (const [repo, repoRows] of byRepo) {
        const gitDir = findGitDir(options.reposDir, repo);
        const worktree = path.join(options.scratch, repo.replace("/", "+"));
        execFileSync(
          "git",
          [
            "--git-dir",
            gitDir,
            "worktree",
            "add",
            "--detach",
            "--force",
            worktree,
            repoRows[0].base_commit,
          ],
          { stdio: "ignore" },
        );
        active.set(worktree, gitDir);
        try {
          for (const row of repoRows) {
            execFileSync(
              "git",
              ["-C", worktree, "checkout", "--detach", "--force", "--quiet", row.base_commit],
              { stdio: "ignore" },
            );
            execFileSync("git", ["-C", worktree, "clean", "-fdxq"], { stdio: "ignore" });
            const files =
              options.cacheDir && options.noBaseline
                ? undefined
                : await dist.inventory.listInventory(worktree);
            const isTest = (p) => dist.rank.isTestFile(p);
            const gold = row.gold_files;
            let t = globalThis.performance.now();
            const ps = (await runPatchsmith(dist, options, worktree, row.query, files)).filter(
              (p) => !isTest(p),
            );
            const psMs = globalThis.performance.now() - t;
            t = globalThis.performance.now();
            const bm = options.noBaseline
              ? []
              : (await runBaseline(dist, worktree, row.query, files, "plain")).filter(
                  (p) => !isTest(p),
                );
            const bmMs = globalThis.performance.now() - t;
            t = globalThis.performance.now();
            const bmCode = options.noBaseline
              ? []
              : (await runBaseline(dist, worktree, row.query, files, "code")).filter(
                  (p) => !isTest(p),
                );
            const bmCodeMs = globalThis.performance.now() - t;
            if (options.dump)
              appendFileSync(
                options.dump,
                JSON.stringify({
                  id: row.id,
                  repo,
                  query: row.query,
                  gold,
                  ranked: options.lastRanked,
                }) + "\n",
              );
            results.push({
              id: row.id,
              repo,
              gold,
              top: ps.slice(0, 5),
              patchsmith: metrics(ps, gold),
              bm25: metrics(bm, gold),
              bm25Code: metrics(bmCode, gold),
              ms: { patchsmith: psMs, bm25: bmMs, bm25Code: bmCodeMs },
            });
            if (process.env.BENCH_VERBOSE) {
              const r = results.at(-1);
              console.error(
                `${r.patchsmith["acc@5"] ? "ok  " : "MISS"} ${row.id} gold=${gold.join(",")} top=${ps.slice(0, 5).join(",")}`,
              );
            }
          }
        } finally {
          cleanupOne(worktree);
        }
      }
      const perRepo = [...byRepo.keys()].map((repo) => [
        repo,
        summarize(results.filter((r) => r.repo === repo)),
      ]);
      report.sets[setName] = {
        all: summarize(results),
        perRepo: Object.fromEntries(perRepo),
        rows: results.map((r) => ({
          id: r.id,
          repo: r.repo,
          gold: r.gold,
          top: r.top,
          patchsmith: r.patchsmith,
          bm25: r.bm25,
        })),
        misses: results
          .filter((r) => !r.patchsmith["acc@5"])
          .map((r) => ({ id: r.id, gold: r.gold, top: r.top })),
      };
    }
  } finally {
    cleanup();
  }
  report.seconds = Math.round((Date.now() - started) / 1000);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`# localization benchmark (${report.mode} mode, ${report.seconds} s)`);
    for (const [setName, s] of Object.entries(report.sets)) {
      console.log(table(`${setName}: all`, [["all", s.all]]));
      console.log(table(`${setName}: per repository`, Object.entries(s.perRepo)));
    }
  }
}

main().catch((error) => {
  console.error(
    error instanceof Error ? (process.env.BENCH_VERBOSE ? error.stack : error.message) : error,
  );
  process.exitCode = 1;
});
