// A WritableStream that keeps what a decompressor writes, up to a cap: one byte more and the
// write fails, which aborts the decompression. Declared sizes are never trusted alone.

export class CapExceeded extends Error {
  constructor(readonly cap: number) {
    super(`output exceeds ${cap} bytes`);
    this.name = 'CapExceeded';
  }
}

export interface CappedSink {
  readonly writable: WritableStream<Uint8Array>;
  /** Bytes written so far (including the chunk that crossed the cap). */
  bytes(): number;
  content(): Buffer;
}

export function cappedSink(cap: number): CappedSink {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      bytes += chunk.byteLength;
      if (bytes > cap) throw new CapExceeded(cap);
      chunks.push(Buffer.from(chunk)); // a copy: the writer may reuse its buffer
    },
  });
  return { writable, bytes: () => bytes, content: () => Buffer.concat(chunks) };
}

/** Whether an error (possibly wrapped by a stream library) came from a cap. */
export function isCapExceeded(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof CapExceeded) return true;
  }
  return false;
}
