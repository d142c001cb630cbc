/**
 * The wizard's page 1 over a registry with many versions: the first page of each model is shown as
 * soon as it arrives (before other models' pages), older versions come with Load more or with a
 * search, newest first throughout; a failed page keeps what was shown; a source without paging
 * still lists everything.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { openLocalSource, type LocalModelSource } from '../../../src/models/sources/local.js';
import type { ModelSource, ModelVersionInfo, Page, VersionPageOptions } from '../../../src/models/source.js';
import { VERSIONS_PAGE_SIZE, WizardController } from '../../../src/wizard/controller.js';
import type { HostMessage, WizardView } from '../../../src/wizard/protocol.js';
import { openWizardOver } from '../../support/wizard.js';

const ONNX_MLMODEL = 'flavors:\n  onnx: {data: model.onnx, onnx_version: 1.14.0}\n';
const SKLEARN_MLMODEL = 'flavors:\n  python_function: {loader_module: mlflow.sklearn}\n  sklearn: {pickled_model: model.pkl, sklearn_version: 1.3.2}\n';
const MANY = 120;

async function writeModel(root: string, name: string, count: number, day0: number): Promise<void> {
  const modelDir = join(root, 'models', name);
  await mkdir(modelDir, { recursive: true });
  await writeFile(join(modelDir, 'meta.yaml'), stringify({ name, creation_timestamp: 0 }));
  for (let v = 1; v <= count; v++) {
    const dir = join(root, 'artifacts', name, String(v));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'MLmodel'), v % 10 === 0 ? SKLEARN_MLMODEL : ONNX_MLMODEL);
    await writeFile(join(dir, v % 10 === 0 ? 'model.pkl' : 'model.onnx'), 'x');
    await mkdir(join(modelDir, `version-${v}`), { recursive: true });
    await writeFile(
      join(modelDir, `version-${v}`, 'meta.yaml'),
      stringify({
        name,
        version: v,
        status: 'READY',
        creation_timestamp: Date.UTC(2024, 0, 1) + (day0 + v) * 3_600_000,
        storage_location: pathToFileURL(dir).href,
      }),
    );
  }
}

/** A source over the local one that counts calls and can hold a model's pages until released. */
class WatchedSource implements ModelSource {
  readonly kind = 'local' as const;
  readonly id = 'watched';
  readonly displayName = 'watched';
  pageCalls: string[] = [];
  listVersionsCalls = 0;
  failNext?: string;
  private held = new Map<string, { wait: Promise<void>; release: () => void }>();
  constructor(
    private readonly inner: LocalModelSource,
    readonly paged = true,
  ) {
    if (!paged) this.listVersionsPage = undefined;
  }
  hold(model: string): void {
    let release!: () => void;
    const wait = new Promise<void>((r) => (release = r));
    this.held.set(model, { wait, release });
  }
  release(model: string): void {
    this.held.get(model)?.release();
    this.held.delete(model);
  }
  listModels: ModelSource['listModels'] = (o) => this.inner.listModels(o);
  listVersions: ModelSource['listVersions'] = (m, o) => {
    this.listVersionsCalls++;
    return this.inner.listVersions(m, o);
  };
  listVersionsPage?: (m: string, o?: VersionPageOptions, s?: AbortSignal) => Promise<Page<ModelVersionInfo>> = async (m, o, s) => {
    this.pageCalls.push(`${m}@${o?.pageToken ?? 0}`);
    await this.held.get(m)?.wait;
    if (this.failNext === m) {
      this.failNext = undefined;
      throw new Error(`Could not reach the registry while reading model '${m}'.`);
    }
    return this.inner.listVersionsPage(m, o, s);
  };
  getVersion: ModelSource['getVersion'] = (m, v, o) => this.inner.getVersion(m, v, o);
  download: ModelSource['download'] = (m, v, o) => this.inner.download(m, v, o);
}

let root: string;
let local: LocalModelSource;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wizard-paging-'));
  await writeModel(root, 'many', MANY, 0);
  // 'few' is newer than every version of 'many'.
  await writeModel(root, 'few', 3, 1000);
  local = await openLocalSource(root);
});
after(() => rm(root, { recursive: true, force: true }));

interface Harness {
  c: WizardController;
  views: WizardView[];
  view(): WizardView;
  send(m: unknown): Promise<void>;
}

async function open(source: ModelSource, wait = true): Promise<Harness> {
  const views: WizardView[] = [];
  const errors: string[] = [];
  const c = await openWizardOver(source, {
    post: (m: HostMessage) => {
      if (m.kind === 'notification') views.push(m.params.view);
    },
    showError: (m) => void errors.push(m),
  });
  if (wait) await c.idle();
  return {
    c,
    views,
    view: () => views[views.length - 1]!,
    send: async (m) => {
      await c.handle(m);
      await c.idle();
    },
  };
}

