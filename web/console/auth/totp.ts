// TOTP second factor (RFC 6238, 30-second steps, 6 digits, SHA-1: what authenticator apps use),
// through otplib. Secrets are stored sealed (core/sealed-text.ts: AES-256-GCM) under secrets.totpKey,
// with the principal id as associated data, so a secret copied onto another principal's row does not
// decrypt. Each accepted time step is recorded, so a code works once (store.acceptTotpStep).
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { openText, sealText } from '../../../core/sealed-text.ts';

/** One step either side of now, for clocks that drift a little. */
const TOLERANCE_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function encryptTotpSecret(key: Buffer, principalId: string, secret: string): string {
  return sealText(key, principalId, secret);
}

/** The secret, or null when the stored value is malformed or was not sealed for this principal. */
export function decryptTotpSecret(key: Buffer, principalId: string, stored: string | null): string | null {
  return openText(key, principalId, stored);
}

export type TotpCheck = { readonly ok: true; readonly step: number } | { readonly ok: false };

export async function checkTotp(secret: string, code: string, now: Date): Promise<TotpCheck> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return { ok: false };
  const r = await verify({ secret, token, epoch: Math.floor(now.getTime() / 1000), epochTolerance: TOLERANCE_SECONDS });
  return r.valid && 'timeStep' in r ? { ok: true, step: r.timeStep } : { ok: false };
}

export function totpUri(issuer: string, account: string, secret: string): string {
  return generateURI({ issuer, label: account, secret });
}

/** The enrolment QR code as a PNG data URL, shown in an <img> (the CSP allows data: images). */
export function qrDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}
