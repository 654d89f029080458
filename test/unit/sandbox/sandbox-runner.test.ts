import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PathSafetyError, PatchsmithError } from "../../../src/core/index.js";
import type { Logger } from "../../../src/core/index.js";
import { createSandboxRunner, probeBwrap } from "../../../src/workspace/sandbox/index.js";

const probe = await probeBwrap();
const memoryCgroup =
  process.getuid?.() === 0 &&
  (existsSync("/sys/fs/cgroup/memory/cgroup.procs") ||
    (existsSync("/sys/fs/cgroup/cgroup.controllers") &&
      readFileSync("/sys/fs/cgroup/cgroup.controllers", "utf8").includes("memory")));
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "sandbox-test-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(!probe.path)(`bubblewrap sandbox ${probe.reason ?? ""}`, () => {
  const runner = () => createSandboxRunner({ root, mode: "required", limits: { processes: 64 } });

  it("runs a command in the workspace and reports its exit code and output", async () => {
    const result = await runner().run({
      argv: ["sh", "-c", "echo hello > out.txt; cat out.txt; exit 3"],
      cwd: root,
    });
    expect(result).toMatchObject({ exitCode: 3, killed: null, sandboxed: true, truncated: false });
    expect(result.output).toBe("hello\n");
    expect(await readFile(path.join(root, "out.txt"), "utf8")).toBe("hello\n");
  });

  it("keeps node and npm working, with a writable HOME and npm cache", async () => {
    const result = await runner().run({
      argv: [
        "sh",
        "-c",
        'node -e "console.log(process.version)" && npm --version && touch "$HOME/x" && echo "$npm_config_cache"',
      ],
      cwd: root,
    });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain(process.version);
  });

  it("kills a command that loops forever at the timeout", async () => {
    const result = await runner().run({
      argv: ["sh", "-c", "while :; do :; done"],
      cwd: root,
      timeoutMs: 1000,
    });
    expect(result.killed).toBe("timeout");
    expect(result.exitCode).not.toBe(0);
    expect(result.durationMs).toBeGreaterThanOrEqual(1000);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it("gives no network unless asked for", async () => {
    const server = net.createServer((socket) => socket.end("pong\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const connect = `require("net").connect(${port}, "127.0.0.1").on("data", d => { process.stdout.write(d); process.exit(0) }).on("error", e => { console.log(e.code); process.exit(7) })`;
    try {
      const offline = await runner().run({ argv: ["node", "-e", connect], cwd: root });
      expect(offline.exitCode, offline.output).toBe(7);
      expect(offline.output).toMatch(/ECONNREFUSED|ENETUNREACH/);
      const online = await runner().run({
        argv: ["node", "-e", connect],
        cwd: root,
        network: true,
      });
      expect(online.exitCode, online.output).toBe(0);
      expect(online.output).toBe("pong\n");
    } finally {
      server.close();
    }
  });

  it("cannot write outside the workspace", async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), "sandbox-outside-"));
    const homeFile = path.join(os.homedir(), `patchsmith-escape-${process.pid}`);
    try {
      const result = await runner().run({
        argv: [
          "sh",
          "-c",
          `echo x > ${outside}/escaped; echo x > ${homeFile}; echo x > /etc/patchsmith-escape; echo done`,
        ],
        cwd: root,
      });
      expect(result.output).toMatch(/Read-only file system|No such file|Permission denied/);
      expect(existsSync(path.join(outside, "escaped"))).toBe(false);
      expect(existsSync(homeFile)).toBe(false);
      expect(existsSync("/etc/patchsmith-escape")).toBe(false);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  const countProcesses = (marker: string) =>
    readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(marker);
        } catch {
          return false;
        }
      }).length;

  it("contains a fork bomb", async () => {
    const marker = `patchsmith-bomb-${process.pid}`;
    const started = Date.now();
    const result = await runner().run({
      argv: ["sh", "-c", "bomb() { bomb | bomb & }; bomb; sleep 30", marker],
      cwd: root,
      timeoutMs: 4000,
    });
    expect(result.killed).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(countProcesses(marker)).toBe(0);
    const after = await runner().run({
      argv: ["sh", "-c", "for i in 1 2 3 4 5; do true & done; wait; echo ok"],
      cwd: root,
    });
    expect(after.output).toContain("ok");
  });

  it("caps the number of processes and leaves none behind", async () => {
    const seconds = `3${process.pid % 10}.${process.pid % 97}`;
    const result = await runner().run({
      argv: [
        "sh",
        "-c",
        `i=0; while [ $i -lt 1000 ]; do sleep ${seconds} & i=$((i+1)); echo "started $i"; done; wait`,
      ],
      cwd: root,
      timeoutMs: 5000,
    });
    const started = Math.max(
      ...[...result.output.matchAll(/started (\d+)/g)].map((m) => Number(m[1])),
    );
    expect(started).toBeGreaterThan(10);
    expect(started).toBeLessThanOrEqual(64);
    expect(result.killed).toBe("resources");
    expect(countProcesses(`sleep\u0000${seconds}`)).toBe(0);
  });

  it("caps memory: an allocation beyond the limit fails", async () => {
    const limited = createSandboxRunner({
      root,
      mode: "required",
      limits: { dataBytes: 512 * 1024 ** 2 },
    });
    const allocate = (mb: number) =>
      `const a = []; for (let i = 0; i < ${mb / 64}; i++) a.push(Buffer.alloc(64 * 1024 * 1024, 1)); console.log("allocated")`;
    const small = await limited.run({ argv: ["node", "-e", allocate(128)], cwd: root });
    expect(small.output).toContain("allocated");
    const large = await limited.run({ argv: ["node", "-e", allocate(2048)], cwd: root });
    expect(large.exitCode).not.toBe(0);
    expect(large.output).not.toContain("allocated");
  });

  it.skipIf(!memoryCgroup)(
    "caps the memory of all the command's processes together (cgroup)",
    async () => {
      // Four processes of 200 MiB each stay under a per-process cap but not under a 512 MiB total.
      const limited = createSandboxRunner({
        root,
        mode: "required",
        limits: { memoryBytes: 512 * 1024 ** 2 },
      });
      const hog = `node -e "const a = []; for (let i = 0; i < 20; i++) a.push(Buffer.alloc(10 * 1024 * 1024, 1)); setTimeout(() => console.log('held'), 1500)"`;
      const result = await limited.run({
        argv: ["sh", "-c", `for i in 1 2 3 4; do ${hog} & done; wait`],
        cwd: root,
        timeoutMs: 20_000,
      });
      if (
        !existsSync("/sys/fs/cgroup/memory/cgroup.procs") &&
        !existsSync("/sys/fs/cgroup/memory.max")
      )
        return;
      expect([...result.output.matchAll(/held/g)].length).toBeLessThan(4);
      expect(result.killed).toBe("resources");
    },
  );

  it("clears the environment: no credential of patchsmith reaches the command", async () => {
    process.env.PATCHSMITH_TEST_SECRET = "ghp_notforthesandbox";
    try {
      const result = await runner().run({ argv: ["env"], cwd: root, env: { GIVEN: "yes" } });
      expect(result.output).not.toContain("ghp_notforthesandbox");
      expect(result.output).toContain("GIVEN=yes");
      expect(result.output).toContain("PATH=");
    } finally {
      delete process.env.PATCHSMITH_TEST_SECRET;
    }
  });

  it("hides patchsmith's secret files, such as its private key, from the command", async () => {
    const secretDir = await mkdtemp(path.join(process.cwd(), ".sandbox-secret-"));
    const key = path.join(secretDir, "app.pem");
    await writeFile(key, "-----BEGIN RSA PRIVATE KEY-----\nsecret\n");
    try {
      const hidden = createSandboxRunner({ root, mode: "required", hiddenFiles: [key] });
      const result = await hidden.run({ argv: ["cat", key], cwd: root });
      expect(result.output).not.toContain("PRIVATE KEY");
      const visible = await runner().run({ argv: ["cat", key], cwd: root });
      expect(visible.output).toContain("PRIVATE KEY");
    } finally {
      await rm(secretDir, { recursive: true, force: true });
    }
  });

  it("keeps the private /tmp private", async () => {
    await writeFile(path.join(os.tmpdir(), `sandbox-host-${process.pid}`), "host");
    try {
      const result = await runner().run({
        argv: ["sh", "-c", `cat /tmp/sandbox-host-${process.pid}`],
        cwd: root,
      });
      expect(result.exitCode).not.toBe(0);
    } finally {
      await rm(path.join(os.tmpdir(), `sandbox-host-${process.pid}`), { force: true });
    }
  });
});

