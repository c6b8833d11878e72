// X.509 certificates embedded in binaries (signed .mobileconfig profiles, signed PDFs, Authenticode)
// carry the CA's CRL and OCSP URLs (`http://r11.o.lencr.org` glued to the next DER byte, read as
// `…lencr.org0`). They are the certificate authority's, not the attacker's: their bytes are
// blanked before strings are pulled out of a binary. Found by the TBSCertificate's version field
// (`A0 03 02 01 02`) right after two DER SEQUENCE headers with two-byte lengths; one pass.

const VERSION_V3 = Buffer.from([0xa0, 0x03, 0x02, 0x01, 0x02]);

/** Start and end of each DER certificate in the buffer. */
export function certificateRegions(buf: Buffer): { readonly start: number; readonly end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let p = buf.indexOf(VERSION_V3, 8); p >= 0; p = buf.indexOf(VERSION_V3, p + 1)) {
    const start = p - 8;
    if (start < 0 || buf[start] !== 0x30 || buf[start + 1] !== 0x82 || buf[p - 4] !== 0x30 || buf[p - 3] !== 0x82) continue;
    const certLength = 4 + ((buf[start + 2]! << 8) | buf[start + 3]!);
    const tbsLength = 4 + ((buf[p - 2]! << 8) | buf[p - 1]!);
    if (tbsLength >= certLength) continue;
    const end = Math.min(buf.length, start + certLength);
    out.push({ start, end });
    p = Math.max(p, end - 1);
  }
  return out;
}

/** The buffer with its certificates' bytes zeroed (the same buffer when there are none). */
export function blankCertificates(buf: Buffer): Buffer {
  const regions = certificateRegions(buf);
  if (regions.length === 0) return buf;
  const copy = Buffer.from(buf);
  for (const r of regions) copy.fill(0, r.start, r.end);
  return copy;
}
