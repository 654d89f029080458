/**
 * The edit tool's own path check, in front of the Checkout's: a model-supplied path becomes a
 * path relative to the checkout root, or is refused. Absolute paths are read relative to the
 * root (models often write "/src/x.ts"); `..` escapes, .git and symlinks that lead outside are
 * refused; protected paths may be viewed but not changed.
 */
import { realpath } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { PathSafetyError } from "../core/index.js";

export interface WorkspacePath {
  /** Relative to the checkout root, with forward slashes; "" is the root itself. */
  rel: string;
  /** Absolute, symlinks of the existing part resolved. */
  abs: string;
}

export function normalizeModelPath(root: string, candidate: string): string {
  if (candidate.includes("\0")) throw new PathSafetyError(candidate, "it contains a NUL byte");
  let relative = candidate.trim().replace(/\\/g, "/");
  if (relative === "") throw new PathSafetyError(candidate, "it is empty");
  if (path.isAbsolute(relative)) {
    const within = path.relative(root, relative);
    relative =
      within.startsWith("..") || path.isAbsolute(within) ? relative.replace(/^\/+/, "") : within;
  }
  const rel = path.relative(root, path.resolve(root, relative));
  if (rel.startsWith("..") || path.isAbsolute(rel))
    throw new PathSafetyError(candidate, "it points outside the repository");
  const parts = rel === "" ? [] : rel.split(path.sep);
  if (parts.some((part) => part.toLowerCase() === ".git"))
    throw new PathSafetyError(candidate, "the .git directory is off limits");
  return parts.join("/");
}

async function resolveSymlinks(root: string, rel: string, candidate: string): Promise<string> {
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
      if (within.split(path.sep).some((part) => part.toLowerCase() === ".git")) {
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

export function createPathGuard(root: string, protectedPaths: string[] = []) {
  const isProtected =
    protectedPaths.length > 0 ? picomatch(protectedPaths, { dot: true }) : () => false;
  return {
    async resolve(candidate: string, access: "read" | "write"): Promise<WorkspacePath> {
      const rel = normalizeModelPath(root, candidate);
      if (access === "write" && rel === "")
        throw new PathSafetyError(candidate, "it is the repository root");
      if (access === "write" && isProtected(rel)) {
        throw new PathSafetyError(
          candidate,
          "this path is protected by the repository's patchsmith policy and may not be changed",
        );
      }
      const abs = await resolveSymlinks(root, rel, candidate);
      // A symlink inside the repository may point at a protected file: check where it lands too.
      const landed = path
        .relative(await realpath(root), abs)
        .split(path.sep)
        .join("/");
      if (access === "write" && landed !== rel && isProtected(landed)) {
        throw new PathSafetyError(
          candidate,
          "it links to a path protected by the repository's patchsmith policy",
        );
      }
      return { rel, abs };
    },
  };
}

export type PathGuard = ReturnType<typeof createPathGuard>;
