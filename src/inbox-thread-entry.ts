/** The inbox processor's thread (see inbox-thread.ts). */
import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import {
  startProcessorFromSettings,
  threadLogger,
  type InboxThreadSettings,
} from "./inbox-thread.js";

const port = parentPort!;
const settings = workerData as InboxThreadSettings;
const logger = threadLogger(settings.logLevel);

/**
 * Handling can wait, the answer to GitHub cannot: on Linux this thread runs at a lower CPU
 * priority than the one that answers webhooks (its own thread id, so only this thread).
 */
function lowerThisThreadsPriority(): void {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid)) setPriority(tid, Math.min(19, getPriority(tid) + 10));
  } catch {
    // Not Linux, or not allowed: the same priority as the server, which is only slower.
  }
}
lowerThisThreadsPriority();

try {
  const processor = await startProcessorFromSettings(settings, logger);
  port.on("message", (message: { type: "drain"; id: number } | { type: "poke" | "close" }) => {
    if (message.type === "poke") processor.poke();
    else if (message.type === "drain")
      void processor.drain().then(() => port.postMessage({ type: "drained", id: message.id }));
    else if (message.type === "close")
      // Octokit's pooled sockets would keep the thread alive: it ends here.
      void processor.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: String(error) }, "closing the inbox processor failed");
          process.exit(1);
        },
      );
  });
  port.postMessage({ type: "ready" });
} catch (error) {
  port.postMessage({
    type: "failed",
    error: error instanceof Error ? error.message : String(error),
  });
}
