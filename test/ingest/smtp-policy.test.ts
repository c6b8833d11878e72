// Envelope checks of the SMTP server: which senders a principal may use, what counts as the drop.
import { expect } from 'chai';
import { isDropRecipient, isLoopback, senderAllowed } from '../../ingest/smtp-policy.ts';

const org = { domains: ['rail.example', 'xn--gckc5l.example'] };
const anyOfOrg = { allowedSenders: [] as string[] };

describe('SMTP envelope policy', () => {
  it("allows any sender at the organisation's domains and their subdomains when the principal lists none", () => {
    expect(senderAllowed('soc@rail.example', anyOfOrg, org)).to.equal(true);
    expect(senderAllowed('SOC@Mail.Rail.Example', anyOfOrg, org)).to.equal(true);
    expect(senderAllowed('soc@ウェブ.example', anyOfOrg, org)).to.equal(true);
    expect(senderAllowed('soc@evilrail.example', anyOfOrg, org)).to.equal(false);
    expect(senderAllowed('soc@rail.example.attacker.example', anyOfOrg, org)).to.equal(false);
  });

  it('allows only the listed addresses and domains when the principal has allowedSenders', () => {
    const p = { allowedSenders: ['cert@rail.example', '@partner.example', 'relay.example'] };
    expect(senderAllowed('Cert@RAIL.example', p, org)).to.equal(true);
    expect(senderAllowed('soc@rail.example', p, org)).to.equal(false);
    expect(senderAllowed('x@partner.example', p, org)).to.equal(true);
    expect(senderAllowed('x@sub.partner.example', p, org)).to.equal(false);
    expect(senderAllowed('x@relay.example', p, org)).to.equal(true);
  });

  it('never allows the null sender or an address without a domain', () => {
    expect(senderAllowed('', anyOfOrg, org)).to.equal(false);
    expect(senderAllowed('postmaster', anyOfOrg, org)).to.equal(false);
    expect(senderAllowed('@rail.example', anyOfOrg, org)).to.equal(false);
  });

  it('takes any local part and +tag at the drop domain as the drop address', () => {
    expect(isDropRecipient('report@c4tap.example', 'report@c4tap.example')).to.equal(true);
    expect(isDropRecipient('report+green@C4TAP.example', 'report@c4tap.example')).to.equal(true);
    expect(isDropRecipient('amber@c4tap.example', 'report@c4tap.example')).to.equal(true);
    expect(isDropRecipient('report@c4tap.example.evil', 'report@c4tap.example')).to.equal(false);
    expect(isDropRecipient('report@sub.c4tap.example', 'report@c4tap.example')).to.equal(false);
  });

  it('recognises loopback client addresses, IPv4-mapped included', () => {
    expect(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'].map(isLoopback)).to.deep.equal([true, true, true, true]);
    expect(['10.0.0.1', '::2', '128.0.0.1', 'localhost'].map(isLoopback)).to.deep.equal([false, false, false, false]);
  });
});
