import type { Issue, Mode } from "../core/index.js";

/** `patchsmith/issue-<n>-<slug>`: stable for an issue, so a second run finds the same branch. */
export function branchName(issue: Pick<Issue, "number" | "title">): string {
  const slug = issue.title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return `patchsmith/issue-${issue.number}${slug ? `-${slug}` : ""}`;
}

const PREFIX: Record<Mode, string> = {
  implement: "",
  tests: "Tests: ",
  refactor: "Refactor: ",
  docs: "Docs: ",
};

export function pullRequestTitle(issue: Pick<Issue, "title">, mode: Mode): string {
  const title = issue.title.replace(/\s+/g, " ").trim();
  const clipped = title.length > 100 ? `${title.slice(0, 97)}...` : title;
  return `${PREFIX[mode]}${clipped}`;
}
