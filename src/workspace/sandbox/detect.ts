/** Finds bubblewrap and prlimit, and proves once per process that bwrap can build a sandbox here. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { bwrapArgv } from "./bwrap-args.js";

const systemDirs = ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin", "/sbin"];

export function findProgram(
  name: string,
  dirs: readonly string[] = systemDirs,
): string | undefined {
  for (const dir of dirs) {
    const candidate = `${dir}/${name}`;
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface BwrapProbe {
  path?: string;
  /** Whether the hardened flags work here (see BwrapPlan.hardened). */
  hardened?: boolean;
  /** Why bubblewrap cannot be used, when it cannot. */
  reason?: string;
}

const probes = new Map<string, Promise<BwrapProbe>>();

function tryBwrap(bwrapPath: string, hardened: boolean): Promise<{ ok: boolean; stderr: string }> {
  const argv = bwrapArgv(
    {
      bwrapPath,
      root: os.tmpdir(),
      cwd: os.tmpdir(),
      env: {},
      network: false,
      readOnlyPaths: [],
      maskedDirs: [],
      maskedFiles: [],
      tmpDirs: [],
      hardened,
    },
    ["/bin/sh", "-c", "exit 0"],
  );
  const args = argv.slice(1);
  return new Promise((resolve) => {
    const child = spawn(bwrapPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) =>
      resolve({ ok: false, stderr: `bwrap failed to start: ${error.message}` }),
    );
    child.on("close", (code) =>
      resolve({ ok: code === 0, stderr: stderr.trim() || `exit ${code}` }),
    );
  });
}

/**
 * bwrap may be installed yet unusable (user namespaces disabled, seccomp in a container), or too
 * old for the hardened flags; the probe runs once per process and says which.
 */
export function probeBwrap(
  bwrapPath: string | undefined = findProgram("bwrap"),
): Promise<BwrapProbe> {
  if (bwrapPath === undefined) return Promise.resolve({ reason: "bwrap was not found" });
  let probe = probes.get(bwrapPath);
  if (probe === undefined) {
    probe = (async (): Promise<BwrapProbe> => {
      if ((await tryBwrap(bwrapPath, true)).ok) return { path: bwrapPath, hardened: true };
      const basic = await tryBwrap(bwrapPath, false);
      if (basic.ok) return { path: bwrapPath, hardened: false };
      return { reason: `bwrap cannot create a sandbox here: ${basic.stderr}` };
    })();
    probes.set(bwrapPath, probe);
  }
  return probe;
}
