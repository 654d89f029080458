/**
 * Everything patchsmith writes to GitHub (comments, pull request titles and bodies, check
 * runs, review replies) passes through here first, so one redactor sees all of it; and every
 * token the port mints is registered, so it can never be echoed back out.
 */
import type { GitHub, Redactor } from "../core/index.js";

export function withOutboundRedaction(github: GitHub, redactor: Redactor): GitHub {
  const clean = (text: string) => redactor.redact(text);
  return {
    ...github,
    createComment: (repo, number, body) => github.createComment(repo, number, clean(body)),
    updateComment: (repo, id, body) => github.updateComment(repo, id, clean(body)),
    createPullRequest: (repo, input) =>
      github.createPullRequest(repo, {
        ...input,
        title: clean(input.title),
        body: clean(input.body),
      }),
    updatePullRequest: (repo, number, input) =>
      github.updatePullRequest(repo, number, {
        ...(input.title !== undefined ? { title: clean(input.title) } : {}),
        ...(input.body !== undefined ? { body: clean(input.body) } : {}),
      }),
    createCheckRun: (repo, input) =>
      github.createCheckRun(repo, {
        ...input,
        title: clean(input.title),
        summary: clean(input.summary),
        annotations: input.annotations.map((a) => ({
          ...a,
          message: clean(a.message),
          ...(a.title !== undefined ? { title: clean(a.title) } : {}),
        })),
      }),
    replyToReviewComment: (repo, pull, id, body) =>
      github.replyToReviewComment(repo, pull, id, clean(body)),
    getRepositoryToken: async (repo, permissions) => {
      const token = await github.getRepositoryToken(repo, permissions);
      redactor.add([token]);
      return token;
    },
  };
}
