#!/usr/bin/env node
// Ingress benchmark: how fast the receiver acknowledges signed webhook deliveries, per inbox
// adapter, beside a bare Probot app that does nothing, in the same run. Each variant runs in
// its own process on loopback, as `patchsmith serve` does: the ingress app stores the delivery
// in the inbox and answers; the inbox processor (createApp on an internal Probot) makes the
// GitHub calls after the answer, in the same process. GitHub is a local fake HTTP server in
// a process of its own (installation token, permission, reactions, comments, contents 404),
// never the internet. The load is steady by default, or bursts of 20 with --burst.
// A quarter of the deliveries are triggers (the label, each on its own issue); one trigger in
// ten is sent again with the same delivery id (a redelivery). After each variant, once the
// processor has drained: lost = triggers acknowledged with a 2xx that have no job; doubled =
// a second job or a second status comment for one trigger.
import { createHmac, generateKeyPairSync } from "node:crypto";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Buffer } from "node:buffer";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const SECRET = "bench-secret";
const CONNECTIONS = 20;
const INSTALLATION = 4711;
const REPO_CONFIG = Buffer.from(
  "quotas:\n  perUserPerHour: 1000\n  perRepoPerHour: 10000\n",
).toString("base64");
const USAGE = `usage: npm run build && npm run bench:ingress -- [--rates 50,100,200] [--seconds 5] [--rounds 1] [--warmup 2] [--burst] [--json] [--profile]`;
/** The disk's floor: durable commits of one delivery-sized row, back to back and paced. */
const DISK_COMMITS = 200;
const DISK_PACE_MS = 10;

if (process.argv[2] === "--child") await child(process.argv.slice(3));
else if (process.argv[2] === "--github") await githubProcess();
else await parent(process.argv.slice(2));

async function child([variant, githubUrl, dataDir, redisUrl]) {
  const { Probot, ProbotOctokit, createNodeMiddleware } = await import("probot");
  const { pino } = await import("pino");
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  });
  const probotOptions = {
    appId: 1,
    privateKey,
    secret: SECRET,
    baseUrl: githubUrl,
    log: pino({ level: "silent" }),
    // Octokit's throttling spaces out writes per installation by design (a second apart);
    // that would measure GitHub etiquette, not the receiver. Off here, on in production.
    Octokit: ProbotOctokit.defaults((o) => ({
      ...o,
      retry: { enabled: false },
      throttle: { ...o.throttle, enabled: false },
    })),
  };
  // As `patchsmith serve` sets it up: the Probot that stores deliveries builds no client per event.
  const ingress =
    variant === "bare" ? undefined : await import(path.join(root, "dist", "ingress.js"));
  if (ingress) probotOptions.Octokit = ingress.withoutEventClients(probotOptions.Octokit);
  const probot = new Probot(probotOptions);
  // Where the time goes: how long the event loop was blocked, and how long a put took.
  const { monitorEventLoopDelay, createHistogram } = await import("node:perf_hooks");
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const puts = createHistogram();
  // From the request's arrival to the answer's last byte handed to the socket, in the server.
  const answers = createHistogram();
  let stats = async () => ({ jobs: [] });
  let appFn = () => {};
  if (variant !== "bare") {
    const dist = (file) => import(path.join(root, "dist", file));
    const { createIngressApp } = ingress;
    const { pokingOnPut, startInboxProcessorThread } = await dist("inbox-thread.js");
    const queues = await dist("queue/index.js");
    const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
    const redis = variant === "redis" ? { redisUrl } : {};
    const inbox = queues.openInbox({ dataDir, logger: silent, ...redis });
    // As `patchsmith serve` runs it: the processor on its own thread, its Probot from the
    // environment, pointed at the fake GitHub.
    const processor = await startInboxProcessorThread(
      {
        dataDir,
        ...redis,
        botLogin: "patchsmith[bot]",
        concurrency: Number(process.env.PATCHSMITH_INBOX_CONCURRENCY ?? 8),
        logLevel: "silent",
        githubThrottling: false,
        githubBaseUrl: githubUrl,
      },
      {
        logger: silent,
        env: {
          APP_ID: "1",
          PRIVATE_KEY: privateKey,
          LOG_LEVEL: "silent",
        },
      },
    );
    const put = inbox.put.bind(inbox);
    inbox.put = async (delivery) => {
      const started = process.hrtime.bigint();
      try {
        return await put(delivery);
      } finally {
        puts.record(Math.max(1, Number(process.hrtime.bigint() - started)));
      }
    };
    stats = async () => {
      const started = Date.now();
      await processor.drain();
      const drainMs = Date.now() - started;
      // Jobs by trigger delivery id, read back from the queue's store (Redis or SQLite).
      const queue =
        variant === "redis"
          ? queues.createRedisQueue({ url: redisUrl })
          : queues.createSqliteQueue({ file: path.join(dataDir, queues.QUEUE_FILE) });
      const jobs = (await queue.store.all()).map((j) => j.job.trigger.deliveryId);
      await queue.close();
      return { jobs, drainMs, processor: processor.mode };
    };
    appFn = createIngressApp({ inbox: pokingOnPut(inbox, () => processor), logger: silent });
  }
  const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: "/" });
  const server = createServer((req, res) => {
    if (req.url === "/__diagnostics") {
      const ms = (h, p) => Number((h.percentile(p) / 1e6).toFixed(1));
      res.end(
        JSON.stringify({
          loopP99: ms(loop, 99),
          loopMax: ms(loop, 100),
          putP50: puts.count ? ms(puts, 50) : 0,
          putP99: puts.count ? ms(puts, 99) : 0,
          putMax: puts.count ? ms(puts, 100) : 0,
          serverP99: answers.count ? ms(answers, 99) : 0,
          serverMax: answers.count ? ms(answers, 100) : 0,
        }),
      );
      loop.reset();
      puts.reset();
      answers.reset();
      return;
    }
    if (req.url === "/__stats") {
      stats().then((s) => res.end(JSON.stringify(s)));
      return;
    }
    const arrived = process.hrtime.bigint();
    res.once("finish", () =>
      answers.record(Math.max(1, Number(process.hrtime.bigint() - arrived))),
    );
    middleware(req, res, () => {
      res.writeHead(404);
      res.end();
    });
  });
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
  process.once("SIGTERM", () => process.exit(0));
}

