export { createPrometheusMetrics, type PrometheusMetrics } from "./prometheus.js";
export { createOpsHandler, type OpsHandlerOptions } from "./ops-handler.js";
