import { describe, expect, it } from "vitest";
import { reportFeedback, REPORT_TOOL_NAME } from "../../../src/feedback/report-feedback.js";
import { ScriptedModel, toolUse } from "../../fakes/scripted-model.js";

describe("reportFeedback", () => {
  it("gives the model call the job's cancel signal", async () => {
    const model = new ScriptedModel([
      toolUse(REPORT_TOOL_NAME, {
        items: [{ id: 1, addressed: true, reply: "Renamed it." }],
        summary: "Renamed the helper.",
      }),
    ]);
    const cancel = new AbortController();
    const report = await reportFeedback({
      model,
      items: [{ id: 1, kind: "review-comment", author: "octocat", body: "Rename this." }],
      diff: "",
      signal: cancel.signal,
    });
    expect(model.calls[0]!.signal).toBe(cancel.signal);
    expect(report.verdicts[0]).toMatchObject({ addressed: true, reply: "Renamed it." });
  });
});