function fakeGitHub() {
  let commentId = 1;
  // Status comments posted per issue: more than one for an issue is a doubled trigger.
  const statusComments = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = req.url ?? "";
      res.setHeader("content-type", "application/json");
      if (url === "/__status-comments") {
        res.end(JSON.stringify([...statusComments.entries()]));
      } else if (url.includes("/access_tokens")) {
        res.writeHead(201);
        res.end(
          JSON.stringify({
            token: "ghs_bench",
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
            permissions: {},
            repository_selection: "all",
          }),
        );
      } else if (url.includes("/permission")) {
        res.end(JSON.stringify({ permission: "write", role_name: "write" }));
      } else if (
        /\/repos\/Codertocat\/Hello-World\/contents\/\.github(%2F|\/)patchsmith\.yml/.test(url)
      ) {
        // Every trigger comes from one user on one repository: quotas high enough for the run.
        res.end(JSON.stringify({ type: "file", encoding: "base64", content: REPO_CONFIG }));
      } else if (url.includes("/contents/")) {
        // No .github/patchsmith.yml and no organization defaults: the built-in config.
        res.writeHead(404);
        res.end(JSON.stringify({ message: "Not Found" }));
      } else if (req.method === "POST" && url.endsWith("/comments")) {
        const issue = /\/issues\/(\d+)\/comments$/.exec(url)?.[1];
        if (issue && Buffer.concat(chunks).toString().includes("patchsmith:status"))
          statusComments.set(issue, (statusComments.get(issue) ?? 0) + 1);
        res.writeHead(201);
        res.end(JSON.stringify({ id: commentId++ }));
      } else {
        res.writeHead(req.method === "POST" ? 201 : 200);
        res.end("{}");
      }
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** The fake GitHub in a process of its own, as GitHub is: its work never delays autocannon's
 * event loop, which times the answers. Prints its port. */
async function githubProcess() {
  // GitHub's own work runs on GitHub's machines: here it takes only CPU the receiver and the
  // load generator leave idle.
  try {
    os.setPriority(19);
  } catch {
    // not allowed: the same priority as the rest
  }
  const server = await fakeGitHub();
  process.stdout.write(`${server.address().port}\n`);
  process.once("SIGTERM", () => process.exit(0));
}

async function startGitHub() {
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), "--github"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise((resolve, reject) => {
    proc.stdout.once("data", (d) => resolve(Number(String(d).trim())));
    proc.once("exit", (code) => reject(new Error(`the fake GitHub exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    /** Status comments posted, by issue number. */
    statusComments: async () =>
      new Map(await (await globalThis.fetch(`${url}/__status-comments`)).json()),
    close: () => proc.kill("SIGKILL"),
  };
}

function payloads() {
  const examples = require("@octokit/webhooks-examples");
  const find = (name, action) =>
    globalThis.structuredClone(
      examples.find((d) => d.name === name).examples.find((e) => e.action === action),
    );
  const labeled = find("issues", "labeled");
  labeled.label.name = "patchsmith";
  labeled.installation = { id: INSTALLATION };
  const opened = find("issues", "opened");
  opened.installation = { id: INSTALLATION };
  const comment = find("issue_comment", "created");
  comment.comment.body = "Thanks, looks good.";
  comment.installation = { id: INSTALLATION };
  return { labeled, opened, comment };
}

async function startChild(variant, githubUrl, redisUrl = "", profile = false) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "patchsmith-bench-"));
  const proc = spawn(
    process.execPath,
    [
      // --profile: a CPU profile of each variant's server in bench/results/profiles.
      ...(profile
        ? ["--cpu-prof", "--cpu-prof-dir", path.join(root, "bench", "results", "profiles")]
        : []),
      fileURLToPath(import.meta.url),
      "--child",
      variant,
      githubUrl,
      dataDir,
      redisUrl,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise((resolve, reject) => {
    proc.stdout.once("data", (d) => resolve(Number(String(d).trim())));
    proc.once("exit", (code) => reject(new Error(`${variant} server exited with ${code}`)));
  });
  return {
    port,
    stop() {
      // SIGTERM lets a profiled child write its profile on the way out.
      proc.kill(profile ? "SIGTERM" : "SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A Redis for the redis variant: REDIS_URL, or a private redis-server; undefined when neither. */
async function redisFor() {
  const queues = await import(path.join(root, "dist/queue/index.js"));
  if (typeof queues.createRedisInbox !== "function")
    return {
      skipped: "this build has no Redis inbox (dist/queue/index.js exports no createRedisInbox)",
    };
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop() {} };
  const probe = spawnSync("redis-server", ["--version"]);
  if (probe.status !== 0)
    return { skipped: "REDIS_URL is unset and redis-server is not installed" };
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  await new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      if (out.includes("Ready to accept connections")) resolve();
    });
    proc.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => proc.kill("SIGKILL") };
}

/** The nearest-rank percentile of `values` in ms, to one decimal; 0 for none. */
function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Number(
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(1),
  );
}

/**
 * What a durable commit costs on the disk the inbox writes to, before any load: the same
 * settings as the intake (WAL, synchronous=FULL) and a 12 KB row, as a webhook payload is.
 * Back to back, and paced one every 10 ms (100 stored deliveries a second, as at 200/s
 * here): on a virtual disk the first flush after a pause can cost several times more.
 */
function diskFloor() {
  const Database = require("better-sqlite3");
  const dir = mkdtempSync(path.join(tmpdir(), "patchsmith-bench-disk-"));
  const pause = new Int32Array(new SharedArrayBuffer(4));
  try {
    const db = new Database(path.join(dir, "floor.sqlite"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)");
    const insert = db.prepare("INSERT INTO t (payload) VALUES (?)");
    const payload = JSON.stringify(payloads().labeled);
    const commits = (paceMs) => {
      const ms = [];
      for (let i = 0; i < DISK_COMMITS; i++) {
        if (paceMs > 0) Atomics.wait(pause, 0, 0, paceMs);
        const started = process.hrtime.bigint();
        insert.run(payload);
        ms.push(Number(process.hrtime.bigint() - started) / 1e6);
        // As the processor does every second: the WAL is reused, not grown.
        if (i % 100 === 99) db.pragma("wal_checkpoint(PASSIVE)");
      }
      return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
    };
    commits(0); // warm-up: the WAL file reaches its size
    const result = { backToBack: commits(0), pacedEvery10ms: commits(DISK_PACE_MS) };
    db.close();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function load(port, rate, seconds, counters, run, burst = false) {
  const autocannon = require("autocannon");
  const { labeled, opened, comment } = payloads();
  const sign = (body) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  let n = 0;
  const sentTriggers = [];
  // Per connection (autocannon's context), the delivery in flight: with no pipelining the
  // response that follows is its own, so "acknowledged" is counted exactly.
  const request = (req, context) => {
    n++;
    let name;
    let id;
    let body;
    if (n % 4 === 0) {
      name = "issues";
      if (sentTriggers.length > 0 && n % 40 === 0) {
        // a redelivery: same id, same body
        ({ id, body } = sentTriggers[sentTriggers.length - 1]);
      } else {
        const issue = counters.nextIssue++;
        id = `${run}-t-${issue}`;
        labeled.issue.number = issue;
        // Spread over senders: one user may trigger at most 1000 runs an hour (quotas).
        labeled.sender.login = `bench-user-${issue % 100}`;
        body = JSON.stringify(labeled);
        sentTriggers.push({ id, body });
        counters.sent.add(id);
      }
      context.trigger = id;
    } else {
      const p = n % 2 === 0 ? comment : opened;
      name = p === comment ? "issue_comment" : "issues";
      id = `${run}-n-${n}`;
      body = JSON.stringify(p);
      context.trigger = undefined;
    }
    req.method = "POST";
    req.path = "/";
    req.body = body;
    req.headers = {
      "content-type": "application/json",
      "x-github-event": name,
      "x-github-delivery": id,
      "x-hub-signature-256": sign(body),
    };
    return req;
  };
  // autocannon paces a rate per connection and per second: a connection sends its share for
  // the second back to back, then waits for the next tick, and all connections tick together.
  // One instance with 20 connections thus sends bursts of 20 at once each second (--burst:
  // a flurry of deliveries, the harsher case) rather than `rate` deliveries a second. The
  // default, steady: 20 single-connection instances whose ticks are spread over the second.
  // Either way each answer is timed once, as it came (autocannon's own histogram adds
  // synthetic samples for coordinated omission, against a 1 ms interval here).
  const instances = burst ? 1 : Math.min(CONNECTIONS, rate);
  const latencies = [];
  let requests = 0;
  let failures = 0;
  const runs = [];
  for (let i = 0; i < instances; i++) {
    const share = Math.floor(rate / instances) + (i < rate % instances ? 1 : 0);
    runs.push(
      new Promise((resolve, reject) => {
        globalThis.setTimeout(
          () => {
            const instance = autocannon(
              {
                url: `http://127.0.0.1:${port}`,
                connections: burst ? CONNECTIONS : 1,
                overallRate: share,
                duration: seconds,
                requests: [
                  {
                    setupRequest: request,
                    onResponse: (status, _body, context) => {
                      if (context.trigger && status >= 200 && status < 300)
                        counters.acked.add(context.trigger);
                    },
                  },
                ],
              },
              (error, result) => (error ? reject(error) : resolve(result)),
            );
            instance.on("response", (_client, status, _bytes, ms) => {
              requests++;
              if (status >= 200 && status < 300) latencies.push(ms);
              else failures++;
            });
          },
          (i * 1000) / instances,
        );
      }),
    );
  }
  const results = await Promise.all(runs);
  return {
    rate,
    reqPerSec: requests / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    non2xx: failures + results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  };
}

