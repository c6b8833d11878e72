// Digest inputs built the way delivery builds them: submissions of a named participant published
// on the real SQLite store, the observer's feed read through the class policy (readFeed), and the
// STIX export context for the same viewer (exportContext). Campaigns are given per submission.
import { indicatorId } from '../../../core/ids.ts';
import type { IndicatorInput } from '../../../core/store/port.ts';
import type { IndicatorType, Organisation, Principal, SharingClass } from '../../../core/types.ts';
import { readFeed } from '../../../sharing/feed.ts';
import { publishSubmission, retract } from '../../../sharing/publication.ts';
import { exportContext } from '../../../sharing/stix/index.ts';
import type { Viewer } from '../../../sharing/viewer.ts';
import type { DigestEntry, DigestInput, DigestRecipient } from '../../../sharing/digests/content/types.ts';
import { orgInput, principalInput } from '../../contracts/store-fixtures.ts';
import { addCouncilOrgs, allClasses, openWorld, type World } from './world.ts';

export const EXCHANGE = { name: 'C4TAP digest test exchange' };
export const OBSERVER_CLASSES: readonly SharingClass[] = ['YELLOW', 'GREEN', 'WHITE'];

/** What identifies the submitting side: none of it may appear in a digest. */
export const SUBMITTER = {
  orgId: 'org-hokuriku-7731',
  orgName: '北陸水道局 Hokuriku Water Bureau',
  orgDomain: 'hokuriku-suido.example',
  principalId: 'tanaka-h-5521',
  principalEmail: 'tanaka.hanako@hokuriku-suido.example',
  principalDisplayName: 'Tanaka Hanako',
  subject: 'Payroll revision for Hokuriku staff',
  submissions: { yellow: 'sub-7f3a9c21', green: 'sub-91b2e004', amber: 'sub-a3c0ffee' },
} as const;

export const LIVE = {
  url: 'https://login.evil-bank.example/verify?next=cdn.evil-bank.example',
  domain: 'evil-bank.example',
  ipv4: '203.0.113.7',
  ipv6: '2001:db8::dead:beef',
  email: 'billing.team@phish-mail.example',
  sha256: 'b'.repeat(64),
  subject: '【重要】 Verify your account at secure.evil-bank.example',
  greenUrl: 'http://cdn.other.example/payload.exe',
  greenMd5: 'c'.repeat(32),
  withdrawnDomain: 'shared-cdn.example',
  amberDomain: 'amber-only.example',
} as const;

export const CAMPAIGN = 'Operation Paper Crane';

export interface DigestEnv {
  readonly w: World;
  readonly observer: Viewer;
  readonly entries: readonly DigestEntry[];
  input(recipient?: Partial<DigestRecipient>, overrides?: Partial<DigestInput>): DigestInput;
  cleanup(): Promise<void>;
}

function ind(type: IndicatorType, value: string, kind: IndicatorInput['kind']): Omit<IndicatorInput, 'class'> {
  return { type, value, kind };
}

export const idOf = (type: IndicatorType, value: string): string => indicatorId(type, value);

/** Registers the suite's hooks: one digest world opened before the suite, removed after it. */
export function digestEnvSuite(): { readonly env: DigestEnv } {
  const f = {} as { env: DigestEnv };
  before(async () => {
    f.env = await openDigestEnv();
  });
  after(async () => f.env?.cleanup());
  return f;
}

export async function openDigestEnv(): Promise<DigestEnv> {
  const w = await openWorld();
  const council = await addCouncilOrgs(w);
  const now = () => w.clock().toISOString();
  const org: Organisation = await w.store.createOrganisation(
    orgInput(SUBMITTER.orgId, { name: SUBMITTER.orgName, tier: 'participant', sector: 'water', domains: [SUBMITTER.orgDomain], rulesAcceptedAt: now() }),
    now(),
  );
  const submitter: Principal = await w.store.createPrincipal(
    principalInput(SUBMITTER.principalId, org.id, { displayName: SUBMITTER.principalDisplayName, email: SUBMITTER.principalEmail }),
    now(),
  );
  const secretariat = await w.addPrincipal('sec-1', council.secretariat.id, ['secretariat']);
  await w.addPrincipal('obs-1', council.observer.id, ['reader']);
  const deps = { store: w.store, audit: w.audit, clock: w.clock };
  const submit = async (id: string, cls: SharingClass, indicators: readonly Omit<IndicatorInput, 'class'>[]) => {
    await w.addSubmission(
      id,
      org,
      submitter,
      allClasses(cls),
      indicators.map((i) => ({ ...i, class: cls })),
    );
    await w.store.updateSubmission(id, { subject: SUBMITTER.subject }, now());
    await publishSubmission(deps, id, secretariat.id);
    w.tick(60);
  };
  const S = SUBMITTER.submissions;
  await submit(S.yellow, 'YELLOW', [
    ind('url', LIVE.url, 'network'),
    ind('domain-name', LIVE.domain, 'network'),
    ind('ipv4-addr', LIVE.ipv4, 'network'),
    ind('ipv6-addr', LIVE.ipv6, 'network'),
    ind('email-addr', LIVE.email, 'mail'),
    ind('email-subject', LIVE.subject, 'mail'),
    ind('file-sha256', LIVE.sha256, 'file'),
  ]);
  await submit(S.green, 'GREEN', [
    ind('url', LIVE.greenUrl, 'network'),
    ind('file-md5', LIVE.greenMd5, 'file'),
    ind('domain-name', LIVE.withdrawnDomain, 'network'),
  ]);
  await submit(S.amber, 'AMBER', [ind('domain-name', LIVE.amberDomain, 'network'), ind('domain-name', LIVE.domain, 'network')]);
  await retract(deps, { indicatorId: idOf('domain-name', LIVE.withdrawnDomain), submissionId: S.green }, secretariat.id, 'shared CDN');
  await w.store.addSighting(
    { indicatorId: idOf('ipv4-addr', LIVE.ipv4), orgId: council.rail.id, class: 'GREEN', count: 3, seenAt: now(), idempotencyKey: null },
    now(),
  );

  const observer = await w.viewer('obs-1');
  const page = await readFeed(w.store, observer, { since: 0, limit: 1000, classes: OBSERVER_CLASSES });
  const campaignOf: Readonly<Record<string, string>> = { [S.yellow]: CAMPAIGN };
  const entries: DigestEntry[] = page.items.map((item) => ({
    ...item,
    campaigns: [...new Set(item.view.sources.flatMap((s) => (campaignOf[s.submissionId] ? [campaignOf[s.submissionId]!] : [])))],
  }));
  const stixContext = await exportContext(
    w.store,
    observer,
    entries.map((e) => e.view.id),
  );
  return {
    w,
    observer,
    entries,
    input: (recipient = {}, overrides = {}) => ({
      recipient: { address: 'soc@observer.example', language: 'ja', attachments: 'none', ...recipient },
      scheduleName: 'daily-observers',
      classes: OBSERVER_CLASSES,
      period: { from: '2026-02-28T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
      entries,
      exchange: EXCHANGE,
      stixContext,
      ...overrides,
    }),
    cleanup: () => w.cleanup(),
  };
}
