/**
 * Probot's request throttling with REDIS_URL: the limiters live in Redis, so separate
 * processes (serve, worker) share them, and a secondary rate limit is waited out. The
 * cross-process case runs two real child processes on the built code (dist/, which
 * `npm test` builds first) against a fake GitHub on loopback.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { pino } from "pino";
import { createProbot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probotEnv } from "../../src/config/index.js";
import { githubThrottle } from "../../src/throttle.js";
import { TEST_APP_ID, testPrivateKey, useGitHubNock } from "../fakes/github-nock.js";
import { startTestRedis, type TestRedis } from "../fakes/redis-server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = path.join(root, "dist");
const child = path.join(root, "test/fakes/throttle-child.mjs");
const INSTALLATION = 4711;

const gh = useGitHubNock();
let redis: TestRedis;
let admin: Redis;

beforeAll(async () => {
  redis = await startTestRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});

describe("shared throttling in one process", () => {
  it("keeps the installation's limiters in Redis and waits out a secondary rate limit", async () => {
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) });
    const throttle = githubThrottle(redis.url);
    // As startWorker does: Probot gets the environment without REDIS_URL and our Octokit class.
    const env = {
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey(),
      REDIS_URL: redis.url,
    };
    const probot = createProbot({
      env: probotEnv(env),
      overrides: { Octokit: throttle.Octokit, log: logger },
    });
    gh.installationToken(INSTALLATION);
    gh.api()
      .patch("/repos/o/r/issues/comments/1")
      .reply(403, { message: "You have exceeded a secondary rate limit" }, { "retry-after": "1" })
      .patch("/repos/o/r/issues/comments/1")
      .reply(200, { id: 1 });
    const octokit = await probot.auth(INSTALLATION);
    const started = Date.now();
    const response = await octokit.request("PATCH /repos/o/r/issues/comments/1", { body: "x" });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(warnings.join("")).toContain("secondary rate limit: waiting before retrying");
    expect(warnings.join("")).toContain('"retryAfterSeconds":1');
    const keys = await admin.keys("b_octokit-*");
    expect(keys).toContain(`b_octokit-write-${INSTALLATION}_settings`);
    expect(keys).toContain(`b_octokit-global-${INSTALLATION}_settings`);
    // Only our connection (its client and Bottleneck's subscriber) besides this test's own:
    // Probot, not given REDIS_URL, built none of its own.
    const clients = (await admin.client("LIST")) as string;
    const names = clients
      .trim()
      .split("\n")
      .map((line) => /\bname=(\S*)/.exec(line)?.[1] ?? "");
    expect(names.sort()).toEqual(["", "patchsmith-throttle", "patchsmith-throttle"]);
    await throttle.close();
  });
});

describe("shared throttling across processes", () => {
  let github: Server;
  let baseUrl: string;
  let edits: number[];

  beforeAll(async () => {
    if (!existsSync(path.join(dist, "throttle.js")))
      throw new Error(`${dist} is missing the throttle: run \`npm run build\` first`);
    github = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        if (
          req.method === "POST" &&
          req.url === `/app/installations/${INSTALLATION}/access_tokens`
        ) {
          const expires = new Date(Date.now() + 3600_000).toISOString();
          return res.writeHead(201).end(JSON.stringify({ token: "ghs_x", expires_at: expires }));
        }
        if (req.method === "PATCH" && req.url?.startsWith("/repos/o/r/issues/comments/")) {
          edits.push(Date.now());
          return res.writeHead(200).end(JSON.stringify({ id: 1 }));
        }
        res.writeHead(404).end("{}");
      });
    });
    await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => github.close(resolve));
  });

  function start(redisUrl: string): Promise<ChildProcess> {
    const proc = spawn(process.execPath, [child, dist, baseUrl, redisUrl, "2"], {
      env: { ...process.env, TEST_PRIVATE_KEY: testPrivateKey() },
      stdio: ["pipe", "pipe", "inherit"],
    });
    return new Promise((resolve, reject) => {
      proc.stdout!.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("ready")) resolve(proc);
      });
      proc.once("exit", (code) => reject(new Error(`throttle child exited with ${code}`)));
    });
  }

  /** Two processes send two edits each at the same moment; the gaps between arrivals. */
  async function gapsWith(redisUrl: string): Promise<number[]> {
    edits = [];
    const procs = await Promise.all([start(redisUrl), start(redisUrl)]);
    const exited = procs.map((p) => new Promise((resolve) => p.once("exit", resolve)));
    for (const proc of procs) proc.stdin!.write("go\n");
    await Promise.all(exited);
    expect(edits).toHaveLength(4);
    const sorted = [...edits].sort((a, b) => a - b);
    return sorted.slice(1).map((at, i) => at - sorted[i]!);
  }

  it("spaces writes by the write limiter's 1 s across two processes sharing a Redis", async () => {
    const shared = await gapsWith(redis.url);
    // The limiter starts writes 1 s apart; arrivals jitter by the Redis round trips after it.
    for (const gap of shared) expect(gap).toBeGreaterThanOrEqual(500);
    expect(shared.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2400);
    // Without Redis each process has its own limiter: two edits arrive at about the same time.
    const separate = await gapsWith("-");
    expect(Math.min(...separate)).toBeLessThan(500);
  });
});
