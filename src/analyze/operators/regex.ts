/** Compiled regular expressions, memoised by source (rule sets reuse a handful). */
const cache = new Map<string, RegExp | null>();

/** The regex, or null when the source is not a valid regular expression. */
export function regex(source: string, anchored = false): RegExp | null {
  const key = anchored ? `^(?:${source})$` : source;
  let re = cache.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(key);
    } catch {
      re = null;
    }
    cache.set(key, re);
  }
  return re;
}
