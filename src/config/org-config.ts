/**
 * Where a repository's configuration comes from, and the one rule for merging it: the
 * organization's defaults live in its `.github` repository at .github/patchsmith.yml, and
 * the repository's own .github/patchsmith.yml goes on top. The receiver reads both from
 * the default branch through the Contents API; the worker reads the repository's file
 * from the commit it checked out (the code it works on) and the organization's the same
 * way the receiver does. Both call loadRepoConfig, so they agree on the result.
 */
import type { Logger, RepoRef } from "../core/index.js";
import { ConfigError, PatchsmithError } from "../core/index.js";
import { mergeUnder, readConfigLayer } from "./config-layer.js";
import {
  defaultRepoConfig,
  loadRepoConfig,
  REPO_CONFIG_PATH,
  type RepoConfig,
} from "./repo-config.js";

/** The repository that holds an organization's (or user's) shared defaults. */
export const ORG_CONFIG_REPO = ".github";

/** Reads a file from a repository's default branch; undefined when there is none. */
export type ReadRepoFile = (repo: RepoRef, path: string) => Promise<string | undefined>;

export function orgConfigRepo(repo: RepoRef): RepoRef {
  return { owner: repo.owner, name: ORG_CONFIG_REPO };
}

export async function readOrgConfigText(
  readFile: ReadRepoFile,
  repo: RepoRef,
): Promise<{ text: string | undefined; source: string } | undefined> {
  // The `.github` repository's own file is its repository config, not a second layer.
  if (repo.name === ORG_CONFIG_REPO) return undefined;
  let text: string | undefined;
  try {
    text = await readFile(orgConfigRepo(repo), REPO_CONFIG_PATH);
  } catch (error) {
    // A token that cannot see the organization's repository (an Action's GITHUB_TOKEN, an
    // installation on some repositories only) means no shared defaults, not a failed run.
    if (error instanceof PatchsmithError && error.isRetryable) throw error;
    return undefined;
  }
  return text === undefined
    ? undefined
    : { text, source: `${repo.owner}/${ORG_CONFIG_REPO}: ${REPO_CONFIG_PATH}` };
}

/** The merged configuration of a repository, both files read from their default branches. */
export async function fetchRepoConfig(readFile: ReadRepoFile, repo: RepoRef): Promise<RepoConfig> {
  const [organization, repoText] = await Promise.all([
    readOrgConfigText(readFile, repo),
    readFile(repo, REPO_CONFIG_PATH),
  ]);
  return loadRepoConfig({
    repo: { text: repoText, source: REPO_CONFIG_PATH },
    ...(organization ? { organization } : {}),
  });
}

/**
 * For the receiver, which must decide on a webhook even when the file is broken: the
 * defaults, keeping the trigger label when the files name one. The worker reports the
 * problems in the status comment when the run starts.
 */
export async function fetchRepoConfigLenient(
  readFile: ReadRepoFile,
  repo: RepoRef,
  logger?: Logger,
): Promise<RepoConfig> {
  try {
    return await fetchRepoConfig(readFile, repo);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger?.warn(
      { problems: error.problems },
      "repository configuration is invalid; using defaults",
    );
    const defaults = defaultRepoConfig();
    const label = await rawTriggerLabel(readFile, repo);
    return label ? { ...defaults, trigger: { ...defaults.trigger, label } } : defaults;
  }
}

async function rawTriggerLabel(readFile: ReadRepoFile, repo: RepoRef): Promise<string | undefined> {
  const organization = await readOrgConfigText(readFile, repo);
  const own = await readFile(repo, REPO_CONFIG_PATH);
  const merged = mergeUnder(
    readConfigLayer(organization?.text, "organization").value,
    readConfigLayer(own, "repository").value,
  );
  const label = (merged.trigger as { label?: unknown } | undefined)?.label;
  return typeof label === "string" && label.trim() !== "" && label.length <= 50 ? label : undefined;
}
