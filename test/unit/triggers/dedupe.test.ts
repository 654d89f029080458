import { describe, expect, it } from "vitest";
import { createDeliveryDedupe, issueKey } from "../../../src/triggers/index.js";

describe("createDeliveryDedupe", () => {
  it("sees an id once within the TTL, and again after it", () => {
    let now = 0;
    const dedupe = createDeliveryDedupe({ ttlMs: 1000, now: () => now });
    expect(dedupe.firstSeen("a")).toBe(true);
    expect(dedupe.firstSeen("a")).toBe(false);
    now = 999;
    expect(dedupe.firstSeen("a")).toBe(false);
    now = 1000;
    expect(dedupe.firstSeen("a")).toBe(true);
  });

  it("stays bounded, dropping the oldest ids first", () => {
    const dedupe = createDeliveryDedupe({ maxEntries: 3 });
    for (const id of ["a", "b", "c", "d"]) expect(dedupe.firstSeen(id)).toBe(true);
    expect(dedupe.size).toBe(3);
    expect(dedupe.firstSeen("d")).toBe(false);
    expect(dedupe.firstSeen("b")).toBe(false);
    expect(dedupe.firstSeen("a")).toBe(true);
  });

  it("drops expired ids even below the size bound", () => {
    let now = 0;
    const dedupe = createDeliveryDedupe({ ttlMs: 10, now: () => now });
    dedupe.firstSeen("a");
    dedupe.firstSeen("b");
    now = 20;
    dedupe.firstSeen("c");
    expect(dedupe.size).toBe(1);
  });

  it("forgets an id so a redelivery is processed", () => {
    const dedupe = createDeliveryDedupe();
    dedupe.firstSeen("a");
    dedupe.forget("a");
    expect(dedupe.firstSeen("a")).toBe(true);
  });
});

describe("issueKey", () => {
  it("is owner/name#number, case-insensitive like GitHub names", () => {
    expect(issueKey({ owner: "Acme", name: "Widgets" }, 7)).toBe("acme/widgets#7");
  });
});
