import type { EngineEvent } from '../../src/localpool/engine/api.js';

/** How many result rows an engine event carries: a 'rows' event's rows, a 'block' event's row count, else 0. */
export function rowsIn(ev: EngineEvent): number {
  if (ev.kind === 'rows') return ev.rows.length;
  if (ev.kind === 'block') return ev.block.rowCount;
  return 0;
}
