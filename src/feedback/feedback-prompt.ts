import { render } from "../core/index.js";
import type { FeedbackItem } from "./types.js";

/** The feedback as the implement stage's repair round shows it to the model. */
export async function renderFeedback(items: FeedbackItem[]): Promise<string> {
  return render("prompts/feedback.md", { items });
}

/** Failed CI as feedback: each failed check with its annotations and the end of its log. */
export function ciFeedbackText(
  checks: {
    name: string;
    summary: string;
    text: string;
    annotations: { path: string; startLine: number; message: string; title?: string }[];
    log?: string;
  }[],
): string {
  return checks
    .map((check) =>
      [
        `Check "${check.name}" failed.`,
        check.summary.trim(),
        check.text.trim().slice(0, 4_000),
        ...check.annotations.map(
          (a) => `${a.path}:${a.startLine}: ${a.title ? `${a.title}: ` : ""}${a.message}`,
        ),
        check.log ? `End of the job log:\n${check.log}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
    )
    .join("\n\n");
}
