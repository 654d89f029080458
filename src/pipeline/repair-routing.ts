/**
 * What follows a gate run. Pure, so the cap is easy to prove: the implement ⇄ gate loop
 * runs at most `maxRepairRounds` repairs, then publishes (as a draft when still failing).
 */
export type AfterGate = "publish" | "repair" | "publish-draft";

export function afterGate(input: {
  passed: boolean;
  repairsDone: number;
  maxRepairRounds: number;
}): AfterGate {
  if (input.passed) return "publish";
  return input.repairsDone < input.maxRepairRounds ? "repair" : "publish-draft";
}
