/**
 * The files worth reading in a checkout: tracked by git, minus what no one edits by hand
 * (binary, vendored, generated, minified, huge) and what the repository asks us to skip.
 * One `git ls-files` process for the whole tree; everything else is batched fs calls.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import picomatch from "picomatch";
import { isSecretPath, PathSafetyError, PatchsmithError } from "../core/index.js";
import { languageOf } from "./languages.js";

const execFileAsync = promisify(execFile);

export interface InventoryFile {
  path: string;
  language: string;
  size: number;
}

export interface InventoryOptions {
  /** Extra globs (picomatch, matched against the repo-relative path) to leave out. */
  exclude?: string[];
  /** Files above this many bytes are left out. Default 4 MiB: hand-written files above it are
   * rare (TypeScript's checker.ts, among the largest, is ~3 MB). */
  maxFileBytes?: number;
}

export type SkipReason =
  | "excluded"
  | "vendored"
  | "generated"
  | "binary"
  | "minified"
  | "too-large"
  | "not-a-file"
  | "secret";

export interface InventoryScan {
  files: InventoryFile[];
  skipped: { path: string; reason: SkipReason }[];
}

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Directories of third-party or build output that are sometimes committed. */
const VENDORED_GLOBS = [
  "**/node_modules/**",
  "**/bower_components/**",
  "**/jspm_packages/**",
  "**/vendor/**",
  "**/vendors/**",
  "**/third_party/**",
  "**/third-party/**",
  "**/thirdparty/**",
  "**/dist/**",
  "**/build/**",
  "**/out/**",
  "**/target/**",
  "**/coverage/**",
  "**/.yarn/**",
  "**/.pnpm-store/**",
  "**/__pycache__/**",
  "**/.venv/**",
  "**/venv/**",
  "**/site-packages/**",
  "**/.next/**",
  "**/.nuxt/**",
  "**/.svelte-kit/**",
  "**/.tox/**",
  "**/Pods/**",
  "**/Carthage/**",
];

/** Files produced by tools: lockfiles, compiled protobufs, snapshots, source maps. */
const GENERATED_GLOBS = [
  "**/package-lock.json",
  "**/npm-shrinkwrap.json",
  "**/yarn.lock",
  "**/pnpm-lock.yaml",
  "**/bun.lockb",
  "**/Cargo.lock",
  "**/poetry.lock",
  "**/Pipfile.lock",
  "**/uv.lock",
  "**/pdm.lock",
  "**/composer.lock",
  "**/Gemfile.lock",
  "**/go.sum",
  "**/*.min.js",
  "**/*.min.mjs",
  "**/*.min.css",
  "**/*-min.js",
  "**/*.bundle.js",
  "**/*.map",
  "**/*.pb.go",
  "**/*_pb2.py",
  "**/*_pb2_grpc.py",
  "**/*.pb.cc",
  "**/*.pb.h",
  "**/*.generated.*",
  "**/*.g.dart",
  "**/*.designer.cs",
  "**/__snapshots__/**",
  "**/*.snap",
];

/** Binary by name, for files git's text detection has not seen (e.g. an LFS pointer is text). */
const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif bmp ico icns webp avif tiff psd svgz pdf zip gz tgz bz2 xz 7z rar tar jar war ear " +
    "class dll exe so dylib a o obj lib bin dat db sqlite sqlite3 wasm woff woff2 ttf otf eot mp3 mp4 " +
    "m4a wav ogg flac mov avi mkv webm pyc pyo whl egg node npy npz pkl pickle parquet onnx pt"
  ).split(" "),
);

/** Checked against a file's first lines only, where tools put their banner. */
const GENERATED_HEADER =
  /@generated\b|\bcode generated\b|\b(?:auto-?generated|automatically generated|do not edit)\b/i;
const HEADER_LINES = 5;
/** Read this many bytes of a file to judge it generated or minified. */
const HEAD_BYTES = 4096;
/** Files smaller than this are not worth a second look: no one minifies 1 KB. */
const HEAD_CHECK_MIN_BYTES = 1024;
const MINIFIABLE = new Set(["javascript", "typescript", "css", "json", "html", "text"]);
const CONCURRENCY = 64;

type Matcher = (p: string) => boolean;
const never: Matcher = () => false;

function matcher(globs: string[]): Matcher {
  if (globs.length === 0) return never;
  return picomatch(globs, { dot: true });
}

const vendored = matcher(VENDORED_GLOBS);
const generatedByName = matcher(GENERATED_GLOBS);

interface LsEntry {
  path: string;
  /** Git's file mode: 120000 is a symlink, 160000 a submodule. */
  mode: string;
}

async function gitLsFiles(dir: string): Promise<LsEntry[]> {
  let stdout: string;
  try {
    // --stage reads only the index: `--eol` would tell text from binary, but by reading every blob.
    ({ stdout } = await execFileAsync("git", ["ls-files", "-z", "--stage"], {
      cwd: dir,
      maxBuffer: 512 * 1024 * 1024,
      encoding: "utf8",
    }));
  } catch (error) {
    throw new PatchsmithError(`git ls-files failed in ${dir}: ${(error as Error).message}`, {
      cause: error,
      userMessage:
        "Could not list the repository's files with git. Check that the checkout is a git repository.",
    });
  }
  const entries: LsEntry[] = [];
  let previous = "";
  for (const record of stdout.split("\0")) {
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const file = record.slice(tab + 1);
    // Unmerged paths appear once per stage.
    if (file === previous) continue;
    previous = file;
    entries.push({ path: file, mode: record.slice(0, record.indexOf(" ")) });
  }
  return entries;
}

