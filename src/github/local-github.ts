/**
 * The GitHub port for `patchsmith run`: the issue comes from a file, comments and check
 * runs are printed as progress, and the "pull request" is the local branch plus its body.
 */
import type {
  CheckRunInput,
  GitHub,
  Issue,
  Permission,
  PullRequestInput,
  PullRequestRef,
  RepoRef,
  ReviewThread,
} from "../core/index.js";

export interface LocalGitHubOptions {
  issue: Issue;
  defaultBranch: string;
  /** Where progress goes (stderr in the CLI). */
  progress: (line: string) => void;
}

export interface LocalGitHub extends GitHub {
  readonly comments: Map<number, string>;
  readonly pullRequests: PullRequestRef[];
  readonly checkRuns: CheckRunInput[];
}

/** Reads `# Title` + body Markdown, or JSON `{ "title", "body", "number"? }`. */
export function parseIssueFile(text: string, fileName: string): Issue {
  if (fileName.endsWith(".json")) {
    const data = JSON.parse(text) as { title?: unknown; body?: unknown; number?: unknown };
    if (typeof data.title !== "string" || data.title.trim() === "") {
      throw new Error(
        `${fileName}: a JSON issue file needs a "title" string (and usually a "body")`,
      );
    }
    return {
      number: typeof data.number === "number" ? data.number : 1,
      title: data.title.trim(),
      body: typeof data.body === "string" ? data.body : "",
      comments: [],
    };
  }
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0)
    throw new Error(
      `${fileName} is empty: write the issue title on the first line (e.g. "# Fix the parser"), then the description`,
    );
  const title = lines[first]!.replace(/^#+\s*/, "").trim();
  return {
    number: 1,
    title,
    body: lines
      .slice(first + 1)
      .join("\n")
      .trim(),
    comments: [],
  };
}

export function createLocalGitHub(options: LocalGitHubOptions): LocalGitHub {
  const comments = new Map<number, string>();
  const pullRequests: PullRequestRef[] = [];
  const checkRuns: CheckRunInput[] = [];
  let nextId = 1;
  const headlineOf = (body: string) =>
    body
      .split("\n")
      .find((l) => l.startsWith("### "))
      ?.replace(/^###\s*/, "") ??
    body.split("\n")[0] ??
    "";

  return {
    comments,
    pullRequests,
    checkRuns,
    async getIssue(): Promise<Issue> {
      return options.issue;
    },
    async getDefaultBranch(): Promise<string> {
      return options.defaultBranch;
    },
    async getPermission(): Promise<Permission> {
      return "admin";
    },
    async createComment(_repo: RepoRef, _number: number, body: string) {
      const id = nextId++;
      comments.set(id, body);
      options.progress(headlineOf(body));
      return { id };
    },
    async updateComment(_repo: RepoRef, commentId: number, body: string) {
      const before = comments.get(commentId);
      comments.set(commentId, body);
      if (before === undefined || headlineOf(before) !== headlineOf(body))
        options.progress(headlineOf(body));
    },
    async findComment(_repo: RepoRef, _number: number, marker: string) {
      for (const [id, body] of comments) if (body.includes(marker)) return { id, body };
      return undefined;
    },
    async addReaction() {},
    async findPullRequest(_repo: RepoRef, head: string) {
      return pullRequests.find((p) => p.head === head);
    },
    async createPullRequest(_repo: RepoRef, input: PullRequestInput) {
      const pr: PullRequestRef = {
        number: pullRequests.length + 1,
        url: `branch ${input.head}`,
        ...input,
      };
      pullRequests.push(pr);
      return pr;
    },
    async updatePullRequest(
      _repo: RepoRef,
      number: number,
      input: Partial<Pick<PullRequestInput, "title" | "body">>,
    ) {
      const pr = pullRequests.find((p) => p.number === number);
      if (!pr) throw new Error(`no local pull request #${number}`);
      if (input.body !== undefined) pr.body = input.body;
      return pr;
    },
    async createCheckRun(_repo: RepoRef, input: CheckRunInput) {
      checkRuns.push(input);
    },
    async listReviewThreads(): Promise<ReviewThread[]> {
      return [];
    },
    async replyToReviewComment() {},
    async resolveReviewThread() {},
    async getPullRequest(_repo: RepoRef, number: number) {
      const pr = pullRequests.find((p) => p.number === number);
      if (!pr) throw new Error(`no local pull request #${number}`);
      return { ...pr, headSha: pr.head, author: "local" };
    },
    // Local runs have no reviews or CI: feedback comes from GitHub only.
    async listReviewComments() {
      return [];
    },
    async getReview(): Promise<never> {
      throw new Error("local mode has no reviews");
    },
    async listFailedChecks() {
      return [];
    },
    async getRepositoryToken() {
      return undefined;
    },
  };
}
