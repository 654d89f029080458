import { describe, expect, it } from "vitest";
import { toJob } from "../../../src/triggers/index.js";

describe("toJob", () => {
  it("maps a comment trigger with every field", () => {
    expect(
      toJob({
        deliveryId: "d-1",
        repo: { owner: "acme", name: "widgets" },
        installationId: 42,
        number: 7,
        actor: "alice",
        kind: "comment",
        commentId: 900,
        at: "2026-01-01T00:00:00.000Z",
        mode: "tests",
        instructions: "cover the parser",
      }),
    ).toEqual({
      id: "acme/widgets#7@d-1",
      kind: "issue",
      repo: { owner: "acme", name: "widgets" },
      installationId: 42,
      number: 7,
      trigger: {
        deliveryId: "d-1",
        actor: "alice",
        kind: "comment",
        commentId: 900,
        at: "2026-01-01T00:00:00.000Z",
      },
      mode: "tests",
      instructions: "cover the parser",
    });
  });

  it("leaves optional fields out rather than undefined", () => {
    const job = toJob({
      deliveryId: "d-2",
      repo: { owner: "acme", name: "widgets" },
      number: 7,
      actor: "alice",
      kind: "label",
      at: "2026-01-01T00:00:00.000Z",
      mode: "implement",
    });
    expect(Object.keys(job).sort()).toEqual(["id", "kind", "mode", "number", "repo", "trigger"]);
    expect(Object.keys(job.trigger).sort()).toEqual(["actor", "at", "deliveryId", "kind"]);
  });
});
