/**
 * Bookkeeping of login(): which refusals are worth another method, and the error that reports
 * every method tried when none worked (docs/authentication.md has the order and the rules).
 */
import { Pop3Error } from '../errors.js';

export const isAscii = (text) => !/[^\p{ASCII}]/u.test(text);

/** A refusal of the credentials by the server (-ERR, or -ERR [AUTH]): another method may work. */
export function worthAnotherMethod(error) {
  return error.code === 'AUTH_FAILED' && error.serverRefused === true && (error.responseCode === undefined || error.responseCode === 'AUTH');
}

// SCRAM with channel binding (docs/authentication.md).
const PLUS_MECHANISMS = ['SCRAM-SHA-512-PLUS', 'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS'];

/**
 * The methods not to try again after these refusals: each one refused, and after a refused
 * -PLUS every -PLUS (a server that cannot check one binding cannot check the others).
 */
export function refusedMethods(attempts) {
  return attempts.flatMap((a) => (a.mechanism.endsWith('-PLUS') ? PLUS_MECHANISMS : [a.mechanism]));
}

/** What `error.attempts` shows of one attempt. */
export const publicAttempt = ({ mechanism, code, responseCode, serverText }) => ({ mechanism, code, responseCode, serverText });

/**
 * The error for a login where every method failed. `remaining`: why the core had no further
 * method (e.g. INSECURE_AUTH: only clear-text ones left).
 */
export function allMethodsFailed(attempts, remaining) {
  const last = attempts.at(-1).error;
  if (attempts.length === 1) {
    last.attempts = attempts.map(publicAttempt);
    return last;  // one method, one refusal: the server's own error says it best
  }
  const tried = attempts.map((a) => `${a.mechanism} (${a.responseCode ? `[${a.responseCode}] ` : ''}${a.serverText || 'refused'})`).join(', ');
  const rest = remaining.code === 'INSECURE_AUTH' ? `; ${remaining.message}` : '';
  const error = new Pop3Error('AUTH_FAILED', `the server refused every login method tried: ${tried}${rest}`, {
    responseCode: last.responseCode,
    serverText: last.serverText,
    details: last.details,
    serverRefused: true,
    command: last.command,
    cause: last,
  });
  error.attempts = attempts.map(publicAttempt);
  return error;
}
