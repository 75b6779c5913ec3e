/** Long enough for a driver's message and its cause; the column is read by people, not parsed. */
export const MAX_RECORDED_ERROR_LENGTH = 1000;

// Credentials can reach an error message through a connection string a driver echoes back.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
const PASSWORD_SETTING = /(password\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi;

/** What is stored in `last_error` and logged: the error's text, without secrets, bounded. */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const redacted = text.replace(URL_CREDENTIALS, '$1***@').replace(PASSWORD_SETTING, '$1***');
  if (redacted.length <= MAX_RECORDED_ERROR_LENGTH) return redacted;
  return `${redacted.slice(0, MAX_RECORDED_ERROR_LENGTH - 1)}…`;
}
