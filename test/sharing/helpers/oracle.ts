// DESIGN.md §1 written out as a table, independently of sharing/class-policy.ts, so the tests
// compare the implementation against the design rather than against itself.
import type { Organisation, Principal, Role, SharingClass, Tier } from '../../../core/types.ts';
import type { Viewer } from '../../../sharing/viewer.ts';

/** Which classes an organisation of each tier sees when it is neither the submitter nor staff. */
export const TIER_SEES: Readonly<Record<Tier, Readonly<Record<SharingClass, boolean>>>> = {
  participant: { RED: false, AMBER: true, YELLOW: true, GREEN: true, WHITE: true },
  observer: { RED: false, AMBER: false, YELLOW: true, GREEN: true, WHITE: true },
  affiliate: { RED: false, AMBER: false, YELLOW: false, GREEN: true, WHITE: true },
};

export function oracleSees(viewer: Viewer | null, item: { orgId: string; class: SharingClass }): boolean {
  if (item.class === 'WHITE') return true;
  if (!viewer) return false;
  if (viewer.principal.status !== 'active' || viewer.org.rulesAcceptedAt === null) return false;
  if (viewer.org.id === item.orgId) return true;
  if (viewer.principal.roles.includes('secretariat') || viewer.principal.roles.includes('analyst')) return true;
  return TIER_SEES[viewer.org.tier][item.class];
}

const T0 = '2026-01-01T00:00:00.000Z';

export function org(id: string, tier: Tier, sector: string, rulesAccepted = true): Organisation {
  return {
    id,
    name: `Org ${id}`,
    tier,
    sector,
    domains: [],
    networks: [],
    contacts: [],
    language: 'en',
    defaultClasses: {},
    rulesAcceptedAt: rulesAccepted ? T0 : null,
    createdAt: T0,
  };
}

export function principal(id: string, orgId: string, roles: readonly Role[], status: Principal['status'] = 'active'): Principal {
  return {
    id,
    orgId,
    name: id,
    displayName: id,
    email: `${id}@example.org`,
    roles,
    status,
    passwordHash: null,
    mustChangePassword: false,
    smtpSecretHash: null,
    allowedSenders: [],
    totpSecret: null,
    language: 'en',
    timeZone: 'UTC',
    createdAt: T0,
  };
}

export function viewer(o: Organisation, roles: readonly Role[], status: Principal['status'] = 'active'): Viewer {
  return { org: o, principal: principal(`p-${o.id}-${roles.join('-')}-${status}`, o.id, roles, status) };
}
