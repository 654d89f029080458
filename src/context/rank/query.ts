/**
 * The part of an issue worth matching words against. Issue templates, environment dumps
 * (`pip list`, `conda list`, version tables) and quoted checklists add hundreds of rare words
 * that match random files, so the lexical query leaves them out; mentions still see the raw text.
 */

/** `numpy   1.19.2`, `pytest==6.0.0`, `- pluggy: 0.13.1`: one package and its version per line. */
const VERSION_LINE = /^\s*[-*]?\s*[\w.\-[\]]+\s*(==|:|\s)\s*v?\d+(\.\d+)+\S*\s*(\S+\s*)?$/;
const TEMPLATE_COMMENT = /<!--[\s\S]*?-->/g;
const CHECKLIST_LINE = /^\s*[-*] \[[ xX]\] /;
const RULE_LINE = /^[\s=\-_*#~+|]{4,}$/;

export function lexicalQuery(query: string): string {
  return query
    .replace(TEMPLATE_COMMENT, " ")
    .split("\n")
    .filter((line) => !VERSION_LINE.test(line) && !CHECKLIST_LINE.test(line) && !RULE_LINE.test(line))
    .join("\n");
}
