/**
 * The index of one commit (inventory, symbols, profile), built once and kept: in memory for the
 * life of the process and, with a cacheDir, as <cacheDir>/<sha>-<options>.json written atomically.
 * A commit's files never change, so the SHA (plus the options that shaped the index) is the key.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { silentLogger, type Logger, type RepoProfile } from "../core/index.js";
import { listInventory, readInventoryFile, type InventoryFile } from "./inventory.js";
import { SOURCE_LANGUAGES } from "./languages.js";
import { detectProfile } from "./profile.js";
import { createSymbolPool, type FileSymbols } from "./symbols/index.js";

/** Bump when the shape or the meaning of what is stored changes. */
const INDEX_VERSION = 2;
/** Files read ahead for each parsing thread, so no worker waits on the disk. */
const LANES_PER_WORKER = 8;
const MEMORY_ENTRIES = 4;

export interface RepoIndex {
  sha: string;
  files: InventoryFile[];
  /** Only files with at least one definition or import have an entry. */
  symbols: Map<string, FileSymbols>;
  /** False for an index built with `symbols: "lazy"`: use symbolsFor() to fill in what you need. */
  symbolsComplete: boolean;
  profile: RepoProfile;
}

export interface IndexOptions {
  cacheDir?: string;
  exclude?: string[];
  maxFileBytes?: number;
  logger?: Logger;
  /** Parsing threads; default: one a core (up to 4), none for small repositories. */
  workers?: number;
  /**
   * "all" (default) parses every source file. "lazy" skips parsing: a context pack needs the
   * symbols of its few dozen ranked files, not of 20,000, and symbolsFor() parses just those.
   */
  symbols?: "all" | "lazy";
}

/** How often each path was taken in this process: tests and logs read it. */
export const indexStats = { builds: 0, diskHits: 0, memoryHits: 0 };

const memory = new Map<string, Promise<RepoIndex>>();

function optionsKey(options: IndexOptions): string {
  const shape = JSON.stringify([
    INDEX_VERSION,
    [...(options.exclude ?? [])].sort(),
    options.maxFileBytes ?? null,
    options.symbols ?? "all",
  ]);
  return createHash("sha256").update(shape).digest("hex").slice(0, 12);
}

function cacheFile(cacheDir: string, sha: string, options: IndexOptions): string {
  const safeSha = /^[\w.-]{1,100}$/.test(sha)
    ? sha
    : createHash("sha256").update(sha).digest("hex");
  return path.join(cacheDir, `${safeSha}-${optionsKey(options)}.json`);
}

function wantsSymbols(file: InventoryFile): boolean {
  return SOURCE_LANGUAGES.has(file.language) || file.language === "markdown";
}

/** Symbols of `files`, in their order; files with nothing found have no entry. */
async function parseFiles(
  dir: string,
  parseable: InventoryFile[],
  workers: number | undefined,
): Promise<Map<string, FileSymbols>> {
  const symbols = new Map<string, FileSymbols>();
  const pool = createSymbolPool(parseable.length, workers === undefined ? {} : { workers });
  try {
    let next = 0;
    // Each lane reads one file and hands it to the pool; the lanes keep every worker busy.
    const lane = async () => {
      while (next < parseable.length) {
        const file = parseable[next++]!;
        const content = await readInventoryFile(dir, file.path).catch(() => undefined);
        if (content === undefined) continue;
        const found = await pool.extract({ path: file.path, language: file.language, content });
        if (found.definitions.length > 0 || found.imports.length > 0) symbols.set(file.path, found);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, pool.workers) * LANES_PER_WORKER }, lane));
  } finally {
    await pool.close();
  }
  // Lanes finish out of order; keep the inventory's order so the index is the same every time.
  const ordered = new Map<string, FileSymbols>();
  for (const file of parseable) {
    const found = symbols.get(file.path);
    if (found) ordered.set(file.path, found);
  }
  return ordered;
}

/** Indexes the checkout at `dir` from scratch. */
export async function buildIndex(
  dir: string,
  sha: string,
  options: IndexOptions = {},
): Promise<RepoIndex> {
  indexStats.builds++;
  const started = performance.now();
  const inventoryOptions: { exclude?: string[]; maxFileBytes?: number } = {};
  if (options.exclude) inventoryOptions.exclude = options.exclude;
  if (options.maxFileBytes !== undefined) inventoryOptions.maxFileBytes = options.maxFileBytes;
  const files = await listInventory(dir, inventoryOptions);
  const profilePromise = detectProfile(dir, files);

  const parseable = files.filter(wantsSymbols);
  const complete = options.symbols !== "lazy";
  const symbols = complete ? await parseFiles(dir, parseable, options.workers) : new Map();
  const index: RepoIndex = {
    sha,
    files,
    symbols,
    symbolsComplete: complete,
    profile: await profilePromise,
  };
  (options.logger ?? silentLogger).info(
    {
      sha,
      files: files.length,
      parsed: complete ? parseable.length : 0,
      ms: Math.round(performance.now() - started),
    },
    "indexed repository",
  );
  return index;
}

