/** "Did you mean": the known key closest to a misspelt one, when one is close enough. */

export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

export function closestKey(key: string, known: readonly string[]): string | undefined {
  const wanted = key.toLowerCase().replace(/[_-]/g, "");
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const distance =
      c.includes(wanted) || wanted.includes(c)
        ? Math.abs(c.length - wanted.length) / 2
        : editDistance(wanted, c);
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  if (!best) return undefined;
  // Close enough to be a typo: at most a third of the key's letters differ.
  return best.distance <= Math.max(2, Math.ceil(wanted.length / 3)) ? best.key : undefined;
}
