/**
 * The Workspace port: a checkout of a repository at a ref, with file access kept
 * inside it, commands run through the sandbox, and git commit/push.
 */
import type { CommandRunner } from "./command-runner.js";
import type { RepoRef } from "./types.js";

export interface SearchHit {
  path: string;
  line: number;
  text: string;
}

export interface CommitInfo {
  sha: string;
  /** The whole message, trailers included. */
  message: string;
  authorName: string;
}

export interface Checkout {
  /** Absolute path of the working tree. */
  readonly dir: string;
  /** The commit the checkout started from. */
  readonly baseSha: string;
  /** The branch checked out or created for the work. */
  readonly branch: string;
  readonly runner: CommandRunner;
  readFile(path: string): Promise<string>;
  writeFile(path: string, content: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  listFiles(): Promise<string[]>;
  search(pattern: string, options?: { maxResults?: number }): Promise<SearchHit[]>;
  /** Paths changed against baseSha, including untracked files. */
  changedFiles(): Promise<string[]>;
  diff(): Promise<string>;
  /** Puts paths back as they are at baseSha (deleting those that did not exist there). */
  discardChanges(paths: string[]): Promise<void>;
  /** Commits all changes; returns the new SHA, or undefined when nothing changed. */
  commit(message: string, author: { name: string; email: string }): Promise<string | undefined>;
  /**
   * Pushes HEAD to the branch, fast-forward only unless `force`. With `mergeIfMoved`, a push
   * refused because the branch moved meanwhile fetches it, merges it in when that is clean
   * (a merge commit by `mergeIfMoved.author`), and pushes again; a conflict stops with the files.
   * `token` replaces the one given to prepare (a push needs write access, a clone only read).
   */
  push(options?: {
    force?: boolean;
    token?: string;
    mergeIfMoved?: { author: { name: string; email: string }; message: string };
  }): Promise<void>;
  headSha(): Promise<string>;
  /** The newest commits of the branch, first parents only, newest first. */
  recentCommits(max: number): Promise<CommitInfo[]>;
  /**
   * One commit that reverts `shas` (newest first) together; returns its SHA. Throws when
   * they do not revert cleanly, leaving the working tree as it was.
   */
  revertCommits(
    shas: string[],
    message: string,
    author: { name: string; email: string },
  ): Promise<string>;
  dispose(): Promise<void>;
}

export interface PrepareInput {
  repo: RepoRef;
  /** Base branch or SHA to start from. */
  baseRef: string;
  /** Branch to create (issue jobs) or to check out (feedback jobs). */
  branch: string;
  /**
   * When true the branch must already exist on the remote; it is checked out as it is now
   * and baseSha is its head (so changedFiles is what this job changed, not the whole branch).
   */
  existingBranch?: boolean;
  /**
   * With existingBranch: merge baseRef into the branch first when it is behind and the merge
   * is clean; a conflict fails prepare with the conflicting files. The merge commit is made
   * by `author` with `message`.
   */
  mergeBase?: { author: { name: string; email: string }; message: string };
  token?: string;
}

export interface Workspace {
  prepare(input: PrepareInput): Promise<Checkout>;
}
