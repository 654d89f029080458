/**
 * The Octokit class patchsmith gives Probot (serve and worker). Two things Probot 14 does
 * not do on its own:
 *
 * - Secondary rate limits are waited out. Probot's own throttle options replace the
 *   plugin's handler with one that only logs, so a 403 "secondary rate limit" failed the
 *   request; here it is retried (a few times) after what `retry-after` says, or 60 s when
 *   GitHub sends none (@octokit/plugin-throttling's fallback).
 * - With REDIS_URL, the limiters (per installation: global, write, search, notifications)
 *   live in Redis, shared by every receiver and worker. Probot would build that connection
 *   itself from REDIS_URL, but with its own ioredis client (default options: a Redis that
 *   is down stalls requests) loaded through npx-import, which downloads ioredis when it is
 *   not resolvable; so Probot is not given REDIS_URL and the connection is made here, on a
 *   client we built.
 */
import Bottleneck from "bottleneck";
import type { Redis } from "ioredis";
import { ProbotOctokit } from "probot";
import type { Logger } from "../core/index.js";

/** Retries of one request after a secondary rate limit (each waits ≥ retry-after). */
export const SECONDARY_LIMIT_RETRIES = 2;

type ThrottleHandler = (
  retryAfter: number,
  options: { method: string; url: string },
  octokit: unknown,
  retryCount: number,
) => boolean;

export interface ThrottleSettings {
  /** A Redis client for the shared limiters; without one the limiters are per process. */
  redis?: Redis;
  logger?: Logger;
}

export interface SharedThrottle {
  /** Pass to Probot as its `Octokit` option. */
  Octokit: typeof ProbotOctokit;
  /** Ends the Bottleneck connection: its subscriber and the `redis` client it was given. */
  close(): Promise<void>;
}

export function sharedThrottle(settings: ThrottleSettings = {}): SharedThrottle {
  const connection = settings.redis
    ? new Bottleneck.IORedisConnection({ client: settings.redis })
    : undefined;
  connection?.on("error", (error: Error) =>
    settings.logger?.warn({ err: error.message }, "request throttling: Redis error"),
  );
  const onSecondaryRateLimit: ThrottleHandler = (retryAfter, options, octokit, retryCount) => {
    const retry = retryCount < SECONDARY_LIMIT_RETRIES;
    const log = settings.logger ?? (octokit as { log?: Logger } | undefined)?.log;
    log?.warn(
      { request: `${options.method} ${options.url}`, retryAfterSeconds: retryAfter, retry },
      retry
        ? "GitHub secondary rate limit: waiting before retrying"
        : "GitHub secondary rate limit",
    );
    return retry;
  };
  const Octokit = ProbotOctokit.defaults((options: Record<string, unknown>) => {
    const throttle = (options.throttle ?? {}) as Record<string, unknown>;
    if (throttle.enabled === false) return options;
    return {
      ...options,
      throttle: {
        ...throttle,
        onSecondaryRateLimit,
        ...(connection
          ? // The id keys the limiters: Probot sets the installation's for its clients.
            { Bottleneck, connection, id: throttle.id ?? "patchsmith-app" }
          : {}),
      },
    };
  });
  return {
    Octokit,
    close: async () => {
      // Not flushed: QUIT would wait for a Redis that is gone.
      await connection?.disconnect(false);
    },
  };
}
