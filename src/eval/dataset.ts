/**
 * A benchmark dataset: one JSON object a line. The shape follows SWE-bench's fields where
 * they exist (instance id, repository, base commit, problem statement), plus the test
 * command that decides whether an instance is resolved (FAIL_TO_PASS: it fails at the
 * base commit and must pass after the change).
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";

const instanceSchema = z
  .object({
    id: z.string().min(1),
    /** A git repository under --repos (a directory name or a relative path). */
    repo: z.string().min(1),
    baseCommit: z.string().min(1),
    issue: z.object({ title: z.string().min(1), body: z.string().default("") }).optional(),
    /** SWE-bench style: the whole issue text; its first line becomes the title. */
    problemStatement: z.string().min(1).optional(),
    testCommand: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    testTimeoutSeconds: z.number().int().positive().max(7200).default(600),
  })
  .refine((i) => i.issue !== undefined || i.problemStatement !== undefined, {
    message: "give either issue {title, body} or problemStatement",
  });

export type EvalInstance = z.infer<typeof instanceSchema> & {
  issue: { title: string; body: string };
};

export function parseDataset(text: string, source = "dataset"): EvalInstance[] {
  const problems: string[] = [];
  const instances: EvalInstance[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      problems.push(`line ${index + 1}: not valid JSON`);
      return;
    }
    const result = instanceSchema.safeParse(json);
    if (!result.success) {
      for (const issue of result.error.issues)
        problems.push(`line ${index + 1}: ${issue.path.join(".") || "instance"}: ${issue.message}`);
      return;
    }
    const value = result.data;
    const [title = value.id, ...rest] = (value.problemStatement ?? "").split("\n");
    instances.push({
      ...value,
      issue: value.issue ?? { title: title.trim() || value.id, body: rest.join("\n").trim() },
    });
  });
  if (problems.length > 0) throw new Error(`${source}:\n  ${problems.join("\n  ")}`);
  if (instances.length === 0) throw new Error(`${source}: no instances`);
  const seen = new Set<string>();
  for (const instance of instances) {
    if (seen.has(instance.id))
      throw new Error(`${source}: instance id ${instance.id} appears twice`);
    seen.add(instance.id);
  }
  return instances;
}

export async function readDataset(file: string): Promise<EvalInstance[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new Error(`cannot read the dataset ${file}: give a JSONL file, one instance a line`);
  }
  return parseDataset(text, file);
}
