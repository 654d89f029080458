/**
 * Every path that the model or a repository names is resolved inside the checkout, after
 * following symlinks, and never into .git; anything else is refused. Shared by the
 * workspace adapter (file access) and the implement stage (the editor tool's own guard).
 */
import { realpath } from "node:fs/promises";
import path from "node:path";
import { PathSafetyError } from "./errors.js";

const MAX_PATH_CHARS = 4096;

const isGitDir = (part: string) => part.toLowerCase() === ".git";

/**
 * Turns a supplied path into a clean path relative to root ("" is the root), without I/O.
 * Absolute paths are read relative to the root: models often write "/src/x.ts".
 */
export function normalizeInside(root: string, candidate: string): string {
  if (candidate.includes("\0")) throw new PathSafetyError(candidate, "it contains a NUL byte");
  if (candidate.length > MAX_PATH_CHARS || candidate.split(/[\\/]/).some((p) => p.length > 255)) {
    throw new PathSafetyError(candidate.slice(0, 80), "it is too long");
  }
  let relative = candidate.trim().replace(/\\/g, "/");
  if (path.isAbsolute(relative)) {
    const within = path.relative(root, relative);
    relative =
      within.startsWith("..") || path.isAbsolute(within) ? relative.replace(/^\/+/, "") : within;
  }
  const rel = path.relative(root, path.resolve(root, relative));
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new PathSafetyError(candidate, "it points outside the repository");
  }
  const parts = rel === "" ? [] : rel.split(path.sep);
  if (parts.some(isGitDir))
    throw new PathSafetyError(candidate, "the .git directory is off limits");
  return parts.join("/");
}

/**
 * The absolute path of `candidate`, with the symlinks of its longest existing prefix
 * resolved, refused when that leads outside root or into .git.
 */
export async function resolveInside(root: string, candidate: string): Promise<string> {
  const rel = normalizeInside(root, candidate);
  const realRoot = await realpath(root);
  let probe = path.join(realRoot, rel);
  const tail: string[] = [];
  for (;;) {
    let real: string | undefined;
    try {
      real = await realpath(probe);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (real !== undefined) {
      const within = path.relative(realRoot, real);
      if (within.startsWith("..") || path.isAbsolute(within)) {
        throw new PathSafetyError(candidate, "a symbolic link leads outside the repository");
      }
      if (within.split(path.sep).some(isGitDir)) {
        throw new PathSafetyError(candidate, "a symbolic link leads into the .git directory");
      }
      return path.join(real, ...tail.reverse());
    }
    const parent = path.dirname(probe);
    if (parent === probe) throw new PathSafetyError(candidate, "no part of it exists");
    tail.push(path.basename(probe));
    probe = parent;
  }
}
