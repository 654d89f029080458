/** patchsmith's version, from package.json (one source for /healthz, --version and the Action). */
import { readFileSync } from "node:fs";

export const PATCHSMITH_VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;
