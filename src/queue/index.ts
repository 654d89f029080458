export { createInProcessQueue, type InProcessQueueOptions } from "./in-process.js";
export {
  createSqliteQueue,
  queueDbPath,
  type SqliteQueue,
  type SqliteQueueOptions,
  type StoredJob,
} from "./sqlite-queue.js";
