/**
 * Every path the model or a repository names is resolved inside the checkout, after
 * following symlinks, and never into .git. Anything else is refused.
 */
import { realpath } from "node:fs/promises";
import path from "node:path";
import { PathSafetyError } from "../core/index.js";

/** Turns a user- or model-supplied path into a clean path relative to root (no I/O). */
export function normalizeInside(root: string, candidate: string): string {
  if (candidate.includes("\0")) throw new PathSafetyError(candidate, "contains a NUL byte");
  let relative = candidate.trim();
  // Absolute paths are read as relative to the checkout root: the model often writes "/src/x.ts".
  if (path.isAbsolute(relative)) {
    const within = path.relative(root, relative);
    relative =
      within.startsWith("..") || path.isAbsolute(within) ? relative.replace(/^\/+/, "") : within;
  }
  const resolved = path.resolve(root, relative);
  const rel = path.relative(root, resolved);
  if (rel === "") return "";
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new PathSafetyError(candidate, "it points outside the repository");
  }
  const first = rel.split(path.sep)[0];
  if (first === ".git") throw new PathSafetyError(candidate, "the .git directory is off limits");
  return rel.split(path.sep).join("/");
}

/** Resolves symlinks of the longest existing prefix and checks it stays inside root. */
export async function resolveInside(root: string, candidate: string): Promise<string> {
  const rel = normalizeInside(root, candidate);
  const realRoot = await realpath(root);
  let probe = path.join(realRoot, rel);
  const tail: string[] = [];
  for (;;) {
    try {
      const real = await realpath(probe);
      const within = path.relative(realRoot, real);
      if (within.startsWith("..") || path.isAbsolute(within)) {
        throw new PathSafetyError(candidate, "a symbolic link leads outside the repository");
      }
      if (within.split(path.sep)[0] === ".git") {
        throw new PathSafetyError(candidate, "the .git directory is off limits");
      }
      return path.join(real, ...tail.reverse());
    } catch (error) {
      if (error instanceof PathSafetyError) throw error;
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      const parent = path.dirname(probe);
      if (parent === probe) throw new PathSafetyError(candidate, "no part of it exists");
      tail.push(path.basename(probe));
      probe = parent;
    }
  }
}
