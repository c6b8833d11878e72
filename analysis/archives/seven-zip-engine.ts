// 7-Zip compiled to WebAssembly (npm `7z-wasm`, 7-Zip 24.09): one fresh instance per command, in
// process, on its own in-memory file system (nothing touches the disk, so no member name can
// escape a directory and nothing is left to clean up). The compiled module is shared; each
// instance's memory is dropped with it. Writes under the output folder are counted and refused
// past a cap with ENOSPC, so 7-Zip stops expanding as a full disk would stop it.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FSStream, SevenZipModule, SevenZipModuleFactory } from '7z-wasm';

const require = createRequire(import.meta.url);
/** The emscripten factory (a CommonJS module). */
const SevenZip = require('7z-wasm') as SevenZipModuleFactory;

const INPUT = '/w/in';
const OUT = '/w/out';
const ENOSPC = 28;

export interface SevenZipRun {
  /** 7-Zip's exit code (0 ok, 1 warning, 2 fatal error, 8 out of memory); null when it aborted. */
  readonly exitCode: number | null;
  /** What it printed (stdout and stderr, in order). */
  readonly output: string;
  /** Files written under the output folder, by path relative to it. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Bytes it tried to write under the output folder, including refused ones. */
  readonly bytesTried: number;
  readonly capHit: boolean;
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** The compiled 7-Zip module, compiled once per process (immutable; instances are per command). */
function wasmModule(): Promise<WebAssembly.Module> {
  compiled ??= readFile(require.resolve('7z-wasm/7zz.wasm')).then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

function walk(fs: SevenZipModule['FS'], dir: string, prefix: string, out: Map<string, Buffer>): void {
  let names: string[];
  try {
    names = fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === '.' || name === '..') continue;
    const path = `${dir}/${name}`;
    const stat = fs.lstat(path);
    if (fs.isDir(stat.mode)) walk(fs, path, `${prefix}${name}/`, out);
    else if (fs.isFile(stat.mode)) out.set(`${prefix}${name}`, Buffer.from(fs.readFile(path)));
  }
}

/**
 * Runs `7zz <args>` on `input` (placed at the path `{in}` stands for in args; `{out}` is the
 * output folder). Never throws for what the archive does: a crash is exit code null.
 */
export async function runSevenZip(input: Buffer, args: readonly string[], cap = Number.MAX_SAFE_INTEGER): Promise<SevenZipRun> {
  const module = await wasmModule();
  let output = '';
  const sz = await SevenZip({
    print: (s: string) => void (output += `${s}\n`),
    printErr: (s: string) => void (output += `${s}\n`),
    stdin: () => null as unknown as number, // never a password prompt: end of input
    instantiateWasm: (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
      void WebAssembly.instantiate(module, imports).then((instance) => done(instance, module));
      return {};
    },
  } as never);
  const fs = sz.FS;
  fs.mkdir('/w');
  fs.writeFile(INPUT, input);
  fs.mkdir(OUT);
  let bytesTried = 0;
  let capHit = false;
  const write = fs.write.bind(fs);
  const ErrnoError = (fs as unknown as { ErrnoError: new (errno: number) => Error }).ErrnoError;
  fs.write = (stream: FSStream, buffer: ArrayBufferView, offset: number, length: number, position?: number, canOwn?: boolean) => {
    const path = (stream as unknown as { path?: string }).path ?? '';
    if (path.startsWith(`${OUT}/`)) {
      bytesTried += length;
      if (bytesTried > cap) {
        capHit = true;
        throw new ErrnoError(ENOSPC);
      }
    }
    return write(stream, buffer, offset, length, position, canOwn);
  };
  let exitCode: number | null;
  try {
    exitCode = (sz.callMain(args.map((a) => a.replaceAll('{in}', INPUT).replaceAll('{out}', OUT))) as unknown as number | undefined) ?? 0;
  } catch {
    exitCode = null; // a C++ exception or abort inside 7-Zip: this instance is discarded anyway
  }
  const files = new Map<string, Buffer>();
  walk(fs, OUT, '', files);
  return { exitCode, output, files, bytesTried, capHit };
}
