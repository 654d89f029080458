import { Redis } from "ioredis";
import { expect, test } from "vitest";
import { startTestRedis } from "../../fakes/redis-server.js";

test("a private redis-server starts, answers and stops", async () => {
  const redis = await startTestRedis();
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    await client.set("k", "v");
    expect(await client.get("k")).toBe("v");
  } finally {
    client.disconnect();
    await redis.stop();
  }
});
