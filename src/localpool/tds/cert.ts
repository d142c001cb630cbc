import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The local pool's TLS certificate. With no certificate supplied, the pool makes a self-signed one
 * (ECDSA P-256, for localhost, 127.0.0.1 and ::1) on first start and keeps it in its tls folder;
 * clients trust it by its path (tedious: `options.cryptoCredentialsDetails.ca`).
 *
 * It is built here with node:crypto and a few lines of DER rather than an npm package or the
 * openssl command: the extension runs on Windows and macOS machines that may lack openssl, and
 * a self-signed certificate needs no more than this.
 */
export interface TlsMaterial {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** True when this start created the certificate. */
  readonly created: boolean;
}

export interface CertificateOptions {
  /** A certificate (PEM) to use instead of the generated one; needs keyPath too. */
  readonly certPath?: string;
  readonly keyPath?: string;
  /** Where the generated certificate lives. */
  readonly dir?: string;
}

// --- a minimal DER writer ---------------------------------------------------------------------

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => der(0x30, ...c);
const set = (...c: Buffer[]): Buffer => der(0x31, ...c);

function oid(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const bytes = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const enc = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) enc.unshift((v & 0x7f) | 0x80);
    bytes.push(...enc);
  }
  return der(0x06, Buffer.from(bytes));
}

/** A non-negative INTEGER from big-endian bytes, in DER's minimal form (no redundant leading zero). */
function derInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const v = bytes.subarray(start);
  return der(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function utcTime(d: Date): Buffer {
  const p = (n: number): string => String(n).padStart(2, '0');
  const text = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return der(0x17, Buffer.from(text, 'ascii'));
}

function name(commonName: string): Buffer {
  return seq(set(seq(oid('2.5.4.3'), der(0x0c, Buffer.from(commonName, 'utf8')))));
}

function toPem(label: string, body: Buffer): string {
  const b64 = body.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** A self-signed certificate for the local pool, valid from yesterday for `years` years. */
export function createSelfSignedCertificate(commonName = 'localpool', years = 5): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const now = Date.now();
  const notBefore = new Date(now - 86_400_000);
  const notAfter = new Date(now + years * 365 * 86_400_000);
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const subjectAltName = seq(
    der(0x82, Buffer.from('localhost', 'ascii')),
    der(0x87, Buffer.from([127, 0, 0, 1])),
    der(0x87, Buffer.concat([Buffer.alloc(15), Buffer.from([1])])),
  );
  const extensions = der(
    0xa3,
    seq(
      seq(oid('2.5.29.19'), der(0x01, Buffer.from([0xff])), der(0x04, seq(der(0x01, Buffer.from([0xff]))))),
      seq(oid('2.5.29.15'), der(0x01, Buffer.from([0xff])), der(0x04, der(0x03, Buffer.from([0x02, 0x84])))),
      seq(oid('2.5.29.37'), der(0x04, seq(oid('1.3.6.1.5.5.7.3.1')))),
      seq(oid('2.5.29.17'), der(0x04, subjectAltName)),
    ),
  );
  const tbs = seq(
    der(0xa0, derInteger(Buffer.from([2]))),
    derInteger(serial),
    ecdsaSha256,
    name(commonName),
    seq(utcTime(notBefore), utcTime(notAfter)),
    name(commonName),
    spki,
    extensions,
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const cert = seq(tbs, ecdsaSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { certPem: toPem('CERTIFICATE', cert), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The supplied certificate, or the one in `dir` (created when missing or expired). */
export async function loadOrCreateCertificate(options: CertificateOptions): Promise<TlsMaterial> {
  if (options.certPath || options.keyPath) {
    if (!options.certPath || !options.keyPath) {
      throw new Error('A TLS certificate needs both its certificate file and its key file: give both certPath and keyPath.');
    }
    const [certPem, keyPem] = await Promise.all([readFile(options.certPath, 'utf8'), readFile(options.keyPath, 'utf8')]);
    try {
      new X509Certificate(certPem);
      createPrivateKey(keyPem);
    } catch (e) {
      throw new Error(`The TLS certificate ${options.certPath} or its key ${options.keyPath} cannot be read (${(e as Error).message}). Give PEM files.`);
    }
    return { certPem, keyPem, certPath: options.certPath, keyPath: options.keyPath, created: false };
  }
  if (!options.dir) throw new Error('The local pool needs a folder for its TLS certificate (tls.dir), or a certificate (tls.certPath and tls.keyPath).');
  const certPath = join(options.dir, 'localpool-cert.pem');
  const keyPath = join(options.dir, 'localpool-key.pem');
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem && keyPem) {
    try {
      const x509 = new X509Certificate(certPem);
      const key = createPrivateKey(keyPem);
      const matches = createPublicKey(key)
        .export({ type: 'spki', format: 'der' })
        .equals(x509.publicKey.export({ type: 'spki', format: 'der' }));
      if (matches && new Date(x509.validTo).getTime() > Date.now() + 86_400_000) {
        return { certPem, keyPem, certPath, keyPath, created: false };
      }
    } catch {
      // Unreadable: make a new one below.
    }
  }
  const made = createSelfSignedCertificate();
  await mkdir(options.dir, { recursive: true });
  await writeFile(keyPath, made.keyPem, { mode: 0o600 });
  await chmod(keyPath, 0o600).catch(() => undefined);
  await writeFile(certPath, made.certPem);
  return { ...made, certPath, keyPath, created: true };
}
