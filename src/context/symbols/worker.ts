/** A worker thread that extracts symbols; see pool.ts. */
import { parentPort } from "node:worker_threads";
import { extractSymbols } from "./index.js";
import type { SourceFile } from "./types.js";

parentPort?.on("message", (message: { id: number; file: SourceFile }) => {
  extractSymbols(message.file).then(
    (symbols) => parentPort?.postMessage({ id: message.id, symbols }),
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: String(error) }),
  );
});
