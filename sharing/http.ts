// Every HTTP surface of sharing/, in mount order, for the composition root (bin/commands/serve.ts):
// the MISP feed and the REST API (with the STIX 2.1 format) below /api/v1, TAXII 2.1 at /taxii2,
// the public WHITE feed at /public/v1.
import type { Router } from 'express';
import type { ApiDeps, ApiLimits } from './api/deps.ts';
import { API_MOUNT, createApiRouter } from './api/router.ts';
import { MISP_MOUNT, createMispRouter } from './misp/index.ts';
import { PUBLIC_MOUNT, createPublicFeedRouter } from './public/index.ts';
import { stixFormatter, type ExchangeInfo } from './stix/index.ts';
import { TAXII_MOUNT, createTaxiiRouter } from './taxii/index.ts';
import { DIGEST_FILES_MOUNT, createDigestFilesRouter, type DigestFilesDeps } from './digests/files-route.ts';

export interface SharingHttpDeps extends Omit<ApiDeps, 'formatters' | 'limits'> {
  readonly limits: ApiLimits;
  readonly exchange: ExchangeInfo;
  /** The digests' authenticated files link (/digests/files), when the composition root serves it. */
  readonly digests?: Pick<DigestFilesDeps, 'channels' | 'sealKey'> & { readonly baseUrl: string };
}

export function sharingRouters(deps: SharingHttpDeps): readonly { readonly path: string; readonly router: Router }[] {
  // Each surface counts requests per token on its own, with the API's budget.
  const rateLimit = { points: deps.limits.rateLimitPoints, windowSeconds: deps.limits.rateLimitWindowSeconds };
  return [
    // Before the API router: it authenticates everything below /api/v1 and would count twice.
    { path: MISP_MOUNT, router: createMispRouter({ ...deps, rateLimit }) },
    { path: API_MOUNT, router: createApiRouter({ ...deps, formatters: [stixFormatter(deps)] }) },
    { path: TAXII_MOUNT, router: createTaxiiRouter({ ...deps, limits: { ...deps.limits, rateLimit } }) },
    { path: PUBLIC_MOUNT, router: createPublicFeedRouter(deps) },
    ...(deps.digests
      ? [
          {
            path: DIGEST_FILES_MOUNT,
            router: createDigestFilesRouter({ ...deps, ...deps.digests, rateLimit, exchange: { ...deps.exchange, baseUrl: deps.digests.baseUrl } }),
          },
        ]
      : []),
  ];
}
