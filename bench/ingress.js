#!/usr/bin/env node
// Ingress benchmark: how fast the receiver acknowledges signed webhook deliveries, per queue
// adapter, beside a bare Probot app that does nothing, in the same run. Each variant runs in
// its own process on loopback; GitHub is a local fake HTTP server (permission, reactions,
// comments, installation token), never the internet. A quarter of the deliveries are
// triggers (the label, each on its own issue); one trigger in ten is sent again with the same
// delivery id (a redelivery). After each variant: jobs stored vs distinct trigger deliveries
// acknowledged with a 2xx (more is a double, fewer a loss; one still in flight when a run
// ends may be stored without an acknowledgement).
import { createHmac, generateKeyPairSync } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const SECRET = "bench-secret";
const INSTALLATION = 4711;
const USAGE = `usage: npm run build && npm run bench:ingress -- [--rates 50,100,200] [--seconds 5] [--json]`;

if (process.argv[2] === "--child") await child(process.argv.slice(3));
else await parent(process.argv.slice(2));

async function child([variant, githubUrl, dataDir]) {
  const { Probot, ProbotOctokit, createNodeMiddleware } = await import("probot");
  const { pino } = await import("pino");
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  });
  const probot = new Probot({
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
  });
  let stats = () => ({ jobs: 0 });
  let appFn = () => {};
  if (variant !== "bare") {
    const { createApp } = await import(path.join(root, "dist/app.js"));
    const queues = await import(path.join(root, "dist/queue/index.js"));
    const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
    let queue;
    if (variant === "sqlite") {
      queue = queues.createSqliteQueue({ file: path.join(dataDir, "queue.sqlite") });
      stats = () => ({ jobs: queue.store.all().length });
    } else {
      queue = queues.createInProcessQueue();
      let stored = 0;
      const enqueue = queue.enqueue.bind(queue);
      queue.enqueue = async (job, key) => {
        const ok = await enqueue(job, key);
        if (ok) stored++;
        return ok;
      };
      stats = () => ({ jobs: stored });
    }
    appFn = createApp({ queue, botLogin: "patchsmith[bot]", logger: silent });
  }
  const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: "/" });
  const server = createServer((req, res) => {
    if (req.url === "/__stats") {
      res.end(JSON.stringify(stats()));
      return;
    }
    middleware(req, res, () => {
      res.writeHead(404);
      res.end();
    });
  });
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
}

function fakeGitHub() {
  let commentId = 1;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const url = req.url ?? "";
      res.setHeader("content-type", "application/json");
      if (url.includes("/access_tokens")) {
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
      } else if (req.method === "POST" && url.endsWith("/comments")) {
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

async function startChild(variant, githubUrl) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "patchsmith-bench-"));
  const proc = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), "--child", variant, githubUrl, dataDir],
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
      proc.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function load(port, rate, seconds, counters, run) {
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
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 20,
    overallRate: rate,
    duration: seconds,
    requests: [
      {
        setupRequest: request,
        onResponse: (status, _body, context) => {
          if (context.trigger && status >= 200 && status < 300) counters.acked.add(context.trigger);
        },
      },
    ],
  });
  return {
    rate,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
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
  const github = await fakeGitHub();
  const githubUrl = `http://127.0.0.1:${github.address().port}`;
  const rows = [];
  for (const variant of ["bare", "in-process", "sqlite"]) {
    const server = await startChild(variant, githubUrl);
    const counters = { nextIssue: 1, acked: new Set(), sent: new Set() };
    try {
      for (const rate of rates) {
        const row = await load(server.port, rate, seconds, counters, `${variant}-${rate}`);
        rows.push({ variant, ...row });
      }
      const stats = await (
        await globalThis.fetch(`http://127.0.0.1:${server.port}/__stats`)
      ).json();
      rows.push({
        variant,
        triggersAcked: counters.acked.size,
        triggersPrepared: counters.sent.size,
        jobsStored: stats.jobs,
      });
    } finally {
      server.stop();
    }
  }
  github.close();
  if (args.includes("--json")) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const bare = new Map(rows.filter((r) => r.variant === "bare" && r.rate).map((r) => [r.rate, r]));
  console.log("variant     rate  req/s   p50ms  p99ms  p99/bare  non-2xx");
  for (const r of rows) {
    if (r.rate === undefined) {
      if (r.variant !== "bare")
        console.log(
          `${r.variant.padEnd(10)}  distinct triggers acknowledged ${r.triggersAcked} <= jobs stored ${r.jobsStored} <= prepared ${r.triggersPrepared}: ${r.triggersAcked <= r.jobsStored && r.jobsStored <= r.triggersPrepared ? "none lost, none doubled" : "MISMATCH"}`,
        );
      continue;
    }
    const ratio = (r.p99 / Math.max(1, bare.get(r.rate)?.p99 ?? 1)).toFixed(2);
    console.log(
      `${r.variant.padEnd(10)} ${String(r.rate).padStart(5)} ${r.reqPerSec.toFixed(0).padStart(6)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(6)} ${ratio.padStart(9)} ${String(r.non2xx).padStart(8)}`,
    );
  }
}
