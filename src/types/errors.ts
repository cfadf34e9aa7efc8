/**
 * Error classes shared across stages. Each has a stable `name` and says whether a retry
 * can help; one retry stage (src/integration/http.ts) owns the backoff policy.
 */

export class MapekError extends Error {
  /** True when trying the same thing again later may succeed. */
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MapekError';
    this.retryable = retryable;
  }
}

/** A problem in a file the user wrote (rules, fixture, config): never retryable. */
export interface ValidationIssue {
  readonly file: string;
  /** 1-based; 0 when unknown. */
  readonly line: number;
  readonly column: number;
  /** Field path, e.g. `rules[2].action.type`. */
  readonly path: string;
  readonly message: string;
}

export function formatIssue(i: ValidationIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

export class ValidationError extends MapekError {
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[]) {
    super(issues.map(formatIssue).join('\n'), false);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}
