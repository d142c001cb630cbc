/**
 * The wizard's working parts over the real core: SQL rules and script generation, the preview
 * (first rows of the table scored with onnxruntime-node in the extension's ONNX worker process, not
 * in the extension host) and the deploy. No vscode; native modules load only when a preview or a
 * deploy runs.
 */
import { quoteName, quoteObjectName, sameName } from '../sql/names.js';
import { parseSqlType, type PredictTarget } from '../sql/types.js';
import type { PreviewCell } from '../models/preview.js';
import type { DeployStep } from './deploy.js';
import { createWizardRules, toScoringPlan } from './rules.js';
import type { DeployRunner, PreviewRunner } from './controller.js';
import type { WizardDatabase } from './services.js';
import type { WizardRules } from './state.js';

/** Rows the preview scores. */
export const PREVIEW_ROWS = 20;

/** What the host needs beyond the services: rules, preview and deploy per database (tests may replace it). */
export interface WizardParts {
  rulesFor(target: PredictTarget): WizardRules;
  previewFor(db: WizardDatabase): PreviewRunner;
  /** Runs the deploy steps with a signal; the host wraps it in a progress notification. */
  deploy(input: Parameters<DeployRunner>[0] & { db: WizardDatabase; signal: AbortSignal }): Promise<{ script: string }>;
}

export function defaultWizardParts(log?: (line: string) => void): WizardParts {
  return {
    rulesFor: (target) => createWizardRules(target),
    previewFor:
      (db) =>
      async ({ plan, onnxPath, signal }) => {
        const wanted: string[] = [];
        for (const c of [...plan.passThrough, ...plan.inputs.map((i) => i.sourceColumn)]) {
          if (!wanted.some((w) => sameName(w, c))) wanted.push(c);
        }
        const r = await db.sql.query(`SELECT TOP (${PREVIEW_ROWS}) ${wanted.map(quoteName).join(', ')} FROM ${quoteObjectName(plan.table)}`);
        const set = r.resultSets[0];
        if (!set) throw new Error(`The table ${plan.table.name} returned no rows to preview.`);
        const { previewPredictions } = await import('../models/preview.js');
        return previewPredictions({
          onnx: onnxPath,
          columns: set.columns.map((c) => c.name),
          rows: set.rows.map((row) => row.map((cell) => cell as PreviewCell)),
          inputs: plan.inputs.map((i) => ({ sourceColumn: i.sourceColumn, modelInput: i.modelInput, inputType: parseSqlType(i.inputType) })),
          outputs: plan.outputs.map((o) => o.modelOutput),
          passThrough: plan.passThrough,
          signal,
          log,
        });
      },
    deploy: async ({ plan, registry, version, onStep, db, signal }) => {
      const { deployModel } = await import('./deploy.js');
      const r = await deployModel({
        sql: db.sql,
        source: registry.source,
        version,
        plan: toScoringPlan(plan, db.target),
        createModelTable: plan.createModelTable,
        signal,
        onStep: (_step: DeployStep, title: string) => onStep(title),
        log,
      });
      return { script: r.script.text };
    },
  };
}