describe("runner without bubblewrap", () => {
  it("mode required refuses to run and says how to fix it", async () => {
    const runner = createSandboxRunner({ root, mode: "required", bwrapPath: "/nonexistent/bwrap" });
    const error = await runner.run({ argv: ["true"], cwd: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchsmithError);
    expect((error as PatchsmithError).userMessage).toMatch(/install.*bubblewrap|SANDBOX=auto/i);
  });

  it("mode auto warns once, clearly, and still applies the timeout", async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn(_obj, msg) {
        warnings.push(String(msg));
      },
      error() {},
      child() {
        return logger;
      },
    };
    const runner = createSandboxRunner({
      root,
      mode: "auto",
      logger,
      bwrapPath: "/nonexistent/bwrap2",
    });
    const first = await runner.run({ argv: ["sh", "-c", "sleep 20"], cwd: root, timeoutMs: 500 });
    const second = await runner.run({ argv: ["sh", "-c", "echo ok"], cwd: root });
    expect(first).toMatchObject({ killed: "timeout", sandboxed: false });
    expect(second).toMatchObject({ exitCode: 0, output: "ok\n", sandboxed: false });
    expect(warnings.filter((w) => /bubblewrap/.test(w))).toHaveLength(1);
  });

  it("mode off never sandboxes and caps the output, keeping head and tail", async () => {
    const runner = createSandboxRunner({ root, mode: "off" });
    const result = await runner.run({
      argv: [
        "sh",
        "-c",
        "echo START; i=0; while [ $i -lt 5000 ]; do echo line$i; i=$((i+1)); done; echo END",
      ],
      cwd: root,
      outputLimitBytes: 1000,
    });
    expect(result.sandboxed).toBe(false);
    expect(result.truncated).toBe(true);
    expect(result.output.startsWith("START\n")).toBe(true);
    expect(result.output.endsWith("END\n")).toBe(true);
    expect(result.output).toMatch(/bytes of output omitted/);
    expect(result.output.length).toBeLessThan(1200);
  });

  it("an aborted signal kills the command and its children at once (/cancel)", async () => {
    const runner = createSandboxRunner({ root, mode: "off" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const result = await runner.run({
      argv: ["sh", "-c", "sleep 30 & sleep 30; echo never"],
      cwd: root,
      signal: controller.signal,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.killed).toBe("cancelled");
    expect(result.output).not.toContain("never");
  });

  it("refuses a working directory outside the workspace", async () => {
    const runner = createSandboxRunner({ root, mode: "off" });
    await expect(runner.run({ argv: ["true"], cwd: "/" })).rejects.toBeInstanceOf(PathSafetyError);
  });
});

describe.skipIf(!probe.hardened)("hardened bubblewrap", () => {
  it("leaves the command no capabilities, no nested namespaces and a read-only /proc/sys", async () => {
    const runner = createSandboxRunner({ root, mode: "required" });
    const result = await runner.run({
      argv: [
        "sh",
        "-c",
        "grep CapEff /proc/self/status; echo 1 > /proc/sys/vm/drop_caches || echo sysctl-refused; unshare -U true || echo userns-refused",
      ],
      cwd: root,
    });
    expect(result.output).toMatch(/CapEff:\s+0+\n/);
    expect(result.output).toContain("sysctl-refused");
    expect(result.output).toContain("userns-refused");
  });
});
