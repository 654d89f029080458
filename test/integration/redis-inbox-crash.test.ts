/**
 * A processor killed with SIGKILL while it handles a delivery: its lease runs out and
 * another process gets the delivery (attempt 2), so an acknowledged webhook is never lost.
 * The child runs the built inbox (dist/, which `npm test` builds first).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { InboxContext, InboxDelivery } from "../../src/core/index.js";
import { createRedisInbox } from "../../src/queue/index.js";
import { startTestRedis, type TestRedis } from "../fakes/redis-server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const built = path.join(root, "dist/queue/index.js");
const child = path.join(root, "test/fakes/redis-inbox-child.mjs");
const LEASE_MS = 1000;

let redis: TestRedis;
beforeAll(async () => {
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});

it("hands a delivery held by a SIGKILLed process to another process once its lease runs out", async () => {
  const receiver = createRedisInbox({ url: redis.url });
  expect(
    await receiver.put({
      id: "d-1",
      name: "issues",
      payload: { action: "labeled" },
      receivedAt: 1,
    }),
  ).toBe("stored");

  const proc = spawn(process.execPath, [child, built, redis.url, String(LEASE_MS)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    let output = "";
    proc.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("start d-1 1 ")) resolve();
    });
    proc.once("exit", (code) => reject(new Error(`child exited with ${code}: ${output}`)));
  });
  proc.kill("SIGKILL");
  await exited;
  const killedAt = Date.now();

  const other = createRedisInbox({ url: redis.url, leaseMs: LEASE_MS, pollMs: 20 });
  const handled: { delivery: InboxDelivery; context: InboxContext; at: number }[] = [];
  other.process(
    async (delivery, context) => void handled.push({ delivery, context, at: Date.now() }),
    1,
  );
  await other.drain();
  expect(handled.map((h) => [h.delivery.id, h.context.attempt])).toEqual([["d-1", 2]]);
  expect(handled[0]!.delivery.payload).toEqual({ action: "labeled" });
  // Taken up soon after the dead process's lease ran out.
  expect(handled[0]!.at - killedAt).toBeLessThan(LEASE_MS + 2000);
  expect(await other.pending()).toBe(0);
  expect(await receiver.put({ id: "d-1", name: "issues", payload: {}, receivedAt: 2 })).toBe(
    "duplicate",
  );
  await other.close();
  await receiver.close();
});
