/**
 * The subcommands over the core: registries (src/models), the catalog and connection (src/sql),
 * the wizard's model reader, rules and deploy (src/wizard), the script runner (src/results).
 * Each returns its exit code; failures are thrown as CliFailure / UsageError with one line.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { modelPages, type ModelSummary, type ModelVersionInfo } from '../models/source.js';
import { runScript } from '../results/run.js';
import { BatchSplitError } from '../sql/batches.js';
import { CatalogError, serverInfo } from '../sql/catalog.js';
import { endpointText, type SqlConnection } from '../sql/client/connection.js';
import { displayObjectName } from '../sql/names.js';
import { predictTargetLabel, type PredictTarget } from '../sql/types.js';
import { sqlCatalog } from '../wizard/catalog.js';
import { versionRow } from '../wizard/controller.js';
import { readModelForWizard } from '../wizard/model-reader.js';
import { defaultWizardParts } from '../wizard/parts.js';
import type { WizardRegistry } from '../wizard/services.js';
import type { WizardPlan } from '../wizard/state.js';
import { PROGRAM, type ModelRef, type ParsedCommand, type PlanOptions, type SqlOptions } from './args.js';
import { connect, connectionConfig } from './connect.js';
import { CliFailure, EXIT_FAILED, EXIT_OK, oneLine } from './errors.js';
import { scriptRunText, textTable } from './format.js';
import type { CliIo } from './io.js';
import { resolvePlan } from './plan.js';
import { openRegistry, parseRegistrySpec } from './registry.js';

type Cmd<K extends ParsedCommand['command']> = Extract<ParsedCommand, { command: K }>;

interface Ctx {
  readonly io: CliIo;
  /** A progress line on stderr (always) */
  readonly note: (line: string) => void;
  /** A detail line on stderr (with --verbose) */
  readonly log: (line: string) => void;
}

export function context(io: CliIo, verbose: boolean): Ctx {
  return {
    io,
    note: (line) => io.stderr(`${line}\n`),
    log: verbose ? (line) => io.stderr(`${PROGRAM}: ${line}\n`) : () => {},
  };
}

function dateText(d: Date | undefined): string {
  return d
    ? d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '';
}

// ---------------------------------------------------------------------------------------------
// models, versions

export async function modelsCommand(cmd: Cmd<'models'>, ctx: Ctx): Promise<number> {
  const registry = await openRegistry(parseRegistrySpec(cmd.registry, ctx.io.cwd, 'models'), ctx.io.env);
  const models: ModelSummary[] = [];
  for await (const page of modelPages(registry.source, { nameContains: cmd.search, pageSize: 100, signal: ctx.io.signal })) models.push(...page.items);
  models.sort((a, b) => a.name.localeCompare(b.name));
  if (cmd.json) {
    ctx.io.stdout(
      `${JSON.stringify(
        models.map((m) => ({
          name: m.name,
          latestVersion: m.latestVersion ?? null,
          createdAt: m.createdAt?.toISOString() ?? null,
          updatedAt: m.updatedAt?.toISOString() ?? null,
          description: m.description ?? null,
          tags: m.tags,
        })),
        null,
        2,
      )}\n`,
    );
    return EXIT_OK;
  }
  if (!models.length) {
    ctx.note(
      cmd.search ? `No model in ${registry.source.displayName} has '${cmd.search}' in its name.` : `${registry.source.displayName} has no registered models.`,
    );
    return EXIT_OK;
  }
  ctx.io.stdout(
    textTable(
      ['NAME', 'LATEST', 'UPDATED', 'DESCRIPTION'],
      models.map((m) => [m.name, m.latestVersion ?? '', dateText(m.updatedAt ?? m.createdAt), m.description ?? '']),
    ),
  );
  return EXIT_OK;
}

