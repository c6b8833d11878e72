// Who may hold the SMTP server's connection slots (like Postfix's anvil limits, plus a reserve):
// at most maxConnectionsPerClient from one address and maxConnectionsPerNetwork from one /24 or
// /48, and clients outside every registered organisation network together at most
// maxConnections − reservedConnections, so idle connections from elsewhere can never take the
// slots a participant's mail server needs. Counts are kept per admitted session, released at close.
import { networkOf } from './client-networks.ts';

export interface BudgetLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerClient: number;
  readonly maxConnectionsPerNetwork: number;
  readonly reservedConnections: number;
}

export type Admission =
  | { readonly kind: 'admitted' }
  | {
      readonly kind: 'refused';
      readonly reason: 'connections-per-client' | 'connections-per-network' | 'connections-unregistered';
      readonly connections: number;
    };

export interface ConnectionBudget {
  admit(sessionId: string, address: string, registered: boolean): Admission;
  release(sessionId: string): void;
}

export function connectionBudget(limits: BudgetLimits): ConnectionBudget {
  const sessions = new Map<string, { readonly address: string; readonly network: string; readonly registered: boolean }>();
  const perAddress = new Map<string, number>();
  const perNetwork = new Map<string, number>();
  let unregistered = 0;
  const bump = (m: Map<string, number>, k: string, d: number) => {
    const n = (m.get(k) ?? 0) + d;
    if (n <= 0) m.delete(k);
    else m.set(k, n);
  };
  return {
    admit(sessionId, address, registered) {
      const network = networkOf(address);
      const a = perAddress.get(address) ?? 0;
      if (a >= limits.maxConnectionsPerClient) return { kind: 'refused', reason: 'connections-per-client', connections: a + 1 };
      if (!registered) {
        const n = perNetwork.get(network) ?? 0;
        if (n >= limits.maxConnectionsPerNetwork) return { kind: 'refused', reason: 'connections-per-network', connections: n + 1 };
        if (unregistered >= limits.maxConnections - limits.reservedConnections)
          return { kind: 'refused', reason: 'connections-unregistered', connections: unregistered + 1 };
        unregistered++;
      }
      sessions.set(sessionId, { address, network, registered });
      bump(perAddress, address, 1);
      bump(perNetwork, network, 1);
      return { kind: 'admitted' };
    },
    release(sessionId) {
      const s = sessions.get(sessionId);
      if (!s) return;
      sessions.delete(sessionId);
      bump(perAddress, s.address, -1);
      bump(perNetwork, s.network, -1);
      if (!s.registered) unregistered--;
    },
  };
}
