/**
 * The life of a Redis client an adapter made for itself: its connection errors logged once
 * per outage (ioredis emits one per failed reconnect, several a second), and a close that
 * does not wait for a Redis that is gone (QUIT would sit in the offline queue).
 */
import type { Redis } from "ioredis";
import type { Logger } from "../core/index.js";
import { createRedisClient, redactRedisUrl } from "./redis-connection.js";

export function ownRedisClient(url: string, logger: Logger, connectionName: string): Redis {
  let down = false;
  const client = createRedisClient(url, {
    connectionName,
    onError: (error) => {
      if (down) return;
      down = true;
      logger.error(
        { err: error.message, redis: redactRedisUrl(url) },
        "Redis is unreachable; reconnecting in the background",
      );
    },
  });
  client.on("ready", () => {
    if (down) logger.info({ redis: redactRedisUrl(url) }, "Redis is reachable again");
    down = false;
  });
  return client;
}

export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === "ready") await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

/** A client's address for messages, when the adapter was handed a client and no URL. */
export function urlOfClient(client: Redis): string {
  return `redis://${client.options.host ?? "127.0.0.1"}:${client.options.port ?? 6379}`;
}
