// Every scoring script the generator produces (test/golden/*.sql: the lab's and the hostile-name
// ones), run through tedious against a local pool on a free port, as a user would run it after
// "Deploy model + open script": the model row goes in with a varbinary(max) parameter, the script's
// batches (split at GO as SQL tools split them) create the view or procedure, and its last batch
// returns every DATA column plus the predictions, equal to scoring the same rows directly with
// onnxruntime-node.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Connection, Request, TYPES } from 'tedious';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import type { Engine } from '../../../src/localpool/engine/api.js';
import { startTdsServer, type TdsServer } from '../../../src/localpool/tds/server.js';
import { buildNamedIoModel, buildSampleModel } from '../../../src/samples/models.js';
import { splitBatches } from '../../../src/sql/batches.js';
import { createModelTableSql } from '../../../src/sql/model-table.js';
import { quoteName, quoteObjectName, quoteString, type ObjectName } from '../../../src/sql/names.js';
import { CUSTOMER_FEATURES, FLOAT_FEATURES, generateCustomers } from '../../../src/samples/customers.js';

const ROWS = 500;
const PASSWORD = 'Golden#Pool-1';
const GOLDEN = join(__dirname, '..', '..', 'golden');
const scripts = readdirSync(GOLDEN).filter((f) => /^lab-.*\.sql$/.test(f) && !f.endsWith('.deploy.sql'));
const hostileScripts = readdirSync(GOLDEN).filter((f) => /^hostile-.*\.sql$/.test(f));

function exec(conn: Connection, sql: string, setup?: (r: Request) => void): Promise<{ columns: string[]; rows: unknown[][] }> {
  return new Promise((resolve, reject) => {
    const rows: unknown[][] = [];
    let columns: string[] = [];
    const r = new Request(sql, (e) => (e ? reject(e) : resolve({ columns, rows })));
    r.on('columnMetadata', (cols) => (columns = (Array.isArray(cols) ? cols : Object.values(cols)).map((c: { colName: string }) => c.colName)));
    r.on('row', (cols) => rows.push((cols as { value: unknown }[]).map((c) => c.value)));
    setup?.(r);
    conn.execSql(r);
  });
}

describe('golden scoring scripts on the local pool through tedious', () => {
  let engine: Engine;
  let server: TdsServer;
  let conn: Connection;
  const model = buildSampleModel('linear-classifier');
  const expected = new Map<number, string>();

  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: ROWS });
    server = await startTdsServer({ engine, password: PASSWORD, port: 0 });
    conn = new Connection({
      server: '127.0.0.1',
      authentication: { type: 'default', options: { userName: 'sa', password: PASSWORD } },
      options: { port: server.port, encrypt: false },
    });
    await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(model.onnx);
    for (const c of generateCustomers(ROWS)) {
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const f of CUSTOMER_FEATURES) {
        feeds[f] = FLOAT_FEATURES.includes(f)
          ? new ort.Tensor('float32', Float32Array.of(c[f]), [1, 1])
          : new ort.Tensor('int64', BigInt64Array.of(BigInt(c[f])), [1, 1]);
      }
      expected.set(c.CustomerKey, String((await session.run(feeds, ['label_out']))['label_out']!.data[0]));
    }
  });
  after(async () => {
    conn?.close();
    await server?.close();
    await engine?.close();
  });

  for (const file of scripts) {
    it(file, async () => {
      const text = readFileSync(join(GOLDEN, file), 'utf8');
      const table = /FROM \[wwi_ml\]\.\[(\w+)\] WHERE \[ID\]/.exec(text)![1]!;
      const name = /(?:VIEW|PROCEDURE) (\[wwi_ml\]\.\[\w+\])/.exec(text)![1]!;
      await exec(conn, `IF OBJECT_ID(N'${name}', N'P') IS NOT NULL DROP PROCEDURE ${name}\nIF OBJECT_ID(N'${name}', N'V') IS NOT NULL DROP VIEW ${name}`);
      if (table !== 'AMLModel') {
        const deploy = readFileSync(join(GOLDEN, file.replace(/\.sql$/, '.deploy.sql')), 'utf8').split(/^GO$/m)[0]!;
        await exec(conn, `DROP TABLE IF EXISTS [wwi_ml].[${table}]`);
        await exec(conn, deploy);
      }
      await exec(
        conn,
        `DELETE FROM [wwi_ml].[${table}] WHERE [ID] = @id; INSERT INTO [wwi_ml].[${table}] ([ID], [name], [model]) VALUES (@id, N'aml-synapse-classifier', @model)`,
        (r) => {
          r.addParameter('id', TYPES.NVarChar, 'aml-synapse-classifier:1');
          r.addParameter('model', TYPES.VarBinary, Buffer.from(model.onnx));
        },
      );
      const batches = text.split(/^GO$/m).filter((b) => b.trim());
      let last: { columns: string[]; rows: unknown[][] } | undefined;
      for (const b of batches) last = await exec(conn, b);
      assert.deepEqual(last!.columns, ['CustomerKey', ...CUSTOMER_FEATURES, 'label_out']);
      assert.equal(last!.rows.length, ROWS);
      const wrong = last!.rows.filter((r) => String(r[9]) !== expected.get(r[0] as number));
      assert.equal(wrong.length, 0, `${wrong.length} predictions differ from direct onnxruntime scoring`);
    });
  }
});

