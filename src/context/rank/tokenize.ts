/**
 * Words for lexical matching. Code names are split on camelCase, snake_case, kebab-case and
 * dots, so `getHeaderValue`, `get_header_value` and "header value" meet on the same terms; the
 * whole identifier is kept as well, because an exact long name is a much stronger hint than its parts.
 */

const STOP_WORDS = new Set(
  (
    "a an and are as at be been but by can could do does did for from has have had how i if in into is it its " +
    "me my no not of on or our so such than that the their then there these they this those to too was we were " +
    "what when where which while who why will with would you your should shall also just only very get got " +
    "use used using like want way new one two see seems seem some any all more most other same here now " +
    "self this cls true false none null undefined return def function const let var import export class " +
    "issue bug fix fixed feat chore close closes fixes expected actual " +
    "http https www com org github"
  ).split(" "),
);

// kebab-case words (`v-on`, `runtime-core`) are one name, so they meet `vOn` and `runtime_core`.
const IDENTIFIER =
  /[A-Za-z_$][A-Za-z0-9_$]*(?:-[A-Za-z][A-Za-z0-9]*)*|[0-9]+[A-Za-z_]*[A-Za-z0-9_]*/g;

/** `getHTTPResponse2` -> ["get", "http", "response2"]; `__init__` -> ["init"]. */
export function splitIdentifier(word: string): string[] {
  return word
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.toLowerCase());
}

/**
 * A light suffix stripper (roughly Porter's step 1): enough to meet "headers"/"header",
 * "parsing"/"parse", without the surprises of a full stemmer on code names.
 */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith("ies") && word.length > 4) return word.slice(0, -3) + "y";
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ing") && word.length > 5) return trimDouble(word.slice(0, -3));
  if (word.endsWith("ed") && word.length > 4) return trimDouble(word.slice(0, -2));
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
    return word.slice(0, -1);
  }
  return word;
}

function trimDouble(word: string): string {
  const last = word.at(-1);
  if (word.length > 3 && last === word.at(-2) && last !== "l" && last !== "s" && last !== "z") {
    return word.slice(0, -1);
  }
  if (word.endsWith("at") || word.endsWith("iz") || word.endsWith("bl")) return word + "e";
  return word;
}

function keep(term: string): boolean {
  return term.length >= 2 && !STOP_WORDS.has(term) && !/^[0-9]+$/.test(term);
}

/** Terms of free text or code: split parts, stemmed, plus whole compound identifiers. */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(IDENTIFIER)) {
    const word = match[0];
    const parts = splitIdentifier(word);
    for (const part of parts) {
      if (keep(part)) terms.push(stem(part));
    }
    if (parts.length > 1) {
      const whole = parts.join("_");
      if (whole.length >= 4) terms.push(whole);
    }
  }
  return terms;
}

/** Terms of a repository path: directories and the file name without its extension. */
export function pathTerms(filePath: string): string[] {
  const withoutExtension = filePath.replace(/\.[A-Za-z0-9]+$/, "");
  return tokenize(withoutExtension.replace(/[/\\.]/g, " "));
}
