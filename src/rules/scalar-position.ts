/**
 * Where a character of a YAML string value sits in the file, so an error inside a string
 * (a PromQL syntax error) is reported at FILE:LINE:COL of that character. Handles plain and
 * quoted scalars and `|` / `>` block scalars, where each source line of the value stands for
 * its text plus one character (the newline, or the space folding made of it). Escapes in
 * double-quoted strings are not unfolded; their positions may drift by the escape's width.
 */
import type { Position } from './yaml.js';

export function positionInScalar(text: string, start: Position, offset: number): Position {
  const lines = text.split('\n');
  const first = lines[start.line - 1] ?? '';
  const indicator = first[start.column - 1];
  const segments: { line: number; column: number; length: number }[] = [];
  if (indicator === '|' || indicator === '>') {
    let indent: number | undefined;
    for (let l = start.line; l < lines.length; l++) {
      const s = lines[l] ?? '';
      if (s.trim() === '') {
        if (indent !== undefined) segments.push({ line: l + 1, column: indent + 1, length: 0 });
        continue;
      }
      const lead = s.length - s.trimStart().length;
      if (indent === undefined) indent = lead;
      else if (lead < indent) break;
      segments.push({ line: l + 1, column: indent + 1, length: s.length - indent });
    }
  } else {
    const quote = indicator === '"' || indicator === "'" ? 1 : 0;
    segments.push({ line: start.line, column: start.column + quote, length: first.length - (start.column - 1 + quote) });
    for (let l = start.line; l < lines.length; l++) {
      const s = lines[l] ?? '';
      const lead = s.length - s.trimStart().length;
      segments.push({ line: l + 1, column: lead + 1, length: s.trimStart().length });
    }
  }
  let rest = offset;
  for (const seg of segments) {
    if (rest <= seg.length) return { line: seg.line, column: seg.column + rest };
    rest -= seg.length + 1;
  }
  return start;
}
