#!/usr/bin/env node
// Ingress benchmark: signed webhook deliveries sent with autocannon at rising rates to
// (a) a bare Probot app that does nothing and (b) patchsmith's receiver on the SQLite queue
// (no worker: jobs are only stored), both on loopback in this process, GitHub's API answered by
// a tiny local fake. Reports requests/s, p50/p99 acknowledgement latency and, for patchsmith,
// jobs stored versus trigger deliveries acknowledged (none lost, none doubled).
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { pino } from "pino";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { createApp } = await import(path.join(root, "dist/app.js"));
const { createSqliteQueue } = await import(path.join(root, "dist/queue/index.js"));

const USAGE = `usage: npm run build && npm run bench:ingress -- [--rates 50,100,200] [--seconds 5] [--triggers 0.3] [--json]`;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
if (args.includes("--help")) {
  console.log(USAGE);
  process.exit(0);
}
const rates = String(option("rates", "50,100,200")).split(",").map(Number);
const seconds = Number(option("seconds", "5"));
const triggerShare = Number(option("triggers", "0.3"));
const SECRET = "bench-secret";
const log = pino({ level: "silent" });
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
});

// GitHub's API, just enough for the receiver: a token, a permission, a reaction, a comment.
let nextId = 1;
const fakeGitHub = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const url = req.url ?? "";
    res.writeHead(url.includes("access_tokens") ? 201 : 200, {
      "content-type": "application/json",
    });
    res.end(
      JSON.stringify({
        id: nextId++,
        token: "ghs_bench",
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permission: "write",
        role_name: "write",
        html_url: "https://github.com/x",
      }),
    );
  });
});
await new Promise((r) => fakeGitHub.listen(0, "127.0.0.1", r));
const githubUrl = `http://127.0.0.1:${fakeGitHub.address().port}`;

const ProbotForBench = Probot.defaults({
  appId: 1,
  privateKey,
  secret: SECRET,
  log,
  baseUrl: githubUrl,
  Octokit: ProbotOctokit.defaults((o) => ({
    ...o,
    retry: { enabled: false },
    throttle: { ...o.throttle, enabled: false },
  })),
});

async function startApp(appFn) {
  const probot = new ProbotForBench();
  const middleware = await createNodeMiddleware(appFn, { probot });
  const http = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  return {
    stop: () => new Promise((r) => http.close(r)),
    url: `http://127.0.0.1:${http.address().port}/api/github/webhooks`,
  };
}

let issueNumber = 0;
function delivery() {
  const trigger = Math.random() < triggerShare;
  const number = ++issueNumber;
  // A user and a repository per delivery, so per-user and per-repository quotas do not refuse any.
  const user = { login: `user-${number}`, type: "User" };
  const payload = {
    action: trigger ? "labeled" : "opened",
    issue: { number, title: "t", body: "b", user },
    label: { name: trigger ? "patchsmith" : "bug" },
    repository: {
      name: `repo-${number}`,
      owner: { login: "acme" },
      full_name: `acme/repo-${number}`,
    },
    sender: user,
    installation: { id: 42 },
  };
  const body = JSON.stringify(payload);
  return {
    trigger,
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
  };
}

async function load(url, rate) {
  // One request in flight per connection, so the connection's context names the one answered.
  const ackedTriggers = [];
  const result = await autocannon({
    url,
    method: "POST",
    connections: Math.max(10, Math.ceil(rate / 10)),
    overallRate: rate,
    duration: seconds,
    requests: [
      {
        setupRequest: (request, context) => {
          const d = delivery();
          context.current = d;
          return { ...request, body: d.body, headers: d.headers };
        },
        onResponse: (status, _body, context) => {
          if (status === 200 && context.current?.trigger) {
            ackedTriggers.push(context.current.headers["x-github-delivery"]);
          }
        },
      },
    ],
  });
  // Requests autocannon stopped waiting for still finish; let them, before counting.
  await sleep(1000);
  return { result, ackedTriggers };
}

const rows = [];
const dataDir = mkdtempSync(path.join(tmpdir(), "patchsmith-bench-"));
try {
  const bare = await startApp((app) => {
    app.on("issues", async () => {});
  });
  const queue = createSqliteQueue({ file: path.join(dataDir, "queue.db") });
  const patchsmith = await startApp(
    createApp({ queue, dedupe: queue.deliveries, botLogin: "patchsmith[bot]" }),
  );
  for (const rate of rates) {
    for (const [name, target] of [
      ["bare probot", bare],
      ["patchsmith sqlite", patchsmith],
    ]) {
      const before = new Set(queue.jobs().map((job) => job.id));
      const { result, ackedTriggers } = await load(target.url, rate);
      const row = {
        target: name,
        rate,
        requestsPerSecond: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
      };
      if (name.startsWith("patchsmith")) {
        const stored = queue.jobs().filter((job) => !before.has(job.id));
        const deliveries = stored.map((job) => job.id.split("@").pop());
        const storedSet = new Set(deliveries);
        row.triggersAcked = ackedTriggers.length;
        row.jobsStored = stored.length;
        row.lost = ackedTriggers.filter((id) => !storedSet.has(id)).length;
        row.doubled = deliveries.length - storedSet.size;
      }
      rows.push(row);
    }
  }
  await bare.stop();
  await patchsmith.stop();
  await queue.close();
} finally {
  fakeGitHub.close();
  rmSync(dataDir, { recursive: true, force: true });
}

if (args.includes("--json")) console.log(JSON.stringify(rows, null, 2));
else console.table(rows);