const versionsOf = (v: WizardView, model: string) => v.versions.filter((r) => r.name === model).map((r) => Number(r.version));
const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);

describe('wizard page 1: versions page by page', () => {
  test('opens with the first page of each model, newest first, and offers Load more; nothing else is read', async () => {
    const s = new WatchedSource(local);
    const h = await open(s);
    const v = h.view();
    assert.equal(v.versionsStatus, 'loaded');
    assert.equal(v.versionsMore, 'more');
    assert.deepEqual(versionsOf(v, 'few'), [3, 2, 1]);
    assert.deepEqual(versionsOf(v, 'many'), range(MANY, MANY - VERSIONS_PAGE_SIZE + 1));
    assert.deepEqual(
      v.versions.slice(0, 4).map((r) => r.key),
      ['few:3', 'few:2', 'few:1', `many:${MANY}`],
    );
    assert.deepEqual(s.pageCalls.sort(), ['few@0', 'many@0']);
    assert.equal(s.listVersionsCalls, 0);
    const sk = v.versions.find((r) => r.key === 'many:110')!;
    assert.match(sk.disabledReason ?? '', /^PREDICT runs ONNX models only: its MLmodel has no onnx flavor/);
  });

  test("a model's first page is shown while another model's page is still being read", async () => {
    const s = new WatchedSource(local);
    s.hold('many');
    const h = await open(s, false);
    while (!h.views.some((v) => v.versions.length > 0)) await new Promise((r) => setImmediate(r));
    const early = h.views.find((v) => v.versions.length > 0)!;
    assert.deepEqual(
      early.versions.map((r) => r.key),
      ['few:3', 'few:2', 'few:1'],
    );
    assert.equal(early.versionsMore, 'loading');
    s.release('many');
    await h.c.idle();
    assert.equal(versionsOf(h.view(), 'many').length, VERSIONS_PAGE_SIZE);
  });

  test('Load more adds the next page of older versions until none remain', async () => {
    const s = new WatchedSource(local);
    const h = await open(s);
    await h.send({ kind: 'command', method: 'loadMore' });
    assert.deepEqual(versionsOf(h.view(), 'many'), range(MANY, MANY - 2 * VERSIONS_PAGE_SIZE + 1));
    assert.equal(h.view().versionsMore, 'more');
    await h.send({ kind: 'command', method: 'loadMore' });
    assert.deepEqual(versionsOf(h.view(), 'many'), range(MANY, 1));
    assert.equal(h.view().versionsMore, 'none');
    // 'few' had one page: only 'many' was asked again.
    assert.deepEqual(
      s.pageCalls.filter((c) => c.startsWith('few')),
      ['few@0'],
    );
    await h.send({ kind: 'command', method: 'loadMore' });
    assert.equal(s.pageCalls.length, 4, 'nothing is read when every version is listed');
  });

  test('a search finds versions not read yet: the rest are read, page by page', async () => {
    const h = await open(new WatchedSource(local));
    await h.send({ kind: 'command', method: 'edit', params: { field: 'search', value: 'many:7' } });
    const v = h.view();
    assert.deepEqual(
      v.versions.map((r) => r.key),
      ['many:79', 'many:78', 'many:77', 'many:76', 'many:75', 'many:74', 'many:73', 'many:72', 'many:71', 'many:70', 'many:7'],
    );
    assert.equal(v.versionsMore, 'none');
    await h.send({ kind: 'command', method: 'edit', params: { field: 'search', value: '' } });
    assert.equal(h.view().versions.length, MANY + 3);
  });

  test('a failed page keeps the versions shown, says why, and Load more tries again', async () => {
    const s = new WatchedSource(local);
    const h = await open(s);
    s.failNext = 'many';
    await h.send({ kind: 'command', method: 'loadMore' });
    let v = h.view();
    assert.equal(v.versionsError, "Could not reach the registry while reading model 'many'.");
    assert.equal(v.versions.length, VERSIONS_PAGE_SIZE + 3);
    assert.equal(v.versionsMore, 'more');
    await h.send({ kind: 'command', method: 'loadMore' });
    v = h.view();
    assert.equal(v.versionsError, undefined);
    assert.equal(v.versions.length, 2 * VERSIONS_PAGE_SIZE + 3);
  });

  test('Refresh starts again from the first pages', async () => {
    const s = new WatchedSource(local);
    const h = await open(s);
    await h.send({ kind: 'command', method: 'loadMore' });
    await h.send({ kind: 'command', method: 'refresh' });
    assert.equal(h.view().versions.length, VERSIONS_PAGE_SIZE + 3);
    assert.equal(h.view().versionsMore, 'more');
  });

  test('a source without paging lists every version of each model, as before', async () => {
    const s = new WatchedSource(local, false);
    const h = await open(s);
    assert.equal(h.view().versions.length, MANY + 3);
    assert.equal(h.view().versionsMore, 'none');
    assert.equal(s.listVersionsCalls, 2);
  });
});
