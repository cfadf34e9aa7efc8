/**
 * Structural redaction of credentials inside text: the userinfo of a URL
 * (`http://user:pass@host` → `http://<redacted>@host`) and a bearer credential
 * (`Bearer abc` → `Bearer <redacted>`). Never a search for a secret's
 * text: a short token would otherwise mangle every word that contains it, and reveal itself.
 */

export const REDACTED = '<redacted>';

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/gi;
// Only the Bearer scheme: "Basic" and "Token" are ordinary words too, and redacting the word
// after them would mangle plain text (the very thing substring redaction did).
const AUTH_CREDENTIALS = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/g;

/** `text` with every URL userinfo and every Bearer credential replaced by `<redacted>`. */
export function redactCredentials(text: string): string {
  return text.replace(URL_USERINFO, `$1${REDACTED}@`).replace(AUTH_CREDENTIALS, `$1 ${REDACTED}`);
}
