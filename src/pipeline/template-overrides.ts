/**
 * A repository's overrides of patchsmith's templates: `.github/patchsmith/templates/`,
 * laid out like templates/ (github/pr-body.md, prompts/plan.md), or flat (pr-body.md)
 * when the name is unambiguous. The text is the maintainers' own, so it may change the
 * prompts; its size is capped so it cannot crowd out the context.
 */
import type { Checkout, Logger } from "../core/index.js";
import { builtInTemplate } from "../core/index.js";

export const TEMPLATE_OVERRIDE_DIR = ".github/patchsmith/templates/";
export const MAX_OVERRIDE_CHARS = 32_000;

export async function readTemplateOverrides(
  checkout: Checkout,
  logger: Logger,
): Promise<Map<string, string>> {
  const overrides = new Map<string, string>();
  const files = (await checkout.listFiles()).filter(
    (f) => f.startsWith(TEMPLATE_OVERRIDE_DIR) && f.endsWith(".md"),
  );
  for (const file of files) {
    const name = await builtInName(file.slice(TEMPLATE_OVERRIDE_DIR.length));
    if (!name) {
      logger.warn({ file }, "template override names no built-in template; ignored");
      continue;
    }
    const text = await checkout.readFile(file);
    if (text.length > MAX_OVERRIDE_CHARS) {
      logger.warn({ file, chars: text.length }, "template override too large; ignored");
      continue;
    }
    overrides.set(name, text);
  }
  return overrides;
}

const FOLDERS = ["github/", "prompts/", "prompts/modes/"];

async function builtInName(relative: string): Promise<string | undefined> {
  const candidates = relative.includes("/") ? [relative] : FOLDERS.map((f) => `${f}${relative}`);
  const found: string[] = [];
  for (const candidate of candidates) {
    if (
      await builtInTemplate(candidate).then(
        () => true,
        () => false,
      )
    )
      found.push(candidate);
  }
  return found.length === 1 ? found[0] : undefined;
}
