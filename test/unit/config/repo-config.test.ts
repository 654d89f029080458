import { describe, expect, it } from "vitest";
import {
  defaultRepoConfig,
  fetchRepoConfig,
  loadRepoConfig,
  parseRepoConfig,
} from "../../../src/config/index.js";
import { ConfigError, RemoteError } from "../../../src/core/index.js";

describe("parseRepoConfig", () => {
  it("gives the defaults for a missing or empty file", () => {
    expect(parseRepoConfig(undefined)).toEqual(defaultRepoConfig());
    expect(parseRepoConfig("\n")).toEqual(defaultRepoConfig());
    expect(defaultRepoConfig().gate.repairRounds).toBe(3);
  });

  it("reads values and keeps defaults for the rest", () => {
    const config = parseRepoConfig(
      "gate:\n  repairRounds: 1\ncommands:\n  test: npm run test:unit\n",
    );
    expect(config.gate.repairRounds).toBe(1);
    expect(config.gate.timeoutSeconds).toBe(900);
    expect(config.commands.test).toBe("npm run test:unit");
  });

  it("reports every problem at once with its line", () => {
    let error: unknown;
    try {
      parseRepoConfig(
        "label: patchsmith\ngate:\n  repairRounds: -1\npolicy:\n  maxChangedFiles: many\nunknownKey: 1\n",
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/line 3: gate\.repairRounds/);
    expect(problems).toMatch(/line 5: policy\.maxChangedFiles/);
    expect(problems).toMatch(/unknownKey/);
  });

  it("reports YAML syntax errors with the line", () => {
    expect(() => parseRepoConfig("gate:\n  repairRounds: [1\n")).toThrow(/line \d/);
  });
});

describe("repository configuration as users write it", () => {
  const problemsOf = (run: () => unknown): string[] => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error("expected a ConfigError");
  };

  it("accepts snake_case spellings of every key, nested ones too", () => {
    const config = parseRepoConfig(
      [
        "plan_approval: true",
        "pull_request:",
        "  branch_prefix: bots/",
        "gate:",
        "  repair_rounds: 1",
        "  timeout_seconds: 60",
        "budget:",
        "  job_usd: 2.5",
        "trigger:",
        '  allowed_bots: ["renovate[bot]"]',
      ].join("\n"),
    );
    expect(config.planApproval).toBe(true);
    expect(config.pullRequest.branchPrefix).toBe("bots/");
    expect(config.gate).toMatchObject({ repairRounds: 1, timeoutSeconds: 60 });
    expect(config.budget.jobUsd).toBe(2.5);
    expect(config.trigger.allowedBots).toEqual(["renovate[bot]"]);
  });

  it("reports several problems at once, each with its line, the key as written and what to write", () => {
    const problems = problemsOf(() =>
      parseRepoConfig(
        [
          "plan_approval: maybe", // 1
          "gate:", // 2
          "  repair_rounds: 99", // 3
          "trigger:", // 4
          "  modes: [fix]", // 5
          "commands:", // 6
          "  test: 5", // 7
        ].join("\n"),
      ),
    );
    expect(problems).toEqual([
      'line 1: plan_approval: must be true or false, found the text "maybe"',
      "line 3: gate.repair_rounds: must be at most 10, found the number 99",
      'line 5: trigger.modes[0]: must be one of "implement", "tests", "refactor", "docs", found the text "fix"',
      "line 7: commands.test: must be a command as text (run by sh -c) or a list of arguments, found the number 5",
    ]);
  });

  it("flags unknown keys at any depth with the closest known key", () => {
    const problems = problemsOf(() =>
      parseRepoConfig("gate:\n  repairRound: 2\npolicys:\n  x: 1\nzzz: 1\n"),
    );
    expect(problems[0]).toBe(
      'line 2: gate.repairRound: unknown key; did you mean "gate.repairRounds"? Rename it, or remove it',
    );
    expect(problems[1]).toMatch(/^line 3: policys: unknown key; did you mean "policy"\?/);
    expect(problems[2]).toMatch(/^line 5: zzz: unknown key; the keys here are trigger, models,/);
  });

  it("says when a key is set twice in two spellings", () => {
    const problems = problemsOf(() =>
      parseRepoConfig("planApproval: true\nplan_approval: false\n"),
    );
    expect(problems).toEqual([
      "line 2: plan_approval: set twice (also as planApproval on line 1); keep one of them",
    ]);
  });

  it("merges the organization's defaults under the repository's file", () => {
    const config = loadRepoConfig({
      organization: {
        source: "acme/.github: .github/patchsmith.yml",
        text: "plan_approval: true\ngate:\n  repairRounds: 1\n  skip: [lint]\npolicy:\n  protectedPaths: [infra/**]\n",
      },
      repo: { source: ".github/patchsmith.yml", text: "gate:\n  repairRounds: 2\n" },
    });
    expect(config.planApproval).toBe(true);
    expect(config.gate).toMatchObject({ repairRounds: 2, skip: ["lint"], timeoutSeconds: 900 });
    expect(config.policy.protectedPaths).toEqual(["infra/**"]);
  });

  it("names the organization's file for problems found there", () => {
    let error: unknown;
    try {
      loadRepoConfig({
        organization: {
          source: "acme/.github: .github/patchsmith.yml",
          text: "gate:\n  skipp: []\n",
        },
        repo: { source: ".github/patchsmith.yml", text: "planApproval: 3\n" },
      });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      'acme/.github: .github/patchsmith.yml, line 2: gate.skipp: unknown key; did you mean "gate.skip"? Rename it, or remove it',
      "line 1: planApproval: must be true or false, found the number 3",
    ]);
    expect((error as ConfigError).message).toMatch(
      /^acme\/\.github: .* and \.github\/patchsmith\.yml:/,
    );
  });
});

describe("fetchRepoConfig", () => {
  const repo = { owner: "acme", name: "app" };

  it("reads the organization's .github repository under the repository's file", async () => {
    const asked: string[] = [];
    const config = await fetchRepoConfig(async (r, p) => {
      asked.push(`${r.owner}/${r.name}:${p}`);
      return r.name === ".github" ? "plan_approval: true\n" : "gate:\n  repairRounds: 0\n";
    }, repo);
    expect(asked.sort()).toEqual([
      "acme/.github:.github/patchsmith.yml",
      "acme/app:.github/patchsmith.yml",
    ]);
    expect(config.planApproval).toBe(true);
    expect(config.gate.repairRounds).toBe(0);
  });

  it("treats an organization repository it may not read as no defaults, but not a network failure", async () => {
    const refused = new RemoteError("403", { isRetryable: false });
    const config = await fetchRepoConfig(async (r) => {
      if (r.name === ".github") throw refused;
      return undefined;
    }, repo);
    expect(config).toEqual(defaultRepoConfig());
    const flaky = new RemoteError("502", { isRetryable: true });
    await expect(
      fetchRepoConfig(async (r) => {
        if (r.name === ".github") throw flaky;
        return undefined;
      }, repo),
    ).rejects.toBe(flaky);
  });
});
