// The outline of a YARA source decides which file a match is attributed to when several files
// share one compiled rule set: it must find every rule, be fooled by nothing inside comments,
// strings, regexps or hex strings, and give up (null) rather than guess.
import { expect } from 'chai';
import { compile } from '@litko/yara-x';
import { outlineRules } from '../../analysis/engines/yara-outline.ts';

describe('YARA rule outline (analysis/engines/yara-outline.ts)', () => {
  it('lists the rules of a file with imports, modifiers, tags and comments', () => {
    const src = `
      import "pe"
      // rule Commented { condition: true }
      /* rule BlockCommented { condition: true } */
      private rule Helper { condition: filesize > 10 }
      global private rule Gate { condition: true }
      rule Tagged : apt lure { meta: note = "rule Fake { }" condition: Helper }
    `;
    expect(outlineRules(src)).to.deep.equal({ rules: ['Helper', 'Gate', 'Tagged'], hasGlobal: true });
    expect(() => compile(src)).to.not.throw();
  });

  it('is not fooled by braces and rule keywords inside strings, regexps and hex strings', () => {
    const src = String.raw`
      rule A {
        strings:
          $s = "} rule Fake { \" }"
          $r = /\}\/rule Fake2 \{[a-z]{2,3}/ nocase
          $h = { 4D 5A [2-4] ( 90 | 00 ) } // }
        condition:
          any of them and filesize \ 2 > 1
      }
      rule B { condition: A }
    `;
    expect(outlineRules(src)).to.deep.equal({ rules: ['A', 'B'], hasGlobal: false });
    expect(() => compile(src)).to.not.throw();
  });

  it('gives up on a top level it cannot read', () => {
    expect(outlineRules('rule A { condition: true ')).to.equal(null);
    expect(outlineRules('rule A { strings: $a = "unterminated\n condition: $a }')).to.equal(null);
    expect(outlineRules('rule { condition: true }')).to.equal(null);
    expect(outlineRules('something rule A { condition: true }')).to.equal(null);
    expect(outlineRules('/* never closed rule A { condition: true }')).to.equal(null);
  });
});
