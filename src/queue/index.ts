export { createInProcessQueue, type InProcessQueueOptions } from "./in-process.js";
