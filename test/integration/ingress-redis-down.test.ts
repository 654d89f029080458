/**
 * Redis unavailable: the real Probot server with the acknowledging ingress over the Redis
 * Inbox answers a signed webhook with 5xx within seconds (GitHub records a failed
 * delivery to redeliver) instead of acknowledging a delivery it could not store. When
 * Redis comes back on the same URL, the redelivery is stored once and a repeat of it is
 * a duplicate.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { createNodeMiddleware, Probot } from "probot";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createIngressApp } from "../../src/ingress.js";
import { REDIS_INBOX_PREFIX, createRedisInbox, type RedisInbox } from "../../src/queue/index.js";
import {
  TEST_WEBHOOK_SECRET,
  testProbotOptions,
  useGitHubNock,
  webhookExample,
} from "../fakes/github-nock.js";
import { deadRedisUrl, startTestRedis, type TestRedis } from "../fakes/redis-server.js";

useGitHubNock(); // the ingress makes no GitHub call: any request fails the test

let server: Server;
let url: string;
let redisUrl: string;
let inbox: RedisInbox;
let redis: TestRedis | undefined;

beforeAll(async () => {
  redisUrl = await deadRedisUrl();
  inbox = createRedisInbox({ url: redisUrl });
  const probot = new Probot(testProbotOptions());
  const middleware = await createNodeMiddleware(createIngressApp({ inbox }), { probot });
  server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await inbox.close();
  await redis?.stop();
});

function deliver(body: string, delivery: string) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": delivery,
      "x-hub-signature-256": `sha256=${createHmac("sha256", TEST_WEBHOOK_SECRET).update(body).digest("hex")}`,
    },
    body,
  });
}

it("answers 5xx while Redis is down, then stores the redelivery once when Redis is back", async () => {
  const payload = webhookExample("issues", "labeled", 99);
  payload.label.name = "patchsmith";
  const body = JSON.stringify(payload);
  const id = "6a3c7e10-0000-11f0-8000-000000000001";

  const started = Date.now();
  const failed = await deliver(body, id);
  expect(failed.status).toBeGreaterThanOrEqual(500);
  expect(Date.now() - started).toBeLessThan(5000);

  redis = await startTestRedis({ port: Number(new URL(redisUrl).port) });
  const admin = new Redis(redis.url);
  try {
    await waitUntil(() =>
      inbox.pending().then(
        () => true,
        () => false,
      ),
    );
    const stored = await deliver(body, id);
    expect(stored.status).toBe(200);
    const again = await deliver(body, id);
    expect(again.status).toBe(200);
    expect(await admin.lrange(`${REDIS_INBOX_PREFIX}:ready`, "0", "-1")).toEqual([id]);
    const kept = JSON.parse((await admin.hget(`${REDIS_INBOX_PREFIX}:data`, id))!);
    expect(kept).toMatchObject({ id, name: "issues", payload: { action: "labeled" } });
    expect(await inbox.pending()).toBe(1);
  } finally {
    admin.disconnect();
  }
});

async function waitUntil(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting for Redis");
    await new Promise((r) => setTimeout(r, 50));
  }
}
