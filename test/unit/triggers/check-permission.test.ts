import { describe, expect, it } from "vitest";
import type { Permission } from "../../../src/core/index.js";
import { checkPermission } from "../../../src/triggers/index.js";

const repo = { owner: "acme", name: "widgets" };
const portWith = (permission: Permission) => {
  const asked: string[] = [];
  return {
    asked,
    port: {
      async getPermission(_repo: typeof repo, user: string) {
        asked.push(user);
        return permission;
      },
    },
  };
};

describe("checkPermission", () => {
  it.each(["write", "maintain", "admin"] as const)("allows %s", async (permission) => {
    const { port, asked } = portWith(permission);
    expect(await checkPermission(port, repo, "alice")).toEqual({ allowed: true, permission });
    expect(asked).toEqual(["alice"]);
  });

  it.each(["triage", "read"] as const)("refuses %s, naming what is needed", async (permission) => {
    const { port } = portWith(permission);
    const result = await checkPermission(port, repo, "bob");
    expect(result).toMatchObject({ allowed: false, permission });
    expect(result.allowed === false && result.reason).toBe(
      `@bob has ${permission} permission on acme/widgets; write, maintain or admin is needed`,
    );
  });

  it("refuses a non-collaborator", async () => {
    const result = await checkPermission(portWith("none").port, repo, "eve");
    expect(result).toEqual({
      allowed: false,
      permission: "none",
      reason: "@eve is not a collaborator of acme/widgets",
    });
  });
});
