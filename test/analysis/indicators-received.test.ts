import { expect } from 'chai';
import { domainMatcher, networkMatcher, RECEIVED_NOT_CUT } from '../../analysis/indicators/index.ts';
import { cutReceivedChain, parseReceived } from '../../analysis/indicators/received.ts';
import { analyse, CORP, EXCHANGE, FIXTURES, RAIL, RECEIVED_CHAIN } from './indicators-fixtures.ts';

const DATE = 'Mon, 1 Apr 2024 10:15:02 +0900';
const infra = {
  domains: domainMatcher([...CORP.domains, ...RAIL.domains, ...EXCHANGE.domains]),
  networks: networkMatcher([...CORP.networks, ...RAIL.networks]),
};

describe('Received chain', function () {
  describe('parsing one field', function () {
    it('reads HELO, reverse DNS and IP of the sender and the receiving server (Postfix)', function () {
      const { from, by } = parseReceived(
        `from helo.evil.example (mail.evil.example [203.0.113.5]) by mx1.corp.example (Postfix) with ESMTPS id 4A for <t@corp.example>; ${DATE}`,
        3,
      );
      expect(from).to.deep.equal({
        header: 3,
        part: 'from',
        hosts: [
          { kind: 'domain', value: 'helo.evil.example', role: 'helo' },
          { kind: 'domain', value: 'mail.evil.example', role: 'rdns' },
        ],
        ips: [{ kind: 'ipv4', value: '203.0.113.5' }],
      });
      expect(by).to.deep.equal({ header: 3, part: 'by', hosts: [{ kind: 'domain', value: 'mx1.corp.example', role: 'by' }], ips: [] });
    });

    it('reads Exim helo=, IPv6 literals, qmail HELO and Exchange-style parenthesised addresses', function () {
      const exim = parseReceived(`from [IPv6:2001:db8:bad::25] (helo=ws01.evil.example) by smtp.evil.example with esmtpa (Exim 4.96) id A4; ${DATE}`, 0);
      expect(exim.from?.hosts.map((h) => h.value)).to.deep.equal(['ws01.evil.example']);
      expect(exim.from?.ips).to.deep.equal([{ kind: 'ipv6', value: '2001:db8:bad::25' }]);
      const qmail = parseReceived(`from unknown (HELO mx.evil.example) (203.0.113.9) by mail.corp.example with SMTP; ${DATE}`, 0);
      expect(qmail.from?.hosts.map((h) => h.value)).to.deep.equal(['mx.evil.example']);
      expect(qmail.from?.ips.map((i) => i.value)).to.deep.equal(['203.0.113.9']);
      const exchange = parseReceived(
        `from TYAPR01MB1234.jpnprd01.prod.outlook.com (2603:1096:404:8000::12) by TYAPR01MB5678.jpnprd01.prod.outlook.com (2603:1096:404:8000::13) with Microsoft SMTP Server; ${DATE}`,
        0,
      );
      expect(exchange.from?.ips.map((i) => i.value)).to.deep.equal(['2603:1096:404:8000::12']);
      expect(exchange.by?.hosts.map((h) => h.value)).to.deep.equal(['tyapr01mb5678.jpnprd01.prod.outlook.com']);
    });

    it('takes a field without `from` (a local hand-over) as a receiving server only', function () {
      const { from, by } = parseReceived(`by 2002:a05:6a10:1234::1 with SMTP id x1; ${DATE}`, 0);
      expect(from).to.equal(null);
      expect(by?.ips).to.deep.equal([{ kind: 'ipv6', value: '2002:a05:6a10:1234::1' }]);
    });
  });

  describe('cut at the entry into participant infrastructure', function () {
    it('cuts at the first participant hop and treats the hops below it as the attacker side', function () {
      const cut = cutReceivedChain(RECEIVED_CHAIN.received!, infra);
      expect(cut.hops).to.equal(5);
      expect(cut.entry).to.equal(2);
      expect(cut.entryMatched).to.equal('corp.example');
      expect(cut.attackerSide.map((n) => `#${n.header} ${n.part}`)).to.deep.equal(['#2 from', '#3 by', '#3 from', '#4 by', '#4 from']);
      expect(cut.internalHosts).to.have.members(['mbox01.corp.example', 'mbox-relay.corp.example', 'mx1.corp.example']);
      expect(cut.internalIps).to.have.members(['10.20.0.5', '198.51.100.25']);
    });

    it("does not let a forged participant hop below the attacker's hide the attacker's address", function () {
      // #4 claims `by mx1.corp.example`, but it sits below an outside hop: the sender wrote it.
      const cut = cutReceivedChain(RECEIVED_CHAIN.received!, infra);
      expect(cut.attackerSide[0]?.ips.map((i) => i.value)).to.deep.equal(['203.0.113.77']);
    });

    it("does not take a sender's HELO name for participant infrastructure when a public address contradicts it", function () {
      const chain = [`from mx1.corp.example (spoof.example [8.8.4.4]) by mx1.corp.example (Postfix); ${DATE}`];
      const cut = cutReceivedChain(chain, infra);
      expect(cut.entry).to.equal(0);
      expect(cut.attackerSide.map((n) => n.ips.map((i) => i.value))).to.deep.equal([['8.8.4.4']]);
    });

    it('walks through loopback and private hops inside the participant', function () {
      const chain = [
        `from localhost (localhost [127.0.0.1]) by mail.tokyo-rail.example (amavis); ${DATE}`,
        `from mail.tokyo-rail.example (mail.tokyo-rail.example [192.0.2.130]) by gw.tokyo-rail.example; ${DATE}`,
        `from sender.evil.example (sender.evil.example [203.0.113.66]) by mail.tokyo-rail.example; ${DATE}`,
      ];
      const cut = cutReceivedChain(chain, infra);
      expect(cut.entry).to.equal(2);
      expect(cut.internalIps).to.have.members(['127.0.0.1', '192.0.2.130']);
      expect(cut.attackerSide.map((n) => n.hosts.map((h) => h.value))).to.deep.equal([['sender.evil.example']]);
    });

    it('finds no cut when the top of the chain is outside known infrastructure, and flags every Received indicator', async function () {
      const chain = [`from relay.unknown-isp.example (relay.unknown-isp.example [203.0.113.200]) by mx.unknown-isp.example; ${DATE}`];
      expect(cutReceivedChain(chain, infra)).to.include({ entry: null, entryMatched: null });
      const f = FIXTURES.find((x) => x.name === 'mass mailing')!;
      const { extracted } = await analyse({ ...f, spec: { ...f.spec, received: chain } });
      const received = extracted.candidates.filter((c) => c.origins.some((o) => o.field === 'received'));
      expect(received.map((c) => c.value)).to.have.members(['relay.unknown-isp.example', '203.0.113.200', 'mx.unknown-isp.example']);
      expect(received.every((c) => c.warningLists.includes(RECEIVED_NOT_CUT))).to.equal(true);
    });

    it('gives no indicator for mail that never left participant infrastructure', function () {
      const chain = [
        `from mx1.corp.example (mx1.corp.example [198.51.100.10]) by mbox.corp.example; ${DATE}`,
        `from pc12.corp.example ([10.1.2.3]) by mx1.corp.example; ${DATE}`,
      ];
      const cut = cutReceivedChain(chain, infra);
      expect(cut.attackerSide).to.deep.equal([]);
      expect(cut.entry).to.equal(1);
    });

    it('never turns hops above the cut into indicators', async function () {
      const { extracted } = await analyse(FIXTURES.find((x) => x.name === 'Received chain')!);
      const values = extracted.candidates.map((c) => c.value);
      for (const internal of ['mbox01.corp.example', 'mbox-relay.corp.example', '10.20.0.5', '198.51.100.25'])
        expect(values, internal).to.not.include(internal);
      expect(values).to.include.members(['smtp.tokyo-rail-tender.xyz', '203.0.113.77', 'ws01.tokyo-rail-tender.xyz', '2001:db8:bad::25']);
    });
  });
});
