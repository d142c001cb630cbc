/** Test helpers: run T-SQL on an engine session and collect what a client would see. */
import type { Engine, EngineEvent, EngineSession, Parameter, ResultColumn, SqlMessage, SqlValue } from '../../../src/localpool/engine/api.js';
import { blockRows } from '../../../src/localpool/engine/values.js';

export interface Outcome {
  readonly events: EngineEvent[];
  readonly resultSets: { columns: ResultColumn[]; rows: SqlValue[][] }[];
  readonly errors: SqlMessage[];
  readonly infos: SqlMessage[];
  readonly rowCounts: number[];
}

export async function run(session: EngineSession, sql: string, params: readonly Parameter[] = [], signal = new AbortController().signal): Promise<Outcome> {
  return collect(session.execute(sql, params, signal));
}

export async function collect(events: AsyncIterable<EngineEvent>): Promise<Outcome> {
  const out: Outcome = { events: [], resultSets: [], errors: [], infos: [], rowCounts: [] };
  for await (const ev of events) {
    out.events.push(ev);
    if (ev.kind === 'columns') out.resultSets.push({ columns: [...ev.columns], rows: [] });
    else if (ev.kind === 'rows') out.resultSets[out.resultSets.length - 1]!.rows.push(...ev.rows.map((r) => [...r]));
    else if (ev.kind === 'block') out.resultSets[out.resultSets.length - 1]!.rows.push(...blockRows(ev.block));
    else if (ev.kind === 'error') out.errors.push(ev.message);
    else if (ev.kind === 'info') out.infos.push(ev.message);
    else if (ev.kind === 'done' && ev.rowCount !== undefined) out.rowCounts.push(ev.rowCount);
  }
  return out;
}

/** Runs SQL and fails with the server's message if it reports an error. */
export async function ok(session: EngineSession, sql: string, params: readonly Parameter[] = []): Promise<Outcome> {
  const o = await run(session, sql, params);
  if (o.errors.length) throw new Error(`SQL failed: ${o.errors.map((e) => `${e.number} line ${e.line}: ${e.message}`).join('; ')}\n${sql}`);
  return o;
}

export async function open(engine: Engine, spid = 51): Promise<EngineSession> {
  return engine.openSession({ user: 'sa', database: 'SQLPool01', spid });
}

export function modelParam(bytes: Uint8Array, name = '@model'): Parameter {
  return { name, type: { name: 'varbinary', length: 'max' }, value: bytes, output: false };
}

/** Inserts a model row into wwi_ml.AMLModel with a varbinary(max) parameter. */
export async function insertModel(session: EngineSession, id: string, bytes: Uint8Array): Promise<void> {
  await ok(session, `INSERT INTO wwi_ml.AMLModel (ID, name, version, model) VALUES (@id, @name, 1, @model)`, [
    { name: '@id', type: { name: 'nvarchar', length: 1024 }, value: id, output: false },
    { name: '@name', type: { name: 'nvarchar', length: 1024 }, value: id.split(':')[0]!, output: false },
    modelParam(bytes),
  ]);
}
