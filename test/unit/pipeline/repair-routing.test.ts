import { describe, expect, it } from "vitest";
import { afterGate, issueForModel } from "../../../src/pipeline/index.js";

describe("afterGate", () => {
  it("publishes when the gate passes", () => {
    expect(afterGate({ passed: true, repairsDone: 0, maxRepairRounds: 3 })).toBe("publish");
  });
  it("repairs while rounds remain, then publishes a draft", () => {
    expect(afterGate({ passed: false, repairsDone: 0, maxRepairRounds: 2 })).toBe("repair");
    expect(afterGate({ passed: false, repairsDone: 1, maxRepairRounds: 2 })).toBe("repair");
    expect(afterGate({ passed: false, repairsDone: 2, maxRepairRounds: 2 })).toBe("publish-draft");
    expect(afterGate({ passed: false, repairsDone: 0, maxRepairRounds: 0 })).toBe("publish-draft");
  });
});

describe("issueForModel", () => {
  it("drops bot comments and comments edited after the trigger", () => {
    const issue = issueForModel(
      {
        number: 1,
        title: "T",
        body: "B<!-- hidden -->",
        comments: [
          { id: 1, author: "a", body: "before", createdAt: "2026-01-01T00:00:00Z" },
          { id: 2, author: "b", body: "after", createdAt: "2026-01-03T00:00:00Z" },
          {
            id: 3,
            author: "c",
            body: "edited later",
            createdAt: "2026-01-01T00:00:00Z",
            updatedAt: "2026-01-03T00:00:00Z",
          },
          {
            id: 4,
            author: "bot[bot]",
            body: "bot",
            createdAt: "2026-01-01T00:00:00Z",
            isBot: true,
          },
        ],
      },
      "2026-01-02T00:00:00Z",
    );
    expect(issue.body).toBe("B");
    expect(issue.comments.map((c) => c.body)).toEqual(["before"]);
  });
});
