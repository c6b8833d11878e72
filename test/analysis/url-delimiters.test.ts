// URLs as mail text writes them, cut where the text goes on, and their canonical form escaped as
// RFC 3986 requires — values the STIX validator and consumers' URL parsers accept (issue 15).
import { expect } from 'chai';
import { canonicalUrl, findUrls } from '../../analysis/indicators/index.ts';

describe('URLs: delimiters of mail text and RFC 3986 canonical form', function () {
  it('ends a URL at a `]` it did not open, a pipe, angle brackets and quotes, keeping IPv6 hosts and `a[]` queries', function () {
    const text =
      'see [http://evil.example/a] | http://evil.example/b|next <http://evil.example/c> "http://evil.example/d" \'http://evil.example/e\' http://[2001:db8::1]/x?a[]=1]';
    expect(findUrls(text)).to.deep.equal([
      'http://evil.example/a',
      'http://evil.example/b',
      'http://evil.example/c',
      'http://evil.example/d',
      'http://evil.example/e',
      'http://[2001:db8::1]/x?a[]=1',
    ]);
  });

  it('percent-encodes in the canonical form what RFC 3986 does not allow unescaped (`|`, brackets, braces, a second `#`, a stray `%`, spaces, non-ASCII)', function () {
    expect(canonicalUrl('http://evil.example/a|b?q=x|y^{}[]#f#g')?.value).to.equal('http://evil.example/a%7Cb?q=x%7Cy%5E%7B%7D%5B%5D#f%23g');
    expect(canonicalUrl('http://evil.example/%zz/%41')?.value).to.equal('http://evil.example/%25zz/A');
    expect(canonicalUrl('http://evil.example/日?é')?.value).to.equal('http://evil.example/%E6%97%A5?%C3%A9');
    // Already canonical values are unchanged.
    expect(canonicalUrl('https://evil.example/a/~user/%2F?q=A%2F&x=1;y=(2)#Frag')?.value).to.equal('https://evil.example/a/~user/%2F?q=A%2F&x=1;y=(2)#Frag');
  });
});