interface StoredIndex {
  version: number;
  sha: string;
  files: InventoryFile[];
  symbols: [string, FileSymbols][];
  symbolsComplete: boolean;
  profile: RepoProfile;
}

export async function loadIndex(
  cacheDir: string,
  sha: string,
  options: IndexOptions = {},
): Promise<RepoIndex | undefined> {
  let stored: StoredIndex;
  try {
    stored = JSON.parse(await readFile(cacheFile(cacheDir, sha, options), "utf8")) as StoredIndex;
  } catch {
    return undefined;
  }
  if (stored.version !== INDEX_VERSION || stored.sha !== sha) return undefined;
  return {
    sha,
    files: stored.files,
    symbols: new Map(stored.symbols),
    symbolsComplete: stored.symbolsComplete,
    profile: stored.profile,
  };
}

export async function saveIndex(
  cacheDir: string,
  index: RepoIndex,
  options: IndexOptions = {},
): Promise<void> {
  const stored: StoredIndex = {
    version: INDEX_VERSION,
    sha: index.sha,
    files: index.files,
    symbols: [...index.symbols],
    symbolsComplete: index.symbolsComplete,
    profile: index.profile,
  };
  const target = cacheFile(cacheDir, index.sha, options);
  // Write beside the target and rename: a reader sees the old file or the whole new one, never half.
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await mkdir(cacheDir, { recursive: true });
  try {
    await writeFile(temporary, JSON.stringify(stored));
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function loadOrBuild(dir: string, sha: string, options: IndexOptions): Promise<RepoIndex> {
  const logger = options.logger ?? silentLogger;
  if (options.cacheDir) {
    const cached = await loadIndex(options.cacheDir, sha, options);
    if (cached) {
      indexStats.diskHits++;
      return cached;
    }
  }
  const index = await buildIndex(dir, sha, options);
  if (options.cacheDir) {
    // A cache that cannot be written costs the next job time, not this one its result.
    await saveIndex(options.cacheDir, index, options).catch((error: unknown) =>
      logger.warn(
        { err: error, cacheDir: options.cacheDir },
        "could not write the context index cache",
      ),
    );
  }
  return index;
}

/**
 * The index of commit `sha` checked out at `dir`: from memory, else from cacheDir, else built
 * (and then stored). Concurrent calls for the same commit share one build.
 */
export async function getIndex(
  dir: string,
  sha: string,
  options: IndexOptions = {},
): Promise<RepoIndex> {
  // Not keyed by dir: every checkout of a commit holds the same files.
  const key = `${sha}\0${optionsKey(options)}\0${options.cacheDir ?? ""}`;
  const known = memory.get(key);
  if (known) {
    indexStats.memoryHits++;
    memory.delete(key);
    memory.set(key, known);
    return known;
  }
  const pending = loadOrBuild(dir, sha, options);
  memory.set(key, pending);
  pending.catch(() => memory.delete(key));
  while (memory.size > MEMORY_ENTRIES) memory.delete(memory.keys().next().value!);
  return pending;
}

/** Forgets the in-memory copies (tests; a long-lived worker under memory pressure). */
export function clearIndexMemory(): void {
  memory.clear();
}

const attempted = new WeakMap<RepoIndex, Set<string>>();

/**
 * The symbols of `paths` (those with any), parsing the ones a lazy index has not parsed yet and
 * keeping them in the index for the next call. Paths not in the inventory are ignored.
 */
export async function symbolsFor(
  dir: string,
  index: RepoIndex,
  paths: string[],
): Promise<Map<string, FileSymbols>> {
  if (!index.symbolsComplete) {
    let tried = attempted.get(index);
    if (!tried) {
      tried = new Set();
      attempted.set(index, tried);
    }
    const wanted = new Set(paths.filter((p) => !tried.has(p)));
    const missing = index.files.filter((f) => wanted.has(f.path) && wantsSymbols(f));
    for (const p of wanted) tried.add(p);
    for (const [p, found] of await parseFiles(dir, missing, 0)) index.symbols.set(p, found);
  }
  const out = new Map<string, FileSymbols>();
  for (const p of paths) {
    const found = index.symbols.get(p);
    if (found) out.set(p, found);
  }
  return out;
}
