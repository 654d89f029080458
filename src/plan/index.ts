export { createPlan, type CreatePlanInput } from "./create-plan.js";
export { planSchema, planTool, parsePlan, PLAN_TOOL_NAME, type ParsedPlan } from "./plan-schema.js";
