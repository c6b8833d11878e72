import { expect } from 'chai';
import { generateSecret, hashSecret, verifySecret } from '../../core/passwords.ts';

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
