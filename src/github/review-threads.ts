/** Review threads exist only in GitHub's GraphQL API (REST has no thread or resolution). */
import type { RepoRef, ReviewThread } from "../core/index.js";
import type { OctokitLike } from "./octokit-like.js";

const THREADS_QUERY = `
query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 50, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          isResolved
          path
          line
          comments(first: 100) {
            nodes { databaseId author { login } body path line createdAt }
          }
        }
      }
    }
  }
}`;

const RESOLVE_MUTATION = `
mutation($threadId: ID!) {
  resolveReviewThread(input: { threadId: $threadId }) { thread { id isResolved } }
}`;

interface ThreadsPage {
  repository: {
    pullRequest: {
      reviewThreads: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: {
          id: string;
          isResolved: boolean;
          path: string | null;
          line: number | null;
          comments: {
            nodes: {
              databaseId: number;
              author: { login: string } | null;
              body: string;
              path: string | null;
              line: number | null;
              createdAt: string;
            }[];
          };
        }[];
      };
    } | null;
  } | null;
}

export async function listReviewThreads(
  octokit: OctokitLike,
  repo: RepoRef,
  pullNumber: number,
): Promise<ReviewThread[]> {
  const threads: ReviewThread[] = [];
  let after: string | null = null;
  for (;;) {
    const page = (await octokit.graphql(THREADS_QUERY, {
      owner: repo.owner,
      name: repo.name,
      number: pullNumber,
      after,
    })) as ThreadsPage;
    const connection = page.repository?.pullRequest?.reviewThreads;
    if (!connection) return threads;
    for (const node of connection.nodes) {
      const thread: ReviewThread = {
        id: node.id,
        isResolved: node.isResolved,
        comments: node.comments.nodes.map((c) => {
          const comment: ReviewThread["comments"][number] = {
            id: c.databaseId,
            author: c.author?.login ?? "ghost",
            body: c.body,
            createdAt: c.createdAt,
          };
          if (c.path) comment.path = c.path;
          if (c.line !== null) comment.line = c.line;
          return comment;
        }),
      };
      if (node.path) thread.path = node.path;
      if (node.line !== null) thread.line = node.line;
      threads.push(thread);
    }
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return threads;
    after = connection.pageInfo.endCursor;
  }
}

export async function resolveReviewThread(octokit: OctokitLike, threadId: string): Promise<void> {
  await octokit.graphql(RESOLVE_MUTATION, { threadId });
}
