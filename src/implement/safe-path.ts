/**
 * The edit tool's own path check, in front of the Checkout's: core's normalizeInside and
 * resolveInside (no escapes, no .git, no symlinks that lead outside), plus the repository's
 * protected paths, which may be viewed but not changed.
 */
import { realpath } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { isSecretPath, normalizeInside, PathSafetyError, resolveInside } from "../core/index.js";

export interface WorkspacePath {
  /** Relative to the checkout root, with forward slashes; "" is the root itself. */
  rel: string;
  /** Absolute, symlinks of the existing part resolved. */
  abs: string;
}

export function createPathGuard(root: string, protectedPaths: string[] = []) {
  const isProtected =
    protectedPaths.length > 0 ? picomatch(protectedPaths, { dot: true }) : () => false;
  return {
    async resolve(candidate: string, access: "read" | "write"): Promise<WorkspacePath> {
      const rel = normalizeInside(root, candidate);
      // Credentials never reach the model, and the model never writes one.
      if (isSecretPath(rel))
        throw new PathSafetyError(candidate, "it is a file that holds credentials (.env, keys)");
      if (access === "write" && rel === "")
        throw new PathSafetyError(candidate, "it is the repository root");
      if (access === "write" && isProtected(rel)) {
        throw new PathSafetyError(
          candidate,
          "this path is protected by the repository's patchsmith policy and may not be changed",
        );
      }
      const abs = await resolveInside(root, rel);
      // A symlink inside the repository may point at a protected file: check where it lands too.
      const landed = path
        .relative(await realpath(root), abs)
        .split(path.sep)
        .join("/");
      if (landed !== rel && isSecretPath(landed)) {
        throw new PathSafetyError(candidate, "it links to a file that holds credentials");
      }
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
