// Regenerates docs/config.schema.json and docs/configuration.md from the zod schema
// (run through `npm run docs:config`, which builds first).
import { writeFileSync } from "node:fs";
import { configJsonSchema, configReferenceMarkdown } from "../dist/config/index.js";

writeFileSync("docs/config.schema.json", `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
writeFileSync("docs/configuration.md", configReferenceMarkdown());
console.log("wrote docs/config.schema.json and docs/configuration.md");
