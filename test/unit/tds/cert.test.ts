import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecureContext } from 'node:tls';
import { createSelfSignedCertificate } from '../../../src/localpool/tds/cert.js';

describe("the local pool's self-signed certificate", () => {
  it('loads into a TLS context every time (its serial number is always minimal DER)', () => {
    // A serial whose first byte came out 0x00 used to be written with a redundant leading zero,
    // which OpenSSL rejects ("illegal padding") about once in 500 starts.
    for (let i = 0; i < 1500; i++) {
      const { certPem, keyPem } = createSelfSignedCertificate();
      assert.doesNotThrow(() => createSecureContext({ cert: certPem, key: keyPem }), `certificate ${i} loads`);
      const serial = new X509Certificate(certPem).serialNumber;
      assert.ok(!/^00/.test(serial) && serial.length === 32, `serial ${serial} is 16 bytes with no padding`);
    }
  });
});
