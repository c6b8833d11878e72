// A failed send as an error code: what nodemailer reports for the relay (a refused recipient or
// message, a connection, TLS or authentication failure) becomes MAIL_RELAY_FAILED with the SMTP
// reply code when there is one; anything else keeps its own code.
import { C4Error, toC4Error } from '../../core/errors.ts';

const RELAY_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EAUTH', 'ETLS', 'EPROTOCOL', 'EDNS', 'ECONNREFUSED']);

export function sendError(err: unknown): C4Error {
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown } | null;
  if (!(err instanceof C4Error) && e && ((typeof e.code === 'string' && RELAY_CODES.has(e.code)) || typeof e.responseCode === 'number')) {
    const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
    return new C4Error('MAIL_RELAY_FAILED', `relay: ${String(e.message ?? 'send failed')}`, { responseCode, relayCode: e.code ?? null }, { cause: err });
  }
  return toC4Error(err);
}