// The names of hostilePlan in test/unit/sql/script.test.ts, which wrote test/golden/hostile-*.sql.
const H = {
  source: { schema: "ml]'; DROP TABLE x; --", name: 'Customer\nTest /* 😀 */' } as ObjectName,
  key: 'key]]',
  cost: "Cost]'--",
  size: 'Größe\r\nzwei',
  text: '名前',
  inputs: { cost: 'cost"input', size: 'Größe\r\nzwei', text: '名前;' },
  outputs: { label: "label]'--", score: 'score\n/*' },
  object: { schema: "ml]'; DROP TABLE x; --", name: "Predict'ion] GO" } as ObjectName,
  modelTable: { schema: 'models', name: 'Model ] table' } as ObjectName,
  modelId: "it's]:1'; --\nGO 2 x",
};
const TEXTS = ["O'Brien", 'x]]y', 'Müller', '--', '/* no */', "N''", '', 'GO', 'Single'];

describe('hostile-name golden scripts on the local pool through tedious', () => {
  let engine: Engine;
  let server: TdsServer;
  let conn: Connection;
  const model = buildNamedIoModel({
    inputs: [
      { name: H.inputs.cost, type: 'float' },
      { name: H.inputs.size, type: 'int64' },
      { name: H.inputs.text, type: 'string', categories: TEXTS.slice(0, 5) },
    ],
    outputs: [
      { name: H.outputs.label, type: 'int64' },
      { name: H.outputs.score, type: 'float' },
    ],
  });
  const source = Array.from({ length: ROWS }, (_, i) => ({
    key: i + 1,
    cost: Math.round((i * 0.37 - 50) * 1000) / 1000,
    size: (i % 17) - 8,
    text: TEXTS[i % TEXTS.length]!,
  }));
  const expected = new Map<number, { label: string; score: number }>();

  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: 0 });
    server = await startTdsServer({ engine, password: PASSWORD, port: 0 });
    conn = new Connection({
      server: '127.0.0.1',
      authentication: { type: 'default', options: { userName: 'sa', password: PASSWORD } },
      options: { port: server.port, encrypt: false },
    });
    await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
    await exec(conn, `CREATE SCHEMA ${quoteName(H.source.schema!)}`);
    await exec(conn, `CREATE SCHEMA ${quoteName(H.modelTable.schema!)}`);
    await exec(conn, createModelTableSql(H.modelTable, 'synapse-dedicated'));
    await exec(
      conn,
      `CREATE TABLE ${quoteObjectName(H.source)} (${quoteName(H.key)} [int] NOT NULL, ${quoteName(H.cost)} [float] NOT NULL, ${quoteName(H.size)} [int] NOT NULL, ${quoteName(H.text)} [nvarchar](30) NOT NULL)`,
    );
    for (let at = 0; at < source.length; at += 100) {
      const values = source.slice(at, at + 100).map((r) => `(${r.key}, ${r.cost}, ${r.size}, ${quoteString(r.text)})`);
      await exec(conn, `INSERT INTO ${quoteObjectName(H.source)} (${[H.key, H.cost, H.size, H.text].map(quoteName).join(', ')}) VALUES\n${values.join(',\n')}`);
    }
    // Direct onnxruntime scoring, one row per run.
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(model.onnx);
    for (const r of source) {
      const out = await session.run({
        [H.inputs.cost]: new ort.Tensor('float32', Float32Array.of(r.cost), [1, 1]),
        [H.inputs.size]: new ort.Tensor('int64', BigInt64Array.of(BigInt(r.size)), [1, 1]),
        [H.inputs.text]: new ort.Tensor('string', [r.text], [1, 1]),
      });
      expected.set(r.key, { label: String(out[H.outputs.label]!.data[0]), score: Number(out[H.outputs.score]!.data[0]) });
    }
  });
  after(async () => {
    conn?.close();
    await server?.close();
    await engine?.close();
  });

  for (const file of hostileScripts) {
    it(file, async () => {
      const text = readFileSync(join(GOLDEN, file), 'utf8');
      const name = quoteObjectName(H.object);
      await exec(
        conn,
        `IF OBJECT_ID(${quoteString(name)}, N'P') IS NOT NULL DROP PROCEDURE ${name}\nIF OBJECT_ID(${quoteString(name)}, N'V') IS NOT NULL DROP VIEW ${name}`,
      );
      await exec(
        conn,
        `DELETE FROM ${quoteObjectName(H.modelTable)} WHERE [ID] = @id; INSERT INTO ${quoteObjectName(H.modelTable)} ([ID], [name], [model]) VALUES (@id, N'hostile', @model)`,
        (r) => {
          r.addParameter('id', TYPES.NVarChar, H.modelId);
          r.addParameter('model', TYPES.VarBinary, Buffer.from(model.onnx));
        },
      );
      const batches = splitBatches(text);
      assert.equal(batches.length, 2, 'the script is two batches: CREATE, then the query');
      let last: { columns: string[]; rows: unknown[][] } | undefined;
      for (const b of batches) last = await exec(conn, b.text);
      assert.deepEqual(last!.columns, [H.key, H.inputs.cost, H.inputs.size, H.inputs.text, H.outputs.label, H.outputs.score]);
      assert.equal(last!.rows.length, ROWS);
      const byKey = new Map(source.map((r) => [r.key, r]));
      const seen = new Set<number>();
      for (const row of last!.rows) {
        const key = row[0] as number;
        const src = byKey.get(key);
        assert.ok(src, `unexpected key ${String(key)}`);
        seen.add(key);
        assert.deepEqual([row[1], String(row[2]), row[3]], [Math.fround(src.cost), String(src.size), src.text], `DATA columns of key ${key}`);
        const want = expected.get(key)!;
        assert.deepEqual({ label: String(row[4]), score: row[5] }, want, `predictions of key ${key} differ from direct onnxruntime scoring`);
      }
      assert.equal(seen.size, ROWS);
    });
  }
});