export async function versionsCommand(cmd: Cmd<'versions'>, ctx: Ctx): Promise<number> {
  const registry = await openRegistry(parseRegistrySpec(cmd.registry, ctx.io.cwd, 'versions'), ctx.io.env);
  const versions = await registry.source.listVersions(cmd.model, { signal: ctx.io.signal });
  if (cmd.json) {
    ctx.io.stdout(
      `${JSON.stringify(
        versions.map((v) => {
          const row = versionRow(v);
          return {
            name: v.modelName,
            version: v.version,
            createdAt: v.createdAt?.toISOString() ?? null,
            createdBy: v.createdBy ?? null,
            framework: row.framework || null,
            stage: v.stage ?? null,
            aliases: v.aliases ?? [],
            onnx: v.isOnnx,
            notOnnxReason: row.disabledReason ?? null,
            description: v.description ?? null,
          };
        }),
        null,
        2,
      )}\n`,
    );
    return EXIT_OK;
  }
  if (!versions.length) {
    ctx.note(`Model '${cmd.model}' in ${registry.source.displayName} has no versions.`);
    return EXIT_OK;
  }
  ctx.io.stdout(
    textTable(
      ['VERSION', 'CREATED', 'CREATED BY', 'FRAMEWORK', 'STAGE', 'ONNX'],
      versions.map((v) => {
        const row = versionRow(v);
        return [
          v.version,
          dateText(v.createdAt),
          v.createdBy ?? '',
          row.framework,
          [v.stage, ...(v.aliases ?? []).map((a) => `@${a}`)].filter(Boolean).join(' '),
          row.disabledReason ? `no: ${row.disabledReason}` : 'yes',
        ];
      }),
    ),
  );
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------
// script, deploy

/** The version named by --model: the one given, or the newest ONNX version. */
export async function chooseVersion(registry: WizardRegistry, ref: ModelRef, signal: AbortSignal | undefined): Promise<ModelVersionInfo> {
  let version: ModelVersionInfo;
  if (ref.version !== undefined) {
    version = await registry.source.getVersion(ref.name, ref.version, { signal });
  } else {
    const versions = await registry.source.listVersions(ref.name, { signal });
    const onnx = versions.find((v) => v.isOnnx);
    if (!onnx) {
      const newest = versions[0];
      throw new CliFailure(
        newest
          ? `Model '${ref.name}' in ${registry.source.displayName} has no ONNX version (newest: ${newest.version}, ${versionRow(newest).framework || 'unknown framework'}); PREDICT runs ONNX models only. Register an ONNX version of it.`
          : `Model '${ref.name}' in ${registry.source.displayName} has no versions.`,
      );
    }
    version = onnx;
  }
  const reason = versionRow(version).disabledReason;
  if (reason) throw new CliFailure(`Model '${version.modelName}' version ${version.version}: ${reason}`);
  return version;
}

interface Prepared {
  readonly conn: SqlConnection;
  readonly registry: WizardRegistry;
  readonly version: ModelVersionInfo;
  readonly target: PredictTarget;
  readonly plan: WizardPlan;
  readonly script: string;
  readonly connectionName: string;
}

/** Connects, reads the table and the model, and resolves the plan through the wizard's rules. The caller closes `conn`. */
async function prepare(command: 'script' | 'deploy', sql: SqlOptions, options: PlanOptions, ctx: Ctx): Promise<Prepared> {
  const config = await connectionConfig(command, sql, ctx.io.env, ctx.io.cwd);
  const spec = parseRegistrySpec(options.registry, ctx.io.cwd, command);
  const registry = await openRegistry(spec, ctx.io.env);
  ctx.log(`registry: ${registry.source.displayName}`);
  const version = await chooseVersion(registry, options.model, ctx.io.signal);
  ctx.log(`model: ${version.modelName} version ${version.version}`);
  const connectionName = `${endpointText(config)}/${sql.database}`;
  const conn = await connect(config, ctx.log);
  try {
    let target = options.target;
    if (!target) {
      const info = await serverInfo(conn);
      target = info.predictTarget ?? 'synapse-dedicated';
      ctx.log(
        info.predictTarget
          ? `target: ${predictTargetLabel(target)} (engine edition ${info.engineEdition})`
          : `target: ${predictTargetLabel(target)} (the server's engine edition ${info.engineEdition ?? 'unknown'} has no PREDICT dialect; set --target)`,
      );
    }
    const catalog = sqlCatalog(conn);
    let columns;
    try {
      columns = await catalog.columns(options.table);
    } catch (e) {
      if (e instanceof CatalogError) {
        throw new CliFailure(
          `Cannot read the columns of ${displayObjectName(options.table)} in database ${sql.database} on ${endpointText(config)}: it does not exist or login '${sql.user}' cannot see it. Check --table.`,
          { cause: e },
        );
      }
      throw e;
    }
    const signal = ctx.io.signal ?? new AbortController().signal;
    const { model, suggestion } = await readModelForWizard({ registry, version, columns, target, signal });
    const resolved = await resolvePlan({
      connectionName,
      table: options.table,
      columns,
      registry,
      version,
      model,
      suggestion,
      target,
      options,
      catalog,
    });
    for (const w of resolved.warnings) ctx.note(`warning: ${w}`);
    return { conn, registry, version, target, plan: resolved.plan, script: resolved.rules.buildScript(resolved.plan), connectionName };
  } catch (e) {
    await conn.close();
    throw e;
  }
}

async function output(script: string, out: string | undefined, ctx: Ctx): Promise<void> {
  if (!out) {
    ctx.io.stdout(script);
    return;
  }
  const path = resolve(ctx.io.cwd, out);
  try {
    await writeFile(path, script, 'utf8');
  } catch (e) {
    throw new CliFailure(`Cannot write the script to ${path} given by --out (${(e as { code?: string }).code ?? oneLine(e)}); choose a writable path.`, {
      cause: e,
    });
  }
  ctx.note(`Wrote the script to ${path}.`);
}

function describePlan(plan: WizardPlan): string {
  const what = plan.scriptType === 'view' ? 'view' : 'stored procedure';
  return `${plan.modelId} → ${displayObjectName(plan.modelTable)}${plan.createModelTable ? ' (new table)' : ''}; ${what} ${displayObjectName(plan.scriptName)}${plan.replaceExisting ? ' (replaced)' : ''}`;
}

export async function scriptCommand(cmd: Cmd<'script'>, ctx: Ctx): Promise<number> {
  const p = await prepare('script', cmd.sql, cmd.plan, ctx);
  try {
    ctx.log(describePlan(p.plan));
    await output(p.script, cmd.plan.out, ctx);
    return EXIT_OK;
  } finally {
    await p.conn.close();
  }
}

export async function deployCommand(cmd: Cmd<'deploy'>, ctx: Ctx): Promise<number> {
  const p = await prepare('deploy', cmd.sql, cmd.plan, ctx);
  try {
    ctx.note(`Deploying ${describePlan(p.plan)}`);
    const parts = defaultWizardParts(ctx.log);
    const { script } = await parts.deploy({
      plan: p.plan,
      registry: p.registry,
      version: p.version,
      onStep: (step) => ctx.note(`  ${step}…`),
      db: { connectionName: p.connectionName, target: p.target, sql: p.conn, release: () => {} },
      signal: ctx.io.signal ?? new AbortController().signal,
    });
    ctx.note(`Stored ${p.plan.modelId} in ${displayObjectName(p.plan.modelTable)}.`);
    await output(script, cmd.plan.out, ctx);
    if (!cmd.run) return EXIT_OK;
    ctx.note(`Running the script on ${p.connectionName}…`);
    return await runAndPrint(p.conn, script, cmd.plan.out ?? 'script', p.connectionName, cmd.sql.database, cmd.maxRows, ctx);
  } finally {
    await p.conn.close();
  }
}

// ---------------------------------------------------------------------------------------------
// run

async function runAndPrint(
  conn: SqlConnection,
  text: string,
  file: string,
  connectionName: string,
  database: string,
  maxRows: number,
  ctx: Ctx,
): Promise<number> {
  let run;
  try {
    run = await runScript(conn, text, { title: file, connectionName, database, maxRows, signal: ctx.io.signal });
  } catch (e) {
    if (e instanceof BatchSplitError) throw new CliFailure(`${file}:${e.line}: ${e.message}`, { cause: e });
    throw e;
  }
  const out = scriptRunText(run, file);
  ctx.io.stdout(out.stdout);
  ctx.io.stderr(out.stderr);
  ctx.log(`${run.batches} batches, ${run.resultSets.length} result sets, ${out.errors} errors in ${run.elapsedMs} ms`);
  return out.errors ? EXIT_FAILED : EXIT_OK;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString('utf8');
}

export async function runCommand(cmd: Cmd<'run'>, ctx: Ctx): Promise<number> {
  const config = await connectionConfig('run', cmd.sql, ctx.io.env, ctx.io.cwd);
  let text: string;
  const path = cmd.file === '-' ? '<stdin>' : resolve(ctx.io.cwd, cmd.file);
  try {
    text = cmd.file === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (e) {
    throw new CliFailure(`Cannot read the script ${path} given by --file (${(e as { code?: string }).code ?? oneLine(e)}).`, { cause: e });
  }
  const conn = await connect(config, ctx.log);
  try {
    return await runAndPrint(conn, text, cmd.file, `${endpointText(config)}/${cmd.sql.database}`, cmd.sql.database, cmd.maxRows, ctx);
  } finally {
    await conn.close();
  }
}
