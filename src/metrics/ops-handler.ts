/**
 * GET /healthz and GET /metrics, as a handler for Probot's server (`addHandler`): a
 * handler returns true when it answered, so every other path falls through to Probot.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";

export interface OpsHandlerOptions {
  version: string;
  registry: Registry;
  queueDepth?: () => number;
}

export function createOpsHandler(
  options: OpsHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz") {
      const body = JSON.stringify({
        ok: true,
        version: options.version,
        ...(options.queueDepth ? { queueDepth: options.queueDepth() } : {}),
      });
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(body);
      return true;
    }
    if (path === "/metrics") {
      const text = await options.registry.metrics();
      res.writeHead(200, { "content-type": options.registry.contentType });
      res.end(text);
      return true;
    }
    return false;
  };
}
