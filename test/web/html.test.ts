// The template helper: every interpolation is text unless it is a fragment this program made.
import { expect } from 'chai';
import fc from 'fast-check';
import { consoleUrl, escapeHtml, html, toHtmlString, trustedHtml, visibleText } from '../../web/console/html.ts';

describe('html templates', function () {
  it('escapes interpolated text in content and in quoted attributes', function () {
    const evil = `"><script>alert('x')</script><img src=x onerror=alert(1)>`;
    const out = toHtmlString(html`<p title="${evil}">${evil}</p>`);
    expect(out).to.not.include('<script>').and.not.include('<img').and.not.include('"><');
    expect(out).to.include('&lt;script&gt;').and.include('&quot;&gt;');
  });

  it('never lets any string produce a tag or leave an attribute (property)', function () {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeHtml(s);
        return !/[<>"'`]/.test(out) && (!out.includes('&') || /^(?:[^&]|&(?:amp|lt|gt|quot|#39|#96|#61);)*$/.test(out));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps nested templates and trusted fragments as markup, renders lists, drops null and false', function () {
    const inner = html`<b>${'<i>'}</b>`;
    expect(toHtmlString(html`<p>${inner}${[1, '<', null, false, undefined]}${trustedHtml('<svg></svg>')}</p>`)).to.equal(
      '<p><b>&lt;i&gt;</b>1&lt;<svg></svg></p>',
    );
  });

  it('does not take a look-alike object for a trusted fragment', function () {
    const fake = { html: '<script>alert(1)</script>' } as unknown as string;
    expect(toHtmlString(html`${fake}`)).to.equal('[object Object]');
  });

  it('shows bidirectional overrides, zero-width and control characters as visible markers', function () {
    expect(visibleText('invoice\u202Efdp.exe\u200B\u0007\tok\n')).to.equal('invoice⟨U+202E⟩fdp.exe⟨U+200B⟩⟨U+0007⟩\tok\n');
  });

  it('builds console links with encoded query values, leaving out empty ones', function () {
    expect(consoleUrl('/console/queue', { q: 'a&b=c', status: '', order: null })).to.equal('/console/queue?q=a%26b%3Dc');
  });
});
