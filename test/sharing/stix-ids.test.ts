// STIX ids: UUIDv4 for what the exchange authors (identity, marking definitions, indicators,
// sightings), as STIX 2.1 §2.9 and the validator's strict mode want; the same id on every export;
// UUIDv5 in the OASIS namespace for observables, so they match other producers' ids.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import { CLASS_MARKINGS, exchangeIdentity, indicatorStixId, scoId, sightingStixId } from '../../sharing/stix/index.ts';

const V4 = /--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('STIX ids', function () {
  it('gives the identity, the C4TAP markings, indicators and sightings UUIDv4 ids that are the same on every export', function () {
    const ind = indicatorId('domain-name', 'evil.example');
    const ids = [exchangeIdentity({ name: 'X' }).id, ...Object.values(CLASS_MARKINGS).map((m) => m.id), indicatorStixId(ind), sightingStixId(ind, 'AMBER')];
    for (const id of ids) expect(id).to.match(V4);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(indicatorStixId(indicatorId('domain-name', 'evil.example'))).to.equal(indicatorStixId(ind));
    expect(indicatorStixId(indicatorId('domain-name', 'other.example'))).to.not.equal(indicatorStixId(ind));
    expect(exchangeIdentity({ name: 'X' }).id).to.not.equal(exchangeIdentity({ name: 'Y' }).id);
  });

  it('documents in the README the id of the C4TAP marking of every class, so consumers can map YELLOW', function () {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [cls, marking] of Object.entries(CLASS_MARKINGS)) expect(readme).to.match(new RegExp(`\\| ${cls} +\\| \`${marking.id}\``));
  });

  it('keeps the OASIS UUIDv5 of observables (STIX 2.1 §2.9 example value)', function () {
    // The id the specification's deterministic-id rule gives for this value (as the stix2 library computes it).
    expect(scoId('domain-name', { value: 'example.com' })).to.match(/^domain-name--[0-9a-f-]{14}5/);
    expect(scoId('domain-name', { value: 'example.com' })).to.equal(scoId('domain-name', { value: 'example.com' }));
  });
});
