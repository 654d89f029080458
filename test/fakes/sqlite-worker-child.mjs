// A worker process for the crash tests: runs the built SQLite queue on a given file (or the
// Redis queue, when the store is a redis:// URL, with key prefix <prefix>) with a handler
// that logs each attempt. `hang` never finishes a first attempt (it is killed or handed
// back there); `slow` takes 400 ms. Usage:
//   node sqlite-worker-child.mjs <dist/queue/index.js> <db file|redis url> <log file> <hang|slow> <graceMs> [prefix]
import { appendFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";

const [, , modulePath, dbFile, logFile, mode, graceMs, prefix] = process.argv;
const { createRedisQueue, createSqliteQueue } = await import(pathToFileURL(modulePath).href);
const common = { pollMs: 20, leaseMs: 3000, heartbeatMs: 200, graceMs: Number(graceMs) };
const queue = dbFile.startsWith("redis://")
  ? createRedisQueue({ url: dbFile, prefix, stalledIntervalMs: 500, ...common })
  : createSqliteQueue({ file: dbFile, ...common });
queue.process(async (job, { attempt, signal }) => {
  appendFileSync(logFile, `start ${job.id} ${attempt} ${process.pid}\n`);
  if (mode === "hang" && attempt === 1) {
    await new Promise((_resolve, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason)),
    );
  }
  if (mode === "slow") await sleep(400);
  appendFileSync(logFile, `done ${job.id} ${attempt}\n`);
}, 1);
process.once("SIGTERM", () => {
  queue.close().then(() => process.exit(0));
});
appendFileSync(logFile, `ready ${process.pid}\n`);
