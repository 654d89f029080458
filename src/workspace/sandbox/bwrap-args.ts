/**
 * The bubblewrap command line for one sandboxed command: the host's root read-only, the
 * workspace the only writable bind, a private /tmp, every namespace unshared (network only
 * when asked for), a new session, and an environment that holds only what the caller gives.
 */
import path from "node:path";

export interface BwrapPlan {
  bwrapPath: string;
  /** The writable workspace. */
  root: string;
  cwd: string;
  env: Record<string, string>;
  network: boolean;
  /** Paths under /tmp (hidden by the private tmpfs) that must stay readable. */
  readOnlyPaths: string[];
  /** Directories to hide behind an empty tmpfs (credential stores). */
  maskedDirs: string[];
  /** Files to hide behind /dev/null. */
  maskedFiles: string[];
  /** Directories to create inside the private /tmp (HOME, caches). */
  tmpDirs: string[];
  /**
   * Drop every capability, forbid nested user namespaces and keep /proc/sys read-only. Without
   * this, a command run by root keeps root's capabilities inside its user namespace and can
   * write global sysctls. Needs bubblewrap 0.8; older ones run without it.
   */
  hardened: boolean;
}

export function bwrapArgv(plan: BwrapPlan, command: string[]): string[] {
  const args = [
    plan.bwrapPath,
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    ...(plan.hardened ? ["--ro-bind", "/proc/sys", "/proc/sys"] : []),
    "--tmpfs",
    "/tmp",
  ];
  for (const dir of plan.tmpDirs) args.push("--dir", dir);
  // Mounted after the private /tmp so that they stay visible when they live below it.
  for (const p of plan.readOnlyPaths) args.push("--ro-bind-try", p, p);
  // The masks come last, so that a read-only path cannot uncover a secret inside it.
  for (const dir of plan.maskedDirs) args.push("--tmpfs", dir);
  for (const file of plan.maskedFiles) args.push("--ro-bind", "/dev/null", file);
  args.push("--bind", plan.root, plan.root);
  args.push("--unshare-all");
  if (plan.hardened) args.push("--unshare-user", "--disable-userns", "--cap-drop", "ALL");
  if (plan.network) args.push("--share-net");
  args.push("--die-with-parent", "--new-session", "--clearenv");
  for (const [key, value] of Object.entries(plan.env)) args.push("--setenv", key, value);
  args.push("--chdir", plan.cwd, "--", ...command);
  return args;
}

/** Credential stores of the host user that repository code has no business reading. */
export const credentialDirs = [
  ".ssh",
  ".aws",
  ".gnupg",
  ".docker",
  ".kube",
  ".config/gh",
  ".config/gcloud",
  ".azure",
];
export const credentialFiles = [
  ".npmrc",
  ".netrc",
  ".git-credentials",
  ".pypirc",
  ".yarnrc",
  ".yarnrc.yml",
];

export function credentialPaths(home: string): { dirs: string[]; files: string[] } {
  return {
    dirs: credentialDirs.map((d) => path.join(home, d)),
    files: credentialFiles.map((f) => path.join(home, f)),
  };
}
