// A receiver-side inbox processor for the crash test: the built Redis Inbox on a given
// Redis, whose handler announces each delivery on stdout and never finishes (the test
// kills the process with SIGKILL there). Usage:
//   node redis-inbox-child.mjs <dist/queue/index.js> <redis URL> <leaseMs>
import { pathToFileURL } from "node:url";

const [, , modulePath, url, leaseMs] = process.argv;
const { createRedisInbox } = await import(pathToFileURL(modulePath).href);
const inbox = createRedisInbox({ url, leaseMs: Number(leaseMs), pollMs: 20 });
inbox.process(async (delivery, { attempt }) => {
  process.stdout.write(`start ${delivery.id} ${attempt} ${process.pid}\n`);
  await new Promise(() => undefined);
}, 1);
process.stdout.write("processing\n");
