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
import { extractSymbols, type FileSymbols } from "./symbols/index.js";

/** Bump when the shape or the meaning of what is stored changes. */
const INDEX_VERSION = 1;
const READ_BATCH = 64;
const MEMORY_ENTRIES = 4;

export interface RepoIndex {
  sha: string;
  files: InventoryFile[];
  /** Only files with at least one definition or import have an entry. */
  symbols: Map<string, FileSymbols>;
  profile: RepoProfile;
}

export interface IndexOptions {
  cacheDir?: string;
  exclude?: string[];
  maxFileBytes?: number;
  logger?: Logger;
}

/** How often each path was taken in this process: tests and logs read it. */
export const indexStats = { builds: 0, diskHits: 0, memoryHits: 0 };

const memory = new Map<string, Promise<RepoIndex>>();

function optionsKey(options: IndexOptions): string {
  const shape = JSON.stringify([
    INDEX_VERSION,
    [...(options.exclude ?? [])].sort(),
    options.maxFileBytes ?? null,
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

  const symbols = new Map<string, FileSymbols>();
  const parseable = files.filter(wantsSymbols);
  for (let start = 0; start < parseable.length; start += READ_BATCH) {
    const batch = parseable.slice(start, start + READ_BATCH);
    const contents = await Promise.all(
      batch.map((f) => readInventoryFile(dir, f.path).catch(() => undefined)),
    );
    for (let i = 0; i < batch.length; i++) {
      const file = batch[i]!;
      const content = contents[i];
      if (content === undefined) continue;
      const found = await extractSymbols({ path: file.path, language: file.language, content });
      if (found.definitions.length > 0 || found.imports.length > 0) symbols.set(file.path, found);
    }
  }
  const index: RepoIndex = { sha, files, symbols, profile: await profilePromise };
  (options.logger ?? silentLogger).info(
    {
      sha,
      files: files.length,
      parsed: parseable.length,
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
  return { sha, files: stored.files, symbols: new Map(stored.symbols), profile: stored.profile };
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
