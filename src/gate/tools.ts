/** Where the gate finds the tools it runs: the repository's own first, then patchsmith's. */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { CheckContext } from "./types.js";

const require = createRequire(import.meta.url);

export function repoBin(dir: string, name: string): string | undefined {
  const candidate = path.join(dir, "node_modules", ".bin", name);
  return existsSync(candidate) ? candidate : undefined;
}

/** argv prefix for a bin of a package patchsmith itself depends on, or undefined when absent. */
export function ownBin(pkg: string, bin: string = pkg): string[] | undefined {
  try {
    const manifestPath = require.resolve(`${pkg}/package.json`);
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      bin?: string | Record<string, string>;
    };
    const relative = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.[bin];
    if (!relative) return undefined;
    return [process.execPath, path.join(path.dirname(manifestPath), relative)];
  } catch {
    return undefined;
  }
}

/** The PATH commands get: the repository's node_modules/.bin, node's own directory, the system. */
export function commandPath(dir: string): string {
  const dirs = [
    path.join(dir, "node_modules", ".bin"),
    path.dirname(process.execPath),
    "/usr/local/bin",
    "/usr/bin",
    "/bin",
  ];
  return [...new Set(dirs)].join(":");
}

export function hasFile(ctx: Pick<CheckContext, "dir">, ...names: string[]): boolean {
  return names.some((name) => existsSync(path.join(ctx.dir, name)));
}

export function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, "utf8"));
    return value !== null && typeof value === "object"
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function onPath(dir: string, name: string): boolean {
  return commandPath(dir)
    .split(":")
    .some((d) => existsSync(path.join(d, name)));
}
