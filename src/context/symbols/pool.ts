/**
 * Symbol extraction spread over worker threads: tree-sitter parsing is CPU-bound (~5 MB/s a
 * core in WebAssembly), and a cold index of a large repository is mostly parsing. Falls back to
 * this thread when there is one core, few files, or no compiled worker (running from .ts sources).
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { extractSymbols } from "./index.js";
import type { FileSymbols, SourceFile } from "./types.js";

export interface SymbolPool {
  extract(file: SourceFile): Promise<FileSymbols>;
  readonly workers: number;
  close(): Promise<void>;
}

/** Starting a worker (module load, WebAssembly compile, grammars) costs ~100 ms; below this many files it does not pay. */
export const MIN_FILES_FOR_WORKERS = 200;
const MAX_WORKERS = 4;

interface Pending {
  file: SourceFile;
  resolve: (symbols: FileSymbols) => void;
}

const inProcess: SymbolPool = { extract: extractSymbols, workers: 0, close: async () => {} };

function workerUrl(): URL | undefined {
  const url = new URL("./worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}

export function createSymbolPool(
  fileCount: number,
  options: { workers?: number } = {},
): SymbolPool {
  const size = options.workers ?? Math.min(MAX_WORKERS, availableParallelism());
  const url = workerUrl();
  if (size < 2 || fileCount < MIN_FILES_FOR_WORKERS || !url) return inProcess;

  const workers = Array.from({ length: size }, () => ({
    worker: new Worker(url),
    pending: new Map<number, Pending>(),
  }));
  let nextId = 0;
  for (const slot of workers) {
    slot.worker.on("message", (message: { id: number; symbols?: FileSymbols; error?: string }) => {
      const pending = slot.pending.get(message.id);
      if (!pending) return;
      slot.pending.delete(message.id);
      if (message.symbols) pending.resolve(message.symbols);
      else void extractSymbols(pending.file).then(pending.resolve);
    });
    // A worker that dies hands its files back to this thread rather than failing the index.
    slot.worker.on("error", () => {
      for (const pending of slot.pending.values())
        void extractSymbols(pending.file).then(pending.resolve);
      slot.pending.clear();
      workers.splice(workers.indexOf(slot), 1);
    });
  }

  return {
    workers: size,
    extract(file) {
      const slot = workers.reduce<(typeof workers)[number] | undefined>(
        (best, w) => (!best || w.pending.size < best.pending.size ? w : best),
        undefined,
      );
      if (!slot) return extractSymbols(file);
      const id = nextId++;
      return new Promise((resolve) => {
        slot.pending.set(id, { file, resolve });
        slot.worker.postMessage({ id, file });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
