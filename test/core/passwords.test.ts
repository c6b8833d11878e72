import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { generateSecret, hashMachineSecret, hashSecret, isKeyedHash, verifyMachineSecret, verifySecret } from '../../core/passwords.ts';

describe('generated secrets', () => {
  it('never start with a character a command-line client reads as an option', () => {
    // 1 in 32 of plain base64url strings starts with "-" or "_": 4,000 draws would show it.
    const secrets = Array.from({ length: 4000 }, generateSecret);
    expect(secrets.filter((s) => /^[-_]/.test(s))).to.deep.equal([]);
    for (const s of secrets) expect(s).to.match(/^[A-Za-z0-9][A-Za-z0-9_-]{23}$/);
    expect(new Set(secrets).size).to.equal(secrets.length);
  });

  it('verify against their scrypt hash and refuse another secret', async () => {
    const secret = generateSecret();
    const stored = await hashSecret(secret);
    expect(await verifySecret(secret, stored)).to.equal(true);
    expect(await verifySecret(generateSecret(), stored)).to.equal(false);
  });
});

describe('machine secrets under a keyed hash', () => {
  const key = randomBytes(32);

  it('verify against their keyed hash and refuse another secret, or the same hash under another key', async () => {
    const secret = generateSecret();
    const stored = hashMachineSecret(secret, key);
    expect(isKeyedHash(stored, key)).to.equal(true);
    expect(await verifyMachineSecret(secret, stored, key)).to.equal(true);
    expect(await verifyMachineSecret(generateSecret(), stored, key)).to.equal(false);
    expect(await verifyMachineSecret(secret, stored, randomBytes(32)), 'server key replaced').to.equal(false);
    expect(await verifyMachineSecret(secret, stored.slice(0, -4), key), 'truncated hash').to.equal(false);
  });

  it('still verify against a scrypt hash stored before the keyed form, which is worth upgrading', async () => {
    const secret = generateSecret();
    const legacy = await hashSecret(secret);
    expect(isKeyedHash(legacy, key)).to.equal(false);
    expect(await verifyMachineSecret(secret, legacy, key)).to.equal(true);
    expect(await verifyMachineSecret(generateSecret(), legacy, key)).to.equal(false);
    expect(await verifyMachineSecret(secret, null, key)).to.equal(false);
  });
});
