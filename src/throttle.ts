/**
 * Probot's request throttling for a process that talks to GitHub (serve, worker, the inbox
 * processor): in Redis when REDIS_URL is set, so all of them share one set of limiters per
 * installation. Give Probot `Octokit` from here and `probotEnv()` as its environment, so that
 * it does not build a second Redis connection of its own (see src/github/throttle.ts).
 */
import { sharedThrottle, type SharedThrottle } from "./github/index.js";
import { createRedisClient } from "./queue/index.js";

export function githubThrottle(redisUrl: string | undefined): SharedThrottle {
  if (!redisUrl) return sharedThrottle();
  return sharedThrottle({
    redis: createRedisClient(redisUrl, { connectionName: "patchsmith-throttle" }),
  });
}
