/** Finds bubblewrap and prlimit, and proves once per process that bwrap can build a sandbox here. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

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
  /** Why bubblewrap cannot be used, when it cannot. */
  reason?: string;
}

const probes = new Map<string, Promise<BwrapProbe>>();

/** bwrap may be installed yet unusable (user namespaces disabled, seccomp in a container). */
export function probeBwrap(
  bwrapPath: string | undefined = findProgram("bwrap"),
): Promise<BwrapProbe> {
  if (bwrapPath === undefined) return Promise.resolve({ reason: "bwrap was not found" });
  let probe = probes.get(bwrapPath);
  if (probe === undefined) {
    probe = new Promise<BwrapProbe>((resolve) => {
      const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
      args.push(
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--",
        "/bin/sh",
        "-c",
        "exit 0",
      );
      const child = spawn(bwrapPath, args, { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", (error) => resolve({ reason: `bwrap failed to start: ${error.message}` }));
      child.on("close", (code) => {
        if (code === 0) resolve({ path: bwrapPath });
        else
          resolve({
            reason: `bwrap cannot create a sandbox here: ${stderr.trim() || `exit ${code}`}`,
          });
      });
    });
    probes.set(bwrapPath, probe);
  }
  return probe;
}
