import { expect } from 'chai';
import { createMultiHasher, hashBuffer } from '../../quarantine/hashes.ts';

describe('sample hashes', () => {
  it('gives the standard SHA-256, SHA-1 and MD5 of "abc"', () => {
    expect(hashBuffer(Buffer.from('abc'))).to.deep.equal({
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      md5: '900150983cd24fb0d6963f7d28e17f72',
    });
  });

  it('gives the same digests when the data arrives in chunks', () => {
    const data = Buffer.from('attachment body '.repeat(1000));
    const hasher = createMultiHasher();
    for (let off = 0; off < data.length; off += 777) hasher.update(data.subarray(off, off + 777));
    expect(hasher.digest()).to.deep.equal(hashBuffer(data));
  });
});
