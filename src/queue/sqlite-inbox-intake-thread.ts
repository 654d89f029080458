/**
 * The inbox's writer thread (see sqlite-inbox-intake.ts): deliveries that arrive while a
 * commit is on its way to disk are committed together in the next one.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openIntakeDatabase, type IntakeRow } from "./sqlite-inbox-intake.js";

const port = parentPort!;
const db = openIntakeDatabase((workerData as { file: string }).file);
let batch: { seq: number; row: IntakeRow }[] = [];
let closing = false;
let scheduled = false;

function flush(): void {
  scheduled = false;
  const rows = batch;
  batch = [];
  if (rows.length > 0) {
    try {
      const stored = db.insert(rows.map((r) => r.row));
      rows.forEach((r, i) => port.postMessage({ seq: r.seq, stored: stored[i] }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      for (const r of rows) port.postMessage({ seq: r.seq, error: message });
    }
  }
  if (closing) {
    db.close();
    port.close();
  }
}

port.on("message", (message: { seq: number; row: IntakeRow } | { close: true }) => {
  if ("close" in message) closing = true;
  else batch.push(message);
  // Every message already waiting is taken in before the next commit.
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
