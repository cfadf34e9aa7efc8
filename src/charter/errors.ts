/**
 * The one error type the reference Charter answers with: an HTTP status and the body
 * `{error: {code, message, field?}}` (CharterErrorBody). Thrown by the world and the routes.
 */
import type { CharterErrorBody } from '../types/charter.js';

export class CharterRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Extra response headers, e.g. the current ETag on a 412 or Allow on a 405. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'CharterRequestError';
  }

  body(): CharterErrorBody {
    return { error: this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field } };
  }
}

export const notFound = (kind: string, id: string, field?: string): CharterRequestError =>
  new CharterRequestError(404, `${kind}_not_found`, `${kind} "${id}" does not exist`, field);

export const invalid = (field: string, message: string): CharterRequestError =>
  new CharterRequestError(400, 'invalid_body', `${field}: ${message}`, field);
