/**
 * What the explorer's Models node shows for deployed models and the objects that score with them:
 * labels, descriptions, tooltips, and which objects use which row. Pure: no vscode.
 */
import { displayObjectName } from '../sql/names.js';
import type { DeployedModel, ScoringObject } from '../lifecycle/types.js';

/** 1536 → "1.5 KB". */
export function formatBytes(n: number | undefined): string | undefined {
  if (n === undefined || !Number.isFinite(n)) return undefined;
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))} ${units[i]}`;
}

/** A date as the tree shows it: `2026-12-04 13:45` (UTC, so every machine shows the same). */
export function formatCreated(d: Date | undefined): string | undefined {
  if (!d || Number.isNaN(d.getTime())) return undefined;
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** The label: the row's ID (`name:version`), the name scoring scripts select it by. */
export function modelLabel(m: DeployedModel): string {
  return m.id;
}

/** `1.5 KB · 2026-12-04 13:45` (+ users, + the table when the database has several model tables; + the version when the ID does not say it). */
export function modelDescription(m: DeployedModel, opts: { showTable?: boolean; users?: number } = {}): string {
  const parts = [
    m.version !== undefined && !m.id.endsWith(`:${m.version}`) ? `version ${m.version}` : undefined,
    formatBytes(m.sizeBytes) ?? 'no bytes',
    formatCreated(m.createdTime),
    opts.users ? `${opts.users} ${opts.users === 1 ? 'user' : 'users'}` : undefined,
    opts.showTable ? displayObjectName(m.modelTable.table) : undefined,
  ];
  return parts.filter((p): p is string => !!p).join(' · ');
}

/** The tooltip as Markdown source: ID, table, who made it, and the input and output schemas. */
export function modelTooltip(m: DeployedModel, users: readonly ScoringObject[]): string {
  const lines = [`**${escapeMd(m.id)}** in ${escapeMd(displayObjectName(m.modelTable.table))}`, ''];
  const facts = [
    formatBytes(m.sizeBytes),
    m.framework ? `framework ${escapeMd(m.framework)}` : undefined,
    formatCreated(m.createdTime) ? `created ${formatCreated(m.createdTime)}${m.createdBy ? ` by ${escapeMd(m.createdBy)}` : ''}` : undefined,
  ].filter((x): x is string => !!x);
  if (facts.length) lines.push(facts.join(' · '), '');
  if (m.description) lines.push(escapeMd(m.description), '');
  lines.push(`Inputs: ${schemaText(m.inputsSchema)}`, '', `Outputs: ${schemaText(m.outputsSchema)}`, '');
  lines.push(
    users.length ? `Used by ${users.map((u) => `${u.kind} ${escapeMd(displayObjectName(u.name))}`).join(', ')}` : 'No view or procedure scores with it.',
  );
  return lines.join('\n');
}

/**
 * A schema column as a short list: the lab stores MLflow's JSON (`[{"name": "Cost", "type": "float"}, …]`);
 * anything else is shown as written.
 */
export function schemaText(schema: string | undefined): string {
  if (schema === undefined || schema.trim() === '') return '(not recorded)';
  try {
    const parsed: unknown = JSON.parse(schema);
    const list = Array.isArray(parsed) ? parsed : typeof parsed === 'object' && parsed !== null ? Object.values(parsed as object).flat() : undefined;
    if (list && list.length && list.every((x) => typeof x === 'object' && x !== null)) {
      return list
        .map((x) => {
          const p = x as { name?: unknown; type?: unknown; 'tensor-spec'?: { dtype?: unknown; shape?: unknown } };
          const type = typeof p.type === 'string' ? p.type : undefined;
          const dtype = p['tensor-spec'] && typeof p['tensor-spec'].dtype === 'string' ? p['tensor-spec'].dtype : undefined;
          return `\`${String(p.name ?? '?')}\`${type || dtype ? ` ${[type === 'tensor' ? undefined : type, dtype].filter(Boolean).join(' ')}` : ''}`;
        })
        .join(', ');
    }
  } catch {
    // not JSON: shown as written
  }
  return escapeMd(schema.length > 400 ? `${schema.slice(0, 397)}...` : schema);
}

export function scoringObjectDescription(o: ScoringObject): string {
  return o.kind === 'view' ? 'view' : 'procedure';
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
