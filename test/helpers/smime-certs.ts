// S/MIME test identities made with the real `openssl` CLI: a CA, and leaf certificates it issued
// for e-mail protection (RSA or EC), each as PEM text and as files for `openssl smime`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestIdentity {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

export interface TestPki {
  readonly dir: string;
  readonly ca: TestIdentity;
  /** A leaf issued by the CA for `email` (RSA 2048 unless `ec`). */
  issue(name: string, email: string, options?: { readonly ec?: boolean }): TestIdentity;
  /** Runs openssl with these arguments in the PKI folder; returns stdout, throws on a non-zero exit. */
  openssl(args: readonly string[], input?: Buffer): Buffer;
  remove(): void;
}

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-smime-'));
  const openssl = (args: readonly string[], input?: Buffer): Buffer =>
    execFileSync('openssl', args, { cwd: dir, input: input ?? Buffer.alloc(0), stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const read = (name: string): TestIdentity => {
    const certFile = path.join(dir, `${name}.pem`);
    const keyFile = path.join(dir, `${name}.key`);
    return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  };
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=C4TAP Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  let serial = 1;
  return {
    dir,
    ca: read('ca'),
    issue(name, email, options = {}) {
      const keyArgs = options.ec ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
      openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
      const usage = options.ec ? 'digitalSignature,keyAgreement' : 'digitalSignature,keyEncipherment';
      writeFileSync(path.join(dir, `${name}.ext`), `keyUsage=critical,${usage}\nextendedKeyUsage=emailProtection\nsubjectAltName=email:${email}\n`);
      openssl([
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-set_serial',
        String(++serial),
        '-days',
        '30',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      ]);
      return read(name);
    },
    openssl,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
