// TAXII 2.1 over HTTP: the media type on every answer, the Accept check (406), error messages in
// the TAXII format (§3.6.1) and the X-TAXII-Date-Added-First/Last headers.
import type { NextFunction, Request, Response } from 'express';
import { C4Error, ERROR_MAP, toC4Error } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { TAXII_MEDIA_TYPE } from '../stix/index.ts';
import { timestampKey } from './date-added.ts';
import type { TaxiiEntry } from './filters.ts';

/** Sends a TAXII resource as `application/taxii+json;version=2.1` (no charset parameter added). */
export function sendTaxii(res: Response, body: unknown, status = 200): void {
  res
    .status(status)
    .set('Content-Type', TAXII_MEDIA_TYPE)
    .send(Buffer.from(JSON.stringify(body)));
}

/** An Accept header that admits TAXII 2.1 (absent, `*∕*`, `application/*`, or taxii+json of version 2.1). */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (!accept || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const version = params.find((p) => p.startsWith('version='))?.slice('version='.length);
    if (type === '*/*' || type === 'application/*') return true;
    return type === 'application/taxii+json' && (version === undefined || version === '2.1');
  });
}

export function requireTaxiiAccept(req: Request, _res: Response, next: NextFunction): void {
  if (acceptsTaxii(req.get('accept'))) return next();
  next(new C4Error('NOT_ACCEPTABLE', `this server answers ${TAXII_MEDIA_TYPE} only`));
}

export function setDateAddedHeaders(res: Response, entries: readonly TaxiiEntry[]): void {
  if (entries.length === 0) return;
  const dates = entries.map((e) => e.dateAdded).sort((a, b) => (timestampKey(a) < timestampKey(b) ? -1 : 1));
  res.set('X-TAXII-Date-Added-First', dates[0]!).set('X-TAXII-Date-Added-Last', dates[dates.length - 1]!);
}

/** The TAXII error message for any failure; details only below 500. */
export function taxiiErrors(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const e = toC4Error(err);
    const status = ERROR_MAP[e.code].http;
    if (status >= 500)
      log.error({ event: 'taxii.error', requestId: res.locals.requestId as unknown, code: e.code, path: req.path, err: e.cause ?? e }, 'TAXII request failed');
    sendTaxii(
      res,
      { title: ERROR_MAP[e.code].title, http_status: String(status), error_code: e.code, ...(status < 500 ? { description: e.message } : {}) },
      status,
    );
  };
}