async function parent(args) {
  if (args.includes("--help")) {
    console.log(USAGE);
    return;
  }
  const opt = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const rates = opt("--rates", "50,100,200").split(",").map(Number);
  const seconds = Number(opt("--seconds", "5"));
  const rounds = Number(opt("--rounds", "1"));
  const warmup = Number(opt("--warmup", "2"));
  const burst = args.includes("--burst");
  const disk = diskFloor();
  const github = await startGitHub();
  const githubUrl = github.url;
  const redis = await redisFor();
  const variants = ["bare", "sqlite", ...(redis.url ? ["redis"] : [])];
  const servers = new Map();
  const counters = new Map();
  const rows = [];
  const totals = [];
  try {
    for (const variant of variants) {
      servers.set(
        variant,
        await startChild(variant, githubUrl, redis.url ?? "", args.includes("--profile")),
      );
      // Each variant its own range of issue numbers: they share the fake GitHub.
      const base = variants.indexOf(variant) * 1_000_000;
      counters.set(variant, { base, nextIssue: base + 1, acked: new Set(), sent: new Set() });
    }
    // Warm-up, not measured: the first requests a server answers pay for compiling its code
    // paths and opening its connections, which no later delivery pays again.
    for (const variant of variants) {
      const { port } = servers.get(variant);
      if (warmup > 0)
        await load(port, rates[0], warmup, counters.get(variant), `${variant}-warmup`);
    }
    // Variants take turns at each rate, so a neighbour's load on this shared machine falls on
    // all of them alike; with --rounds, the figures are medians over the rounds.
    for (let round = 1; round <= rounds; round++) {
      for (const rate of rates) {
        for (const variant of variants) {
          const { port } = servers.get(variant);
          await globalThis.fetch(`http://127.0.0.1:${port}/__diagnostics`);
          const row = await load(
            port,
            rate,
            seconds,
            counters.get(variant),
            `${variant}-${round}-${rate}`,
            burst,
          );
          const diagnostics = await (
            await globalThis.fetch(`http://127.0.0.1:${port}/__diagnostics`)
          ).json();
          rows.push({ variant, round, ...row, ...diagnostics });
        }
      }
    }
    // Handling happens after the ack: count jobs once each inbox processor has drained.
    for (const variant of variants.filter((v) => v !== "bare")) {
      const { port } = servers.get(variant);
      const stats = await (await globalThis.fetch(`http://127.0.0.1:${port}/__stats`)).json();
      const c = counters.get(variant);
      const jobs = new Set(stats.jobs);
      const comments = [...(await github.statusComments()).entries()].filter(
        ([issue]) => Number(issue) > c.base && Number(issue) <= c.base + 1_000_000,
      );
      totals.push({
        variant,
        triggersPrepared: c.sent.size,
        triggersAcked: c.acked.size,
        jobsStored: stats.jobs.length,
        lost: [...c.acked].filter((id) => !jobs.has(id)).length,
        doubled:
          stats.jobs.length -
          jobs.size +
          comments.reduce((sum, [, n]) => sum + Math.max(0, n - 1), 0),
        statusComments: comments.reduce((sum, [, n]) => sum + n, 0),
        drainMsAfterLoad: stats.drainMs,
      });
    }
  } finally {
    for (const server of servers.values()) server.stop();
    redis.stop?.();
    github.close();
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const summary = [];
  for (const rate of rates) {
    const bareP99 = median(
      rows.filter((r) => r.variant === "bare" && r.rate === rate).map((r) => r.p99),
    );
    for (const variant of variants) {
      const mine = rows.filter((r) => r.variant === variant && r.rate === rate);
      const pick = (key) => median(mine.map((r) => r[key]));
      summary.push({
        variant,
        rate,
        reqPerSec: pick("reqPerSec"),
        p50: pick("p50"),
        p99: pick("p99"),
        p99OverBare: pick("p99") / Math.max(1, bareP99),
        non2xx: mine.reduce((sum, r) => sum + r.non2xx, 0),
        loopP99: pick("loopP99"),
        putP99: pick("putP99"),
      });
    }
  }
  if (args.includes("--json")) {
    console.log(
      JSON.stringify({ summary, rows, totals, disk, redisSkipped: redis.skipped }, null, 2),
    );
    return;
  }
  console.log(
    `${rounds} round(s) of ${seconds} s per rate and variant, ${burst ? "in bursts of " + CONNECTIONS + " at each second" : "steady"}, after ${warmup} s of warm-up${rounds > 1 ? "; medians over the rounds" : ""}`,
  );
  console.log("variant     rate  req/s  p50ms  p99ms  p99/bare  non-2xx  loop-p99ms  put-p99ms");
  for (const r of summary) {
    console.log(
      `${r.variant.padEnd(10)} ${String(r.rate).padStart(5)} ${r.reqPerSec.toFixed(0).padStart(6)} ${String(r.p50).padStart(6)} ${String(r.p99).padStart(6)} ${r.p99OverBare.toFixed(2).padStart(9)} ${String(r.non2xx).padStart(8)} ${String(r.loopP99).padStart(11)} ${String(r.variant === "bare" ? "-" : r.putP99).padStart(10)}`,
    );
  }
  for (const t of totals) {
    console.log(
      `${t.variant.padEnd(10)} triggers acknowledged ${t.triggersAcked} (prepared ${t.triggersPrepared}), jobs stored ${t.jobsStored}, status comments ${t.statusComments}: lost ${t.lost}, doubled ${t.doubled}; the processor drained ${t.drainMsAfterLoad} ms after the load`,
    );
  }
  if (redis.skipped) console.log(`redis      skipped: ${redis.skipped}`);
  console.log(
    `disk       a durable 12 KB commit (WAL, synchronous=FULL): back to back p50 ${disk.backToBack.p50} ms, p99 ${disk.backToBack.p99} ms; one every ${DISK_PACE_MS} ms p50 ${disk.pacedEvery10ms.p50} ms, p99 ${disk.pacedEvery10ms.p99} ms`,
  );
}
