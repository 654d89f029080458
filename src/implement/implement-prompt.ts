/** The prompts of the edit loop, rendered from templates/prompts. */
import {
  render,
  type Checkout,
  type ContextPack,
  type Issue,
  type Mode,
  type Plan,
} from "../core/index.js";

const MAX_DIFF_CHARS = 20_000;

export async function renderIssue(issue: Issue, instructions: string | undefined): Promise<string> {
  return render("prompts/issue.md", {
    issue,
    comments: issue.comments.filter((comment) => !comment.isBot && comment.body.trim() !== ""),
    instructions: instructions?.trim() ?? "",
  });
}

export async function renderSystem(mode: Mode, maxTurns: number): Promise<string> {
  const modeAsk = await render(`prompts/modes/${mode}.md`, {});
  return render("prompts/implement.md", { modeAsk, maxTurns });
}

export async function renderTask(input: {
  issue: Issue;
  plan: Plan;
  context: ContextPack;
  mode: Mode;
  instructions?: string;
}): Promise<string> {
  return render("prompts/implement-task.md", {
    modeName: input.mode,
    issueText: await renderIssue(input.issue, input.instructions),
    plan: input.plan,
    hasRisks: input.plan.risks.length > 0,
    context: input.context.text,
  });
}

/** A repair or review round: what is already changed, and what to fix. */
export async function renderRepair(checkout: Checkout, feedback: string): Promise<string> {
  const changedFiles = await checkout.changedFiles();
  let diff = changedFiles.length > 0 ? await checkout.diff() : "";
  const diffTruncated = diff.length > MAX_DIFF_CHARS;
  if (diffTruncated) diff = diff.slice(0, MAX_DIFF_CHARS);
  return render("prompts/repair.md", {
    feedback: feedback.trim(),
    changedFiles,
    hasChanges: changedFiles.length > 0,
    diff: diff.trim(),
    diffTruncated,
  });
}

export async function renderLastTurn(): Promise<string> {
  return render("prompts/implement-last-turn.md", {});
}
