/**
 * The part of an issue worth matching words against. Issue templates, environment dumps
 * (`pip list`, `conda list`, version tables) and quoted checklists add hundreds of rare words
 * that match random files, so the lexical query leaves them out; mentions still see the raw text.
 */

/** `numpy   1.19.2`, `pytest==6.0.0`, `- pluggy: 0.13.1`: one package and its version per line. */
const VERSION_LINE = /^\s*[-*]?\s*[\w.\-[\]]+\s*(==|>=|:|\s)\s*v?\d+(\.\d+)+/;
/** A collapsed block whose summary says it is an environment report. */
const ENVIRONMENT_DETAILS =
  /<details>\s*(<summary>)?[^\n]{0,200}?(version|environment|system info|pip list|conda list|pip freeze)[\s\S]*?<\/details>/gi;
const INSTALLED_VERSIONS = /INSTALLED VERSIONS[\s\S]*?(```|$)/g;
const TEMPLATE_COMMENT = /<!--[\s\S]*?-->/g;
const CHECKLIST_LINE = /^\s*[-*] \[[ xX]\] /;
const RULE_LINE = /^[\s=\-_*#~+|]{4,}$/;

export function lexicalQuery(query: string): string {
  const [title = "", ...body] = query
    .replace(TEMPLATE_COMMENT, " ")
    .replace(ENVIRONMENT_DETAILS, " ")
    .replace(INSTALLED_VERSIONS, " ")
    .split("\n");
  // The title stays whole even when it starts with a version ("pytest 6.0 breaks xfail").
  const kept = body.filter(
    (line) => !VERSION_LINE.test(line) && !CHECKLIST_LINE.test(line) && !RULE_LINE.test(line),
  );
  return [title, ...kept].join("\n");
}
