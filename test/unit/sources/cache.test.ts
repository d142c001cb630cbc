import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ModelCache, RemoteFile } from '../../../src/models/cache.js';
import { ModelSourceError, parseRetryAfter, withRetry, RetryableError } from '../../../src/models/source.js';

function file(path: string, bytes: Buffer, opts: { size?: number; failAfter?: number; md5?: Buffer } = {}): RemoteFile {
  return {
    path,
    size: opts.size ?? bytes.byteLength,
    hash: opts.md5 ? { algorithm: 'md5', digest: opts.md5 } : undefined,
    open: async () =>
      (async function* () {
        for (let i = 0; i < bytes.byteLength; i += 1000) {
          if (opts.failAfter !== undefined && i >= opts.failAfter) throw new Error('connection reset');
          yield bytes.subarray(i, i + 1000);
        }
      })(),
  };
}

const where = 'the test registry';

describe('model download cache', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cache-test-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('stores verified files and serves them from the cache afterwards', async () => {
    const cache = new ModelCache(root);
    const key = { sourceId: 's', model: 'm', version: '1' };
    const onnx = Buffer.alloc(5000, 7);
    let listed = 0;
    const got = await cache.fetch(
      key,
      async () => (listed++, [file('MLmodel', Buffer.from('flavors: {}')), file('model.onnx', onnx, { md5: createHash('md5').update(onnx).digest() })]),
      { where },
    );
    assert.equal(got.fromCache, false);
    assert.deepEqual(await readFile(got.files.get('model.onnx')!), onnx);
    const again = await cache.fetch(key, async () => (listed++, []), { where });
    assert.equal(again.fromCache, true);
    assert.equal(listed, 1);
  });

  it('forgets an entry whose file was changed on disk', async () => {
    const cache = new ModelCache(root);
    const key = { sourceId: 's', model: 'tampered', version: '1' };
    const got = await cache.fetch(key, async () => [file('model.onnx', Buffer.alloc(3000, 1))], { where });
    await writeFile(got.files.get('model.onnx')!, 'short');
    assert.equal(await cache.lookup(key), undefined);
  });

  it('leaves no complete-looking file when the transfer breaks, and says what happened', async () => {
    const cache = new ModelCache(root);
    const key = { sourceId: 's', model: 'broken', version: '2' };
    await assert.rejects(
      cache.fetch(key, async () => [file('model.onnx', Buffer.alloc(10_000, 2), { failAfter: 5000 })], { where }),
      /connection reset/,
    );
    const dir = cache.dirFor(key);
    assert.deepEqual(existsSync(dir) ? await readdir(dir) : [], []);
    assert.equal(await cache.lookup(key), undefined);
  });

  it('refuses a short file and a hash mismatch', async () => {
    const cache = new ModelCache(root);
    await assert.rejects(
      cache.fetch({ sourceId: 's', model: 'short', version: '1' }, async () => [file('model.onnx', Buffer.alloc(100), { size: 200 })], { where }),
      (e: unknown) =>
        e instanceof ModelSourceError &&
        e.kind === 'corrupt' &&
        e.message === "Download of model.onnx for model 'short' version 1 from the test registry was incomplete: got 100 of 200 bytes. Try again.",
    );
    await assert.rejects(
      cache.fetch({ sourceId: 's', model: 'bad-hash', version: '1' }, async () => [file('model.onnx', Buffer.alloc(100), { md5: Buffer.alloc(16) })], {
        where,
      }),
      (e: unknown) => e instanceof ModelSourceError && e.kind === 'corrupt' && /its MD5 hash does not match the registry's/.test(e.message),
    );
  });

  it('refuses a file path that escapes the model folder', async () => {
    const cache = new ModelCache(root);
    await assert.rejects(
      cache.fetch({ sourceId: 's', model: 'evil', version: '1' }, async () => [file('../../outside.onnx', Buffer.alloc(10))], { where }),
      (e: unknown) =>
        e instanceof ModelSourceError &&
        e.message === `model 'evil' version 1 in the test registry lists a file outside its folder ("../../outside.onnx"); it was not downloaded.`,
    );
    assert.equal(existsSync(join(root, 'outside.onnx')), false);
  });

  it('keeps versions of different sources apart', () => {
    const cache = new ModelCache(root);
    assert.notEqual(cache.dirFor({ sourceId: 'a', model: 'm', version: '1' }), cache.dirFor({ sourceId: 'b', model: 'm', version: '1' }));
  });
});

describe('retry', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('retries only what asks for it and gives the final error after the last attempt', async () => {
    const final = new ModelSourceError('throttled', 'busy');
    let n = 0;
    await assert.rejects(
      withRetry(
        async () => {
          n++;
          throw new RetryableError(final, 0);
        },
        { maxRetries: 2 },
      ),
      (e: unknown) => e === final,
    );
    assert.equal(n, 3);
    n = 0;
    await assert.rejects(
      withRetry(async () => {
        n++;
        throw new Error('not retryable');
      }),
      /not retryable/,
    );
    assert.equal(n, 1);
  });
});
