// Every lab scoring script the generator produces (test/golden/lab-*.sql), run through tedious
// against a local pool on a free port, as a user would run it after "Deploy model + open script":
// the model row goes in with a varbinary(max) parameter, the script's batches (split at GO) create
// the view or procedure, and its last batch returns every DATA column plus the prediction, equal
// to scoring the same rows directly with onnxruntime-node.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Connection, Request, TYPES } from 'tedious';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import type { Engine } from '../../../src/localpool/engine/api.js';
import { startTdsServer, type TdsServer } from '../../../src/localpool/tds/server.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { CUSTOMER_FEATURES, FLOAT_FEATURES, generateCustomers } from '../../../src/samples/customers.js';

const ROWS = 500;
const PASSWORD = 'Golden#Pool-1';
const GOLDEN = join(__dirname, '..', '..', 'golden');
const scripts = readdirSync(GOLDEN).filter((f) => /^lab-.*\.sql$/.test(f) && !f.endsWith('.deploy.sql'));

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
    conn = new Connection({ server: '127.0.0.1', authentication: { type: 'default', options: { userName: 'sa', password: PASSWORD } }, options: { port: server.port, encrypt: false } });
    await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(model.onnx);
    for (const c of generateCustomers(ROWS)) {
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const f of CUSTOMER_FEATURES) {
        feeds[f] = FLOAT_FEATURES.includes(f) ? new ort.Tensor('float32', Float32Array.of(c[f]), [1, 1]) : new ort.Tensor('int64', BigInt64Array.of(BigInt(c[f])), [1, 1]);
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
      await exec(conn, `DELETE FROM [wwi_ml].[${table}] WHERE [ID] = @id; INSERT INTO [wwi_ml].[${table}] ([ID], [name], [model]) VALUES (@id, N'aml-synapse-classifier', @model)`, (r) => {
        r.addParameter('id', TYPES.NVarChar, 'aml-synapse-classifier:1');
        r.addParameter('model', TYPES.VarBinary, Buffer.from(model.onnx));
      });
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
