// Who is looking: a principal together with its organisation. `null` stands for an anonymous
// reader (the public WHITE feed).
import type { Organisation, Principal } from '../core/types.ts';
import type { Store } from '../core/store/port.ts';

export interface Viewer {
  readonly principal: Principal;
  readonly org: Organisation;
}

/** The viewer for a principal, or null when its organisation no longer exists. */
export async function loadViewer(store: Pick<Store, 'getOrganisation'>, principal: Principal): Promise<Viewer | null> {
  const org = await store.getOrganisation(principal.orgId);
  return org ? { principal, org } : null;
}
