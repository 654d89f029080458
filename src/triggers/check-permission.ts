/**
 * Who may start a run: people with write, maintain or admin permission on the repository,
 * as GitHub's collaborator-permission API reports it. `author_association` is not enough:
 * it says nothing about permission (an org MEMBER may be read-only on this repository).
 */
import type { GitHub, Permission, RepoRef } from "../core/index.js";

export const TRIGGER_PERMISSIONS: readonly Permission[] = ["write", "maintain", "admin"];

export type PermissionCheck =
  | { allowed: true; permission: Permission }
  | { allowed: false; permission: Permission; reason: string };

export async function checkPermission(
  github: Pick<GitHub, "getPermission">,
  repo: RepoRef,
  user: string,
): Promise<PermissionCheck> {
  const permission = await github.getPermission(repo, user);
  if (TRIGGER_PERMISSIONS.includes(permission)) return { allowed: true, permission };
  const reason =
    permission === "none"
      ? `@${user} is not a collaborator of ${repo.owner}/${repo.name}`
      : `@${user} has ${permission} permission on ${repo.owner}/${repo.name}; write, maintain or admin is needed`;
  return { allowed: false, permission, reason };
}
