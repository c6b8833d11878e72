// The free-space figure checked at MAIL FROM is re-read at most once per interval.
import { expect } from 'chai';
import { cachedFor } from '../../ingest/smtp-limits.ts';

describe('SMTP limits: cached free-space reads', () => {
  it('re-reads only after the interval, shares one read between concurrent callers, and retries after a failure', async () => {
    let t = 0;
    let reads = 0;
    let fail = false;
    const read = cachedFor(
      1000,
      async () => {
        reads++;
        if (fail) throw new Error('statfs failed');
        return reads;
      },
      () => t,
    );
    expect(await Promise.all([read(), read()])).to.deep.equal([1, 1]);
    t = 999;
    expect(await read()).to.equal(1);
    t = 1000;
    fail = true;
    let thrown = false;
    await read().catch(() => (thrown = true));
    expect(thrown).to.equal(true);
    fail = false;
    expect(await read()).to.equal(3);
  });
});
