#!/usr/bin/env node
// Speed benchmark for localization: cold index+rank, warm (cached) rank, peak memory, each beside the
// time to merely read the same files (`git ls-files | xargs cat > /dev/null`) in the same run.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `usage: npm run build && npm run bench:speed -- [options]
  --repos-dir DIR   bare git dirs as DIR/<owner>+<name>/repo (default /work/.mirror)
  --repo OWNER/NAME repositories to time (repeatable; default vuejs/core and babel/babel)
  --json            print JSON
Each repository is checked out at its HEAD in a scratch worktree.`;

const QUERY =
  "Crash when a component's props are updated during render\n\nTypeError in the parser when handling decorators.";

if (process.argv[2] === "--child") {
  // One localize() call in a fresh process, so its peak memory is its own.
  const [dir, issueFile, cacheDir] = process.argv.slice(3);
  const { localize } = await import(path.join(root, "dist/context/localize.js"));
  const { readFileSync } = await import("node:fs");
  const started = globalThis.performance.now();
  const ranked = await localize({
    dir,
    query: readFileSync(issueFile, "utf8"),
    top: 10,
    ...(cacheDir ? { cacheDir } : {}),
  });
  const ms = globalThis.performance.now() - started;
  console.log(
    JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, files: ranked.length }),
  );
  process.exit(0);
}

function parseArgs(argv) {
  const options = { reposDir: "/work/.mirror", repos: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--repos-dir") options.reposDir = path.resolve(argv[++i]);
    else if (arg === "--repo") options.repos.push(argv[++i]);
    else if (arg === "--json") options.json = true;
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  if (options.repos.length === 0) options.repos = ["vuejs/core", "babel/babel"];
  return options;
}

function gitDirOf(reposDir, repo) {
  const [owner, name] = repo.split("/");
  for (const candidate of [
    `${owner}+${name}/repo`,
    `${owner}+${name}`,
    `${owner}/${name}.git`,
    `${name}.git`,
  ]) {
    const dir = path.join(reposDir, candidate);
    if (existsSync(dir)) return dir;
  }
  throw new Error(`no git directory for ${repo} under ${reposDir}`);
}

function timed(fn) {
  const started = globalThis.performance.now();
  const result = fn();
  return { ms: globalThis.performance.now() - started, result };
}

function child(args) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", ...args], {
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`localize child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1));
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(root, "dist/context/localize.js")))
    throw new Error(`run \`npm run build\` first\n${USAGE}`);
  const scratch = mkdtempSync(path.join(tmpdir(), "patchsmith-speed-"));
  const issueFile = path.join(scratch, "issue.md");
  writeFileSync(issueFile, QUERY);
  const rows = [];
  try {
    for (const repo of options.repos) {
      const gitDir = gitDirOf(options.reposDir, repo);
      const worktree = path.join(scratch, repo.replace("/", "+"));
      execFileSync(
        "git",
        ["--git-dir", gitDir, "worktree", "add", "--detach", "--force", worktree, "HEAD"],
        { stdio: "ignore" },
      );
      try {
        const tracked = execFileSync("git", ["-C", worktree, "ls-files"], {
          encoding: "utf8",
          maxBuffer: 1 << 28,
        })
          .split("\n")
          .filter(Boolean).length;
        const read = () =>
          timed(() =>
            execFileSync("sh", ["-c", "git ls-files -z | xargs -0 cat > /dev/null"], {
              cwd: worktree,
            }),
          ).ms;
        read(); // the checkout just wrote these files; one pass so both sides read from the page cache
        const readMs = read();
        const cli = timed(() =>
          spawnSync(
            process.execPath,
            [
              path.join(root, "bin/patchsmith.js"),
              "localize",
              "--repo",
              worktree,
              "--issue-file",
              issueFile,
              "--top",
              "10",
              "--json",
            ],
            { encoding: "utf8" },
          ),
        );
        if (cli.result.status !== 0)
          throw new Error(`patchsmith localize failed: ${cli.result.stderr}`);
        const cold = child([worktree, issueFile]);
        const cacheDir = path.join(scratch, `cache-${repo.replace("/", "+")}`);
        const primed = child([worktree, issueFile, cacheDir]);
        const warm = child([worktree, issueFile, cacheDir]);
        rows.push({
          repo,
          trackedFiles: tracked,
          readMs: Math.round(readMs),
          cliColdMs: Math.round(cli.ms),
          coldMs: Math.round(cold.ms),
          coldMaxRssMb: Math.round(cold.maxRssMb),
          primeMs: Math.round(primed.ms),
          warmMs: Math.round(warm.ms),
          warmMaxRssMb: Math.round(warm.maxRssMb),
          ratio: {
            cliCold: Number((cli.ms / readMs).toFixed(1)),
            cold: Number((cold.ms / readMs).toFixed(1)),
            warm: Number((warm.ms / readMs).toFixed(2)),
          },
        });
      } finally {
        execFileSync("git", ["--git-dir", gitDir, "worktree", "remove", "--force", worktree], {
          stdio: "ignore",
        });
        execFileSync("git", ["--git-dir", gitDir, "worktree", "prune"], { stdio: "ignore" });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (options.json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log(
      "| repo | tracked files | read all (ms) | CLI cold (ms) | cold localize (ms) | cold peak RSS (MB) | warm localize (ms) | warm peak RSS (MB) | CLI cold / read | cold / read | warm / read |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) {
      console.log(
        `| ${r.repo} | ${r.trackedFiles} | ${r.readMs} | ${r.cliColdMs} | ${r.coldMs} | ${r.coldMaxRssMb} | ${r.warmMs} | ${r.warmMaxRssMb} | ${r.ratio.cliCold} | ${r.ratio.cold} | ${r.ratio.warm} |`,
      );
    }
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
