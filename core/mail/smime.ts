// S/MIME's cryptographic core (RFC 5652 CMS, RFC 8551 S/MIME 4.0): a detached SignedData over a MIME
// entity, and an EnvelopedData that encrypts one to a recipient certificate. The ASN.1 structures
// come from @peculiar/asn1-cms (typed schemas); every cryptographic operation is Node's own
// (OpenSSL): RSA or ECDSA signatures with SHA-256, AES-256-CBC content encryption, RSA key
// transport (PKCS #1 v1.5, what every mail client decrypts). Pure functions over bytes.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createCipheriv,
  publicEncrypt,
  randomBytes,
  sign,
  constants,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  EncryptedContent,
  EncryptedContentInfo,
  EnvelopedData,
  IssuerAndSerialNumber,
  KeyTransRecipientInfo,
  RecipientIdentifier,
  RecipientInfo,
  RecipientInfos,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { ContentType, MessageDigest, SigningTime, SMIMECapabilities, SMIMECapability } from '@peculiar/asn1-pkcs9';
import { C4Error } from '../errors.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  smimeCapabilities: '1.2.840.113549.1.9.15',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
} as const;

/** The exchange's signing identity: its certificate (then any chain) and private key. */
export interface SmimeSigner {
  /** DER certificates, the signer's first, then intermediates to include in signatures. */
  readonly certificates: readonly Buffer[];
  readonly key: KeyObject;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** Every certificate of a PEM text, as DER, in file order. */
export function certificatesFromPem(pem: string): Buffer[] {
  return [...pem.matchAll(PEM_CERT)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

function parseCertificate(der: Buffer, what: string): Certificate {
  try {
    const cert = AsnConvert.parse(der, Certificate);
    // The certificate is re-encoded inside the CMS structures: it must come back byte for byte.
    if (!Buffer.from(AsnConvert.serialize(cert)).equals(der)) throw new Error('not in canonical DER');
    return cert;
  } catch (err) {
    throw new C4Error('VALIDATION_FAILED', `${what}: not a usable X.509 certificate (${(err as Error).message})`);
  }
}

/**
 * The signer from PEM texts (certificate file with optional chain, unencrypted private key). Fails
 * with CONFIG_INVALID when the key does not belong to the certificate or is neither RSA nor EC.
 */
export function loadSmimeSigner(certPem: string, keyPem: string): SmimeSigner {
  const certificates = certificatesFromPem(certPem);
  if (certificates.length === 0) throw new C4Error('CONFIG_INVALID', 'S/MIME certificate file holds no PEM certificate');
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new C4Error('CONFIG_INVALID', `S/MIME key file is not a usable unencrypted private key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') {
    throw new C4Error('CONFIG_INVALID', `S/MIME key type ${key.asymmetricKeyType ?? 'unknown'} is not supported (RSA or EC)`);
  }
  const signerCert = new X509Certificate(certificates[0]!);
  if (!signerCert.checkPrivateKey(key)) throw new C4Error('CONFIG_INVALID', 'S/MIME key does not belong to the first certificate of the certificate file');
  for (const der of certificates) parseCertificate(der, 'S/MIME certificate');
  return { certificates, key };
}

function der(value: unknown): ArrayBuffer {
  return AsnConvert.serialize(value);
}

function issuerAndSerial(cert: Certificate): IssuerAndSerialNumber {
  return new IssuerAndSerialNumber({ issuer: cert.tbsCertificate.issuer, serialNumber: cert.tbsCertificate.serialNumber });
}

function contentInfo(contentType: string, content: unknown): Buffer {
  return Buffer.from(der(new ContentInfo({ contentType, content: der(content) })));
}

/** DER length octets. */
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/**
 * A detached CMS SignedData (DER ContentInfo) over `content` with SHA-256: signed attributes
 * content type, signing time, message digest and S/MIME capabilities (AES-256/128-CBC, so
 * replies can be encrypted to us), and the signer's certificate chain.
 */
export function signDetached(content: Buffer, signer: SmimeSigner, signingTime: Date): Buffer {
  const cert = parseCertificate(signer.certificates[0]!, 'S/MIME certificate');
  const capabilities = new SMIMECapabilities([new SMIMECapability({ algorithm: OID.aes256Cbc }), new SMIMECapability({ algorithm: OID.aes128Cbc })]);
  const attributes = [
    new Attribute({ attrType: OID.contentType, attrValues: [der(new ContentType(OID.data))] }),
    new Attribute({ attrType: OID.signingTime, attrValues: [der(new SigningTime(signingTime))] }),
    new Attribute({ attrType: OID.messageDigest, attrValues: [der(new MessageDigest(createHash('sha256').update(content).digest()))] }),
    new Attribute({ attrType: OID.smimeCapabilities, attrValues: [der(capabilities)] }),
  ];
  // DER orders a SET OF by encoding; the signature covers the attributes as that SET (tag 0x31).
  const encoded = attributes.map((a) => ({ a, bytes: Buffer.from(der(a)) })).sort((x, y) => Buffer.compare(x.bytes, y.bytes));
  const body = Buffer.concat(encoded.map((e) => e.bytes));
  const signedSet = Buffer.concat([Buffer.from([0x31]), derLength(body.length), body]);
  const rsa = signer.key.asymmetricKeyType === 'rsa';
  const signature = sign('sha256', signedSet, signer.key);
  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({ issuerAndSerialNumber: issuerAndSerial(cert) }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
    signedAttrs: encoded.map((e) => e.a),
    signatureAlgorithm: rsa
      ? new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: null })
      : new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 }),
    signature: new OctetString(signature),
  });
  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID.sha256 })]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: new CertificateSet(signer.certificates.map((c) => new CertificateChoices({ certificate: AsnConvert.parse(c, Certificate) }))),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return contentInfo(OID.signedData, signedData);
}

/** Why a recipient certificate cannot be encrypted to, or null when it can. */
export function recipientProblem(certDer: Buffer, now: Date): string | null {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certDer);
  } catch {
    return 'not an X.509 certificate';
  }
  if (now < new Date(x509.validFrom) || now > new Date(x509.validTo)) return `not valid at ${now.toISOString()} (valid ${x509.validFrom} to ${x509.validTo})`;
  const type = createPublicKey(x509.publicKey.export({ type: 'spki', format: 'pem' })).asymmetricKeyType;
  if (type !== 'rsa') return `key type ${type ?? 'unknown'} cannot receive S/MIME mail from this exchange (RSA required)`;
  return null;
}

/**
 * A CMS EnvelopedData (DER ContentInfo): `content` under a fresh AES-256-CBC key, the key
 * encrypted to the recipient certificate's RSA key. Refuses (VALIDATION_FAILED) a certificate
 * that is expired, not yet valid, or not RSA.
 */
export function envelope(content: Buffer, recipientCertDer: Buffer, now: Date): Buffer {
  const problem = recipientProblem(recipientCertDer, now);
  if (problem) throw new C4Error('VALIDATION_FAILED', `S/MIME recipient certificate: ${problem}`);
  const cert = parseCertificate(recipientCertDer, 'S/MIME recipient certificate');
  const cek = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', cek, iv);
  const encrypted = Buffer.concat([cipher.update(content), cipher.final()]);
  const publicKey = new X509Certificate(recipientCertDer).publicKey;
  const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, cek);
  const recipient = new KeyTransRecipientInfo({
    version: CMSVersion.v0,
    rid: new RecipientIdentifier({ issuerAndSerialNumber: issuerAndSerial(cert) }),
    keyEncryptionAlgorithm: new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: null }),
    encryptedKey: new OctetString(encryptedKey),
  });
  const enveloped = new EnvelopedData({
    version: CMSVersion.v0,
    recipientInfos: new RecipientInfos([new RecipientInfo({ ktri: recipient })]),
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: OID.data,
      contentEncryptionAlgorithm: new AlgorithmIdentifier({ algorithm: OID.aes256Cbc, parameters: der(new OctetString(iv)) }),
      encryptedContent: new EncryptedContent({ value: new OctetString(encrypted) }),
    }),
  });
  return contentInfo(OID.envelopedData, enveloped);
}
