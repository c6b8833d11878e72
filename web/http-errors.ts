// What a failed HTTP request becomes. Body parsers (express.json, express.urlencoded) fail with
// http-errors objects carrying a `type` and a 4xx `status`: a body over the route's limit, too many
// form parameters, JSON that does not parse (truncated, nested too deep for the parser), an
// unsupported charset or an aborted upload. Those are the client's fault: 413 or 400 problem
// details with a fixed detail text, logged at info without a stack. Anything else is toC4Error's.
import { C4Error, toC4Error } from '../core/errors.ts';

interface BodyParserError {
  readonly type: string;
  readonly status: number;
  readonly limit?: number;
}

function bodyParserError(err: unknown): BodyParserError | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as Partial<BodyParserError> & { expose?: unknown };
  return typeof e.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true ? (e as BodyParserError) : null;
}

const DETAILS: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'the request body is not valid JSON (or is nested too deep)',
  'request.aborted': 'the request body ended before its announced length',
  'request.size.invalid': 'the request body length does not match Content-Length',
  'charset.unsupported': 'unsupported charset in Content-Type',
  'encoding.unsupported': 'unsupported Content-Encoding',
  'entity.verify.failed': 'the request body was refused',
};

/** The C4Error for any failure of an HTTP request. */
export function httpErrorOf(err: unknown): C4Error {
  const b = bodyParserError(err);
  if (!b) return toC4Error(err);
  if (b.type === 'entity.too.large' || b.status === 413) {
    return new C4Error('MESSAGE_TOO_LARGE', b.limit ? `the request body exceeds ${b.limit} bytes` : 'the request body is too large');
  }
  if (b.type === 'parameters.too.many') return new C4Error('MESSAGE_TOO_LARGE', 'too many form parameters');
  return new C4Error('VALIDATION_FAILED', DETAILS[b.type] ?? 'the request body was refused');
}
