import { expect } from 'chai';
import { classWord, decideClasses, type ClassInput } from '../../ingest/class-directives.ts';
import type { ClassDecision, InfoKind } from '../../core/types.ts';

const NONE: ClassInput = { note: null, subject: null, recipients: ['report@c4tap.example'], orgDefault: {} };
const decide = (input: Partial<ClassInput>) => decideClasses({ ...NONE, ...input });
const decision = (decisions: readonly ClassDecision[], kind: InfoKind) => decisions.find((d) => d.kind === kind)!;

describe('sharing class decisions', function () {
  describe('sources one at a time', function () {
    it('makes everything RED when nobody said anything', function () {
      const { classes, decisions } = decide({});
      expect(classes).to.deep.equal({ sample: 'RED', mail: 'RED', network: 'RED', file: 'RED' });
      expect(decisions.map((d) => d.source)).to.deep.equal(['default', 'default', 'default', 'default']);
      expect(decisions.map((d) => d.kind)).to.deep.equal(['sample', 'mail', 'network', 'file']);
    });

    it("uses the organisation's default profile per kind, RED for kinds it leaves out", function () {
      const { classes, decisions } = decide({ orgDefault: { network: 'GREEN', file: 'AMBER' } });
      expect(classes).to.deep.equal({ sample: 'RED', mail: 'RED', network: 'GREEN', file: 'AMBER' });
      expect(decision(decisions, 'network').source).to.equal('org-default');
      expect(decision(decisions, 'sample').source).to.equal('default');
    });

    for (const [address, cls] of [
      ['amber@c4tap.example', 'AMBER'],
      ['report+green@c4tap.example', 'GREEN'],
      ['Yellow@c4tap.example', 'YELLOW'],
      ['report+clear@c4tap.example', 'WHITE'],
    ] as const) {
      it(`reads ${cls} from the drop address ${address}`, function () {
        const { classes, decisions } = decide({ recipients: [address] });
        expect(Object.values(classes)).to.deep.equal([cls, cls, cls, cls]);
        expect(decision(decisions, 'mail').source).to.equal('drop-address');
        expect(decision(decisions, 'mail').reason).to.contain(address);
      });
    }

    it('reads nothing from a plain drop address', function () {
      expect(decide({ recipients: ['report@c4tap.example'] }).decisions[0]!.source).to.equal('default');
    });

    for (const [subject, cls] of [
      ['[C4TAP:AMBER] FW: invoice', 'AMBER'],
      ['FW: invoice [TLP:GREEN]', 'GREEN'],
      ['TLP:AMBER+STRICT FW: invoice', 'AMBER'],
      ['[TLP:CLEAR] FW: invoice', 'WHITE'],
      ['【TLP:YELLOW】転送: 請求書', 'YELLOW'],
      ['[c4tap：white] fw: x', 'WHITE'],
    ] as const) {
      it(`reads ${cls} from the subject tag in "${subject}"`, function () {
        const { classes, decisions } = decide({ subject });
        expect(Object.values(classes)).to.deep.equal([cls, cls, cls, cls]);
        expect(decision(decisions, 'file').source).to.equal('subject-tag');
      });
    }

    it('reads per-kind values from a C4TAP subject tag', function () {
      const { classes } = decide({ subject: '[C4TAP:network=GREEN file=AMBER] FW: x' });
      expect(classes).to.deep.equal({ sample: 'RED', mail: 'RED', network: 'GREEN', file: 'AMBER' });
    });

    it('reads a bare directive line from the note for every kind', function () {
      const { classes, decisions } = decide({ note: 'Please have a look.\nC4TAP-Class: AMBER\nRegards, SOC' });
      expect(Object.values(classes)).to.deep.equal(['AMBER', 'AMBER', 'AMBER', 'AMBER']);
      expect(decision(decisions, 'sample').source).to.equal('directive');
      expect(decision(decisions, 'sample').reason).to.contain('C4TAP-Class: AMBER');
    });

    it('reads a per-kind directive, leaving the other kinds to lower sources', function () {
      const { classes, decisions } = decide({ note: 'C4TAP-Class: network=GREEN file=AMBER sample=RED' });
      expect(classes).to.deep.equal({ sample: 'RED', mail: 'RED', network: 'GREEN', file: 'AMBER' });
      expect(decision(decisions, 'sample').source).to.equal('directive');
      expect(decision(decisions, 'mail').source).to.equal('default');
    });

    it('accepts any case, spaces around "=", the Japanese colon and full-width letters', function () {
      for (const line of ['c4tap-class: Network = green', 'C4TAP-Class：network=GREEN', 'Ｃ４ＴＡＰ－Ｃｌａｓｓ：ｎｅｔｗｏｒｋ＝ＧＲＥＥＮ']) {
        expect(decide({ note: line }).classes.network, line).to.equal('GREEN');
      }
    });

    it('lets a kind named explicitly override a bare class on the same line', function () {
      expect(decide({ note: 'C4TAP-Class: AMBER network=GREEN' }).classes).to.deep.equal({ sample: 'AMBER', mail: 'AMBER', network: 'GREEN', file: 'AMBER' });
    });
  });

  describe('precedence', function () {
    it('takes directive over subject tag over drop address over org default, kind by kind', function () {
      const { classes, decisions } = decide({
        note: 'C4TAP-Class: network=WHITE',
        subject: '[C4TAP:file=GREEN] FW: x',
        recipients: ['report+yellow@c4tap.example'],
        orgDefault: { sample: 'AMBER', mail: 'GREEN', network: 'RED', file: 'RED' },
      });
      expect(classes).to.deep.equal({ sample: 'YELLOW', mail: 'YELLOW', network: 'WHITE', file: 'GREEN' });
      expect(decisions.map((d) => d.source)).to.deep.equal(['drop-address', 'drop-address', 'directive', 'subject-tag']);
    });

    it('falls through to the org default for kinds no higher source set', function () {
      const { classes } = decide({ subject: '[C4TAP:network=GREEN]', orgDefault: { sample: 'AMBER' } });
      expect(classes).to.deep.equal({ sample: 'AMBER', mail: 'RED', network: 'GREEN', file: 'RED' });
    });

    it('keeps a higher source even when a lower one is more restrictive', function () {
      expect(decide({ note: 'C4TAP-Class: GREEN', subject: '[TLP:RED]' }).classes.mail).to.equal('GREEN');
    });
  });

  describe('conflicts resolve to the most restrictive reading', function () {
    it('between two directive lines', function () {
      const { classes, decisions } = decide({ note: 'C4TAP-Class: GREEN\nC4TAP-Class: AMBER' });
      expect(Object.values(classes)).to.deep.equal(['AMBER', 'AMBER', 'AMBER', 'AMBER']);
      expect(decision(decisions, 'mail').reason).to.match(/conflicting directives \(GREEN, AMBER\); most restrictive kept/);
    });

    it('within one line naming a kind twice', function () {
      const { classes, decisions } = decide({ note: 'C4TAP-Class: network=WHITE network=YELLOW' });
      expect(classes.network).to.equal('YELLOW');
      expect(decision(decisions, 'network').reason).to.contain('conflicting');
      expect(classes.file).to.equal('RED');
      expect(decision(decisions, 'file').source).to.equal('default');
    });

    it('between two subject tags', function () {
      const { classes, decisions } = decide({ subject: '[TLP:GREEN] [C4TAP:AMBER] FW: x' });
      expect(classes.sample).to.equal('AMBER');
      expect(decision(decisions, 'sample').reason).to.contain('conflicting subject tags');
    });

    it('between two drop addresses', function () {
      const { classes, decisions } = decide({ recipients: ['green@c4tap.example', 'report+amber@c4tap.example'] });
      expect(classes.file).to.equal('AMBER');
      expect(decision(decisions, 'file').reason).to.contain('conflicting drop addresses');
    });

    it('but repeating the same class is no conflict', function () {
      const { decisions } = decide({ note: 'C4TAP-Class: AMBER\nC4TAP-Class: AMBER' });
      expect(decisions[0]!.reason).not.to.contain('conflicting');
    });
  });

  describe('malformed directives read as RED', function () {
    it('for every kind when the class word is unknown', function () {
      const { classes, decisions } = decide({ note: 'C4TAP-Class: PURPLE', orgDefault: { sample: 'GREEN' } });
      expect(Object.values(classes)).to.deep.equal(['RED', 'RED', 'RED', 'RED']);
      expect(decision(decisions, 'sample').source).to.equal('directive');
      expect(decision(decisions, 'sample').reason).to.contain('malformed directive ("PURPLE")');
    });

    it('for every kind when the kind is unknown, even next to valid pairs', function () {
      const { classes, decisions } = decide({ note: 'C4TAP-Class: network=GREEN netwrk=GREEN' });
      expect(Object.values(classes)).to.deep.equal(['RED', 'RED', 'RED', 'RED']);
      expect(decision(decisions, 'network').reason).to.contain('netwrk=GREEN');
    });

    it('only for the kind it named when the kind is known but the class is not', function () {
      const { classes, decisions } = decide({ note: 'C4TAP-Class: network=GREENISH file=GREEN', subject: '[TLP:AMBER]' });
      expect(classes).to.deep.equal({ sample: 'AMBER', mail: 'AMBER', network: 'RED', file: 'GREEN' });
      expect(decision(decisions, 'network').reason).to.contain('malformed');
    });

    it('for every kind when the directive is empty', function () {
      expect(decide({ note: 'C4TAP-Class:', subject: '[TLP:GREEN]' }).classes).to.deep.equal({ sample: 'RED', mail: 'RED', network: 'RED', file: 'RED' });
    });

    it('for a malformed subject tag or drop address tag', function () {
      const tag = decide({ subject: '[TLP:PINK] FW: x', recipients: ['report+green@c4tap.example'] });
      expect(tag.classes.mail).to.equal('RED');
      expect(decision(tag.decisions, 'mail').reason).to.contain('malformed subject tag');
      const drop = decide({ recipients: ['report+greeen@c4tap.example'], orgDefault: { mail: 'WHITE' } });
      expect(drop.classes.mail).to.equal('RED');
      expect(decision(drop.decisions, 'mail').reason).to.contain('malformed drop address');
    });
  });

  describe("the original's own labels", function () {
    it('ignores a TLP tag that comes from the original subject, and says so', function () {
      const { classes, decisions } = decide({
        subject: 'FW: [TLP:CLEAR] Security advisory',
        originalSubjects: ['[TLP:CLEAR] Security advisory'],
      });
      expect(classes.network).to.equal('RED');
      expect(decision(decisions, 'network').reason).to.contain('ignored [TLP:CLEAR]');
    });

    it("still reads the submitter's own tag next to the original's", function () {
      const { classes } = decide({ subject: '[C4TAP:AMBER] FW: [TLP:CLEAR] advisory', originalSubjects: ['[TLP:CLEAR] advisory'] });
      expect(classes.file).to.equal('AMBER');
    });
  });

  it('maps TLP 2.0 labels onto our classes', function () {
    expect(['TLP:CLEAR', 'tlp:amber+strict', 'AMBER+STRICT', 'clear', 'TLP:RED', 'green'].map(classWord)).to.deep.equal([
      'WHITE',
      'AMBER',
      'AMBER',
      'WHITE',
      'RED',
      'GREEN',
    ]);
    expect(classWord('PURPLE')).to.equal(null);
  });
});
