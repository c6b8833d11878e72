// core/gc-hint.ts: a full collection once enough large buffers were released, on the next turn.
import { expect } from 'chai';
import { createGcHint } from '../../core/gc-hint.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('garbage collection hint', function () {
  const saved = (globalThis as { gc?: () => void }).gc;
  let runs = 0;
  beforeEach(function () {
    runs = 0;
    (globalThis as { gc?: () => void }).gc = () => void runs++;
  });
  afterEach(function () {
    if (saved) (globalThis as { gc?: () => void }).gc = saved;
    else delete (globalThis as { gc?: () => void }).gc;
  });

  it('collects once the released bytes reach the threshold, on the next turn, and reports the pause', async function () {
    const pauses: number[] = [];
    const hint = createGcHint({ thresholdBytes: 10, largeBytes: 1, collected: (ms) => pauses.push(ms) });
    hint.released(6);
    await nextTurn();
    expect(runs, 'under the threshold').to.equal(0);
    hint.released(6);
    expect(runs, 'not within the caller').to.equal(0);
    await nextTurn();
    expect(runs).to.equal(1);
    expect(pauses).to.have.length(1);
    expect(pauses[0]).to.be.at.least(0);
  });

  it('covers the releases made before a scheduled collection runs, then counts again from zero', async function () {
    const hint = createGcHint({ thresholdBytes: 10, largeBytes: 1 });
    hint.released(10);
    hint.released(50);
    await nextTurn();
    expect(runs).to.equal(1);
    hint.released(9);
    await nextTurn();
    expect(runs).to.equal(1);
    hint.released(1);
    await nextTurn();
    expect(runs).to.equal(2);
  });

  it('does not count buffers smaller than largeBytes', async function () {
    const hint = createGcHint({ thresholdBytes: 10, largeBytes: 5 });
    for (let i = 0; i < 10; i++) hint.released(4);
    await nextTurn();
    expect(runs).to.equal(0);
    hint.released(5);
    hint.released(5);
    await nextTurn();
    expect(runs).to.equal(1);
  });

  it('does nothing when the process has no gc (started without --expose-gc)', async function () {
    (globalThis as { gc?: () => void }).gc = undefined;
    const hint = createGcHint({ thresholdBytes: 1, largeBytes: 1 });
    hint.released(100);
    await nextTurn();
    expect(runs).to.equal(0);
  });
});
