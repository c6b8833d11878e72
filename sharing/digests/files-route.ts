// GET /digests/files/<delivery id>?format=zip|csv|stix: the machine-readable files of one delivered
// digest, for subscribers who chose a link instead of attachments. Same bearer authentication and
// per-token rate limit as the REST API; only the subscription's own principal gets an answer (any
// other caller, like an unknown id, gets 404). The files are regenerated from the log for exactly
// that delivery's range, as that viewer sees it now, at the classes its channel carries. The zip
// is encrypted with the subscription's zip password; without one, ask for csv or stix.
import express, { type Router } from 'express';
import { z } from 'zod';
import { C4Error } from '../../core/errors.ts';
import type { Clock } from '../../core/ids.ts';
import type { Store } from '../../core/store/port.ts';
import type { TokenSettings } from '../../core/tokens.ts';
import { authenticate, authOf } from '../api/auth.ts';
import { parseWith } from '../api/params.ts';
import { rateLimitPerToken, type RateLimit } from '../api/rate-limit.ts';
import type { ExchangeInfo } from '../stix/index.ts';
import { assembleDigest } from './assemble.ts';
import type { ViewRules } from '../sector-privacy.ts';
import type { ChannelPolicy } from './channels.ts';
import { CSV_MEDIA_TYPE, STIX_FILE_MEDIA_TYPE, digestFileStem, digestFiles, digestZip } from './content/index.ts';
import { DIGEST_FILES_MOUNT, openZipPassword, recipientOf } from './recipient.ts';
import { loadSubscriber } from './subscriber.ts';

export { DIGEST_FILES_MOUNT };

export interface DigestFilesDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly tokenSettings: TokenSettings;
  readonly rateLimit: RateLimit;
  readonly channels: ChannelPolicy;
  readonly sealKey: Buffer;
  readonly exchange: ExchangeInfo & { readonly baseUrl: string };
  /** Thresholds against singling out an organisation (config `sharing.*`; default DEFAULT_VIEW_RULES). */
  readonly viewRules?: ViewRules | undefined;
}

const query = z.strictObject({ format: z.enum(['zip', 'csv', 'stix']).default('zip') });

export function createDigestFilesRouter(deps: DigestFilesDeps): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(authenticate(deps));
  router.use(rateLimitPerToken(deps.rateLimit));

  router.get('/:id', async (req, res) => {
    const { format } = parseWith(query, req.query, 'query');
    const { viewer } = authOf(res);
    const notFound = new C4Error('NOT_FOUND', 'no such digest delivery');
    const delivery = await deps.store.getDigestDelivery(req.params.id);
    const sub = delivery ? await deps.store.getDigestSubscription(delivery.subscriptionId) : null;
    if (!delivery || !sub || sub.principalId !== viewer.principal.id) throw notFound;
    const subscriber = await loadSubscriber(deps.store, deps.channels, sub);
    if (!subscriber.ok) throw new C4Error(subscriber.code, subscriber.reason);
    const input = await assembleDigest(deps.store, {
      viewer: subscriber.viewer,
      classes: subscriber.channel.classes,
      range: delivery,
      recipient: recipientOf(sub, subscriber.viewer, deps.sealKey, { baseUrl: deps.exchange.baseUrl, deliveryId: delivery.id }),
      scheduleName: sub.schedule,
      exchange: deps.exchange,
      viewRules: deps.viewRules,
    });
    if (!input) throw new C4Error('NOT_FOUND', 'nothing of this digest is visible to you any more');
    const files = digestFiles(input);
    const stem = digestFileStem(input);
    const send = (body: Buffer, type: string, name: string) => void res.type(type).set('Content-Disposition', `attachment; filename="${name}"`).send(body);
    switch (format) {
      case 'csv':
        return send(files.csv, CSV_MEDIA_TYPE, `${stem}.csv`);
      case 'stix':
        return send(files.stix, STIX_FILE_MEDIA_TYPE, `${stem}.stix.json`);
      case 'zip': {
        const password = openZipPassword(deps.sealKey, sub);
        if (password === null) throw new C4Error('NOT_ACCEPTABLE', 'this subscription has no zip password: ask for format=csv or format=stix');
        const zip = await digestZip(input, password);
        return send(zip.content, 'application/zip', zip.filename);
      }
    }
  });
  return router;
}