/** linguist-generated / linguist-vendored lines of the root .gitattributes, as globs. */
async function gitattributesGlobs(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path.join(dir, ".gitattributes"), "utf8");
  } catch {
    return [];
  }
  const globs: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [pattern, ...attrs] = line.trim().split(/\s+/);
    if (!pattern || pattern.startsWith("#")) continue;
    const marks = attrs.some((a) => /^linguist-(generated|vendored)(=true)?$/.test(a));
    if (!marks) continue;
    const anchored = pattern.includes("/") && !pattern.endsWith("/");
    const base = pattern.replace(/^\//, "").replace(/\/$/, "/**");
    globs.push(anchored || pattern.endsWith("/") ? base : `**/${base}`);
  }
  return globs;
}

function isMinified(head: string): boolean {
  const lines = head.split("\n");
  // A truncated last line says nothing about the file, so judge complete lines when there are some.
  const complete = lines.length > 1 ? lines.slice(0, -1) : lines;
  const longest = Math.max(...complete.map((l) => l.length));
  const average = head.length / lines.length;
  return longest > 1000 || average > 300;
}

interface Probe {
  size: number;
  isFile: boolean;
  head: string;
}

/**
 * Size, kind and first bytes of a file in one open (O_NOFOLLOW: a symlink fails to open).
 * Callback fs rather than FileHandle: on 20,000 files the promise machinery costs more than the I/O.
 */
function probe(file: string, maxFileBytes: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    fs.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW, (openError, fd) => {
      if (openError) return reject(openError);
      const finish = (error: Error | null, result?: Probe) =>
        fs.close(fd, () => (error || !result ? reject(error) : resolve(result)));
      fs.fstat(fd, (statError, stats) => {
        if (statError) return finish(statError);
        if (!stats.isFile() || stats.size === 0 || stats.size > maxFileBytes) {
          return finish(null, { size: stats.size, isFile: stats.isFile(), head: "" });
        }
        const buffer = Buffer.allocUnsafe(Math.min(HEAD_BYTES, stats.size));
        fs.read(fd, buffer, 0, buffer.length, 0, (readError, bytesRead) => {
          if (readError) return finish(readError);
          finish(null, {
            size: stats.size,
            isFile: true,
            head: buffer.toString("utf8", 0, bytesRead),
          });
        });
      });
    });
  });
}

async function judge(
  dir: string,
  entry: LsEntry,
  maxFileBytes: number,
): Promise<InventoryFile | SkipReason> {
  // Symlinks could point outside the checkout; submodules are other repositories.
  if (entry.mode === "120000" || entry.mode === "160000") return "not-a-file";
  const extension = path.posix.extname(entry.path).slice(1).toLowerCase();
  if (BINARY_EXTENSIONS.has(extension)) return "binary";
  let size: number;
  let head: string;
  try {
    const probed = await probe(path.join(dir, entry.path), maxFileBytes);
    if (!probed.isFile) return "not-a-file";
    ({ size, head } = probed);
  } catch {
    return "not-a-file";
  }
  if (size > maxFileBytes) return "too-large";
  // Git's own test for binary: a NUL byte near the start.
  if (head.includes("\0")) return "binary";
  const language = languageOf(entry.path);
  if (size >= HEAD_CHECK_MIN_BYTES) {
    if (GENERATED_HEADER.test(head.split("\n", HEADER_LINES).join("\n"))) return "generated";
    if (MINIFIABLE.has(language) && isMinified(head)) return "minified";
  }
  return { path: entry.path, language, size };
}

/** Every tracked file with the reason each left-out one was left out. */
export async function scanInventory(
  dir: string,
  options: InventoryOptions = {},
): Promise<InventoryScan> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const [entries, attributeGlobs] = await Promise.all([gitLsFiles(dir), gitattributesGlobs(dir)]);
  const excluded = matcher(options.exclude ?? []);
  const markedGenerated = matcher(attributeGlobs);

  const results: (InventoryFile | SkipReason)[] = new Array(entries.length);
  const pending: number[] = [];
  entries.forEach((entry, i) => {
    if (excluded(entry.path)) results[i] = "excluded";
    // Credentials never go into the model's context (see core/secret-scan.ts).
    else if (isSecretPath(entry.path)) results[i] = "secret";
    else if (vendored(entry.path)) results[i] = "vendored";
    else if (generatedByName(entry.path) || markedGenerated(entry.path)) results[i] = "generated";
    else pending.push(i);
  });

  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const i = pending[next++]!;
      results[i] = await judge(dir, entries[i]!, maxFileBytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pending.length) }, worker));

  const scan: InventoryScan = { files: [], skipped: [] };
  results.forEach((result, i) => {
    if (typeof result === "string") scan.skipped.push({ path: entries[i]!.path, reason: result });
    else scan.files.push(result);
  });
  return scan;
}

export async function listInventory(
  dir: string,
  options: InventoryOptions = {},
): Promise<InventoryFile[]> {
  return (await scanInventory(dir, options)).files;
}

const realDirs = new Map<string, Promise<string>>();

/** Reads one repo-relative file as UTF-8, refusing anything that resolves outside `dir`. */
export async function readInventoryFile(dir: string, filePath: string): Promise<string> {
  if (path.isAbsolute(filePath) || filePath.split(/[\\/]/).includes("..")) {
    throw new PathSafetyError(filePath, "not a path inside the repository");
  }
  let root = realDirs.get(dir);
  if (!root) {
    root = realpath(dir);
    realDirs.set(dir, root);
    root.catch(() => realDirs.delete(dir));
  }
  const resolved = await realpath(path.join(dir, filePath));
  const rootPath = await root;
  if (resolved !== rootPath && !resolved.startsWith(rootPath + path.sep)) {
    throw new PathSafetyError(filePath, "resolves outside the repository");
  }
  const text = await readFile(resolved, "utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
