import { expect, it } from "vitest";
import { probotEnv } from "../../../src/config/index.js";

it("hands Probot the environment without REDIS_URL (patchsmith makes the throttling connection)", () => {
  const source = { APP_ID: "1", REDIS_URL: "redis://127.0.0.1:6379", WEBHOOK_SECRET: "s" };
  expect(probotEnv(source)).toEqual({ APP_ID: "1", WEBHOOK_SECRET: "s" });
  expect(source.REDIS_URL).toBe("redis://127.0.0.1:6379");
});
