/**
 * The part of an Octokit instance the adapter uses. Both Probot's `context.octokit` /
 * `app.auth()` and `new Octokit()` from @octokit/rest fit, whatever @octokit/types
 * version each one bundles, because only routes and plain parameters cross this line.
 */
export interface OctokitResponseLike {
  status: number;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

export interface OctokitLike {
  request(route: string, parameters?: Record<string, unknown>): Promise<OctokitResponseLike>;
  graphql(query: string, parameters?: Record<string, unknown>): Promise<unknown>;
}
