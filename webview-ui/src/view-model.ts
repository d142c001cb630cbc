/**
 * What the pages show that is derived from the host's view, without the DOM (unit-tested):
 * versions grouped by model, lossy-cast warnings summarised, the footer's reason shown once,
 * and page 3's last valid script kept while the fields are being fixed.
 */
import type { InputRowView, ModelVersionRow, WizardView } from '../../src/wizard/protocol.js';

// ---------------------------------------------------------------------------------------------
// Page 1: versions grouped by model

export interface VersionGroup {
  readonly name: string;
  /** The newest version, shown on the group's line. */
  readonly latest: ModelVersionRow;
  /** The older versions, newest first, folded under the group's line. */
  readonly older: readonly ModelVersionRow[];
}

/**
 * Groups `rows` (newest first, as the host sends them) by model name. Groups keep the order of
 * their newest version, so the most recently updated model comes first.
 */
export function groupVersions(rows: readonly ModelVersionRow[]): VersionGroup[] {
  const byName = new Map<string, ModelVersionRow[]>();
  for (const r of rows) {
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  return [...byName].map(([name, [latest, ...older]]) => ({ name, latest: latest!, older }));
}

/** The rows the grid shows, in order: each group's line, then its older versions when it is open. */
export function visibleVersionRows(groups: readonly VersionGroup[], open: (name: string) => boolean): ModelVersionRow[] {
  return groups.flatMap((g) => (open(g.name) ? [g.latest, ...g.older] : [g.latest]));
}

/** A group is open when the user opened it, when it holds the chosen version, or while searching. */
export function groupOpen(group: VersionGroup, opened: ReadonlySet<string>, selected: string, search: string): boolean {
  return opened.has(group.name) || search.trim() !== '' || group.older.some((r) => r.key === selected);
}

// ---------------------------------------------------------------------------------------------
// Page 2: warnings

/** A lossy-cast warning taken apart: `Casting Cost (float) to [real] can lose data: <reasons>.` */
export interface CastLoss {
  readonly column: string;
  readonly from: string;
  readonly to: string;
  readonly reasons: string;
}

const CAST_WARNING = /^Casting (.+) \(([^()]+(?:\([^()]*\))?)\) to (.+?) can lose data: (.+)\.$/s;

export function parseCastWarning(text: string): CastLoss | undefined {
  const m = CAST_WARNING.exec(text);
  return m ? { column: m[1]!, from: m[2]!, to: m[3]!, reasons: m[4]! } : undefined;
}

/** One warning as a row shows it: a short line, and the whole text in a note that opens. */
export interface RowWarning {
  readonly short: string;
  readonly detail?: string;
}

/** Several rows losing data by the same cast: said once, above the grid. */
export interface CastSummary {
  readonly from: string;
  readonly to: string;
  readonly columns: readonly string[];
  readonly reasons: string;
}

export interface InputWarnings {
  readonly summaries: readonly CastSummary[];
  /** By row id. */
  readonly rows: ReadonlyMap<number, readonly RowWarning[]>;
}

function castKey(c: CastLoss): string {
  return `${c.from}\u0000${c.to}\u0000${c.reasons}`;
}

/**
 * Page 2's input warnings: a lossy cast shows as one short line on its row (`float → [real] can
 * lose data`) with the reasons in a note; when two or more rows share the same cast, the reasons are
 * said once above the grid and each row only names the cast. Other warnings stay as they are.
 */
export function inputWarnings(rows: readonly InputRowView[]): InputWarnings {
  const casts = new Map<string, { loss: CastLoss; columns: string[] }>();
  for (const r of rows) {
    for (const w of r.warnings) {
      const c = parseCastWarning(w);
      if (!c) continue;
      const k = castKey(c);
      const entry = casts.get(k) ?? { loss: c, columns: [] };
      entry.columns.push(c.column);
      casts.set(k, entry);
    }
  }
  const shared = new Set([...casts].filter(([, e]) => e.columns.length > 1).map(([k]) => k));
  const out = new Map<number, RowWarning[]>();
  for (const r of rows) {
    out.set(
      r.id,
      r.warnings.map((w) => {
        const c = parseCastWarning(w);
        if (!c) return { short: w };
        const short = `${c.from} → ${c.to} can lose data`;
        return shared.has(castKey(c)) ? { short: `${short} (see above)`, detail: w } : { short, detail: w };
      }),
    );
  }
  const summaries = [...casts]
    .filter(([k]) => shared.has(k))
    .map(([, e]) => ({ from: e.loss.from, to: e.loss.to, columns: e.columns, reasons: e.loss.reasons }));
  return { summaries, rows: out };
}

// ---------------------------------------------------------------------------------------------
// Footer and page 3

/** Every error the current page already shows beside its field. */
function errorsOnPage(v: WizardView): string[] {
  if (v.page === 'map') {
    return [...v.mappingErrors, ...[...v.inputs, ...v.outputs].flatMap((r) => Object.values(r.errors).filter((e): e is string => !!e))];
  }
  if (v.page === 'store') {
    return [v.scriptName.error, v.modelTableMode === 'new' ? v.newTableName.error : v.existingTableError].filter((e): e is string => !!e);
  }
  return [v.versionsError, v.modelError].filter((e): e is string => !!e);
}

/** Why Next or Deploy is disabled, when the page does not already say it beside a field. */
export function footerReason(v: WizardView): string | undefined {
  const r = v.blockedReason;
  return r && !errorsOnPage(v).includes(r) ? r : undefined;
}

/** The script page 3 shows: the current one, or the last valid one marked stale while a field is wrong. */
export interface ShownScript {
  readonly text: string;
  readonly stale: boolean;
}

export function shownScript(current: string, lastValid: string | undefined): ShownScript | undefined {
  if (current) return { text: current, stale: false };
  return lastValid ? { text: lastValid, stale: true } : undefined;
}
