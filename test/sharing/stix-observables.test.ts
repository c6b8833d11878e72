// Values real phishing mail carries that STIX consumers' format checks refuse as observables
// (found by `npm run quality` on ../shared/corpus): the indicator still goes out, with its pattern.
import { expect } from 'chai';
import { bundleOf, staticObjects } from '../../sharing/stix/bundle.ts';
import { exchangeIdentity } from '../../sharing/stix/identity.ts';
import { indicatorObjects } from '../../sharing/stix/objects.ts';
import { observableOf } from '../../sharing/stix/patterns.ts';
import type { IndicatorSlice } from '../../sharing/stix/slice.ts';
import type { IndicatorType } from '../../core/types.ts';
import { expectValidStix, requirePythonTools } from './helpers/stix-python.ts';

const AT = '2024-08-29T13:43:34.000Z';
const slice = (type: IndicatorType, value: string, i: number): IndicatorSlice => ({
  indicatorId: `ind_${i}`,
  type,
  value,
  class: 'AMBER',
  kinds: ['mail'],
  submissionCount: 1,
  firstSeen: AT,
  lastSeen: AT,
  modified: AT,
  revoked: false,
});

const AWKWARD: readonly [IndicatorType, string][] = [
  ['email-addr', 'msprvs1=72sdx76oa-bkn=bounces-ioxrj8-u4@antivirus-secure.it.com'],
  ['email-addr', 'srs0=oci4=cz=nfegestao.com.br=teste@meldov.dk'],
  ['domain-name', 'atendimento5400resgate__livelo.com.br'],
];

describe('STIX observables of values real mail carries', function () {
  it('sends the indicator without an observable when no STIX consumer would take the value as one', function () {
    for (const [type, value] of AWKWARD) expect(observableOf(type, value, []), value).to.equal(null);
    expect(observableOf('email-addr', 'billing@invoice-lure.xyz', [])).to.include({ type: 'email-addr', value: 'billing@invoice-lure.xyz' });
    expect(observableOf('domain-name', 'invoice-lure.xyz', [])).to.include({ type: 'domain-name' });
  });

  it('passes the OASIS validator in strict mode with those values (needs .tmp/venv)', async function () {
    this.timeout(60_000);
    requirePythonTools(this);
    const exchange = { name: 'C4TAP' };
    const objects = AWKWARD.flatMap(([type, value], i) => indicatorObjects(slice(type, value, i), exchangeIdentity(exchange).id));
    expect(objects.map((o) => o.type)).to.deep.equal(['indicator', 'indicator', 'indicator']);
    await expectValidStix([bundleOf([...staticObjects(exchange), ...objects])]);
  });
});
