/**
 * DDL: CREATE SCHEMA, CREATE TABLE (and CTAS, SELECT ... INTO, #temp tables), CREATE/ALTER VIEW,
 * DROP, statistics, RENAME OBJECT and sp_rename; each in a DuckDB transaction, with the catalog's rows.
 */
import { SqlError, type EngineEvent, type SqlValue } from '../api.js';
import type { ColumnDef, NameRef, TypeSpec } from '../ast.js';
import { columnFacts, type ObjectInfo, type ObjectType } from '../catalog.js';
import { unsupported } from '../parse/base.js';
import { duckTableName, literalOf, parseNameText, q, resolveObject, sqlString, translateQuery, type Translated } from '../translate.js';
import { checkType, duckType, formatType, parseTypeText, typeSpecForDuck } from '../types.js';
import { DmlRunner } from './dml.js';
import { checkColumnNames, declaredOrDuck, withDdlLength, type Frame, type StatementOf } from './support.js';

export abstract class DdlRunner extends DmlRunner {
  protected async *execCreateSchema(st: StatementOf<'createSchema'>): AsyncGenerator<EngineEvent> {
    yield* this.ddl(async () => {
      const cat = await this.getCatalog();
      if (cat.schemas.has(st.name.toLowerCase())) throw new SqlError(2714, `There is already an object named '${st.name}' in the database.`, st.line);
      const id = Math.max(4, ...[...cat.schemas.values()].map((s) => s.id)) + 1;
      await this.conn.run(`CREATE SCHEMA ${q(st.name)}`);
      await this.conn.run(`INSERT INTO __lp.schemas VALUES (${id}, ${sqlString(st.name)})`);
    });
  }

  protected async *execCreateTable(st: StatementOf<'createTable'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    yield* this.ddl(() => this.createTable(st, frame, signal), st.asQuery ? () => this.rowcount : undefined);
  }

  protected async *execCreateView(st: StatementOf<'createView'>, frame: Frame): AsyncGenerator<EngineEvent> {
    yield* this.ddl(() => this.createView(st, frame));
  }

  protected async *execDrop(st: StatementOf<'drop'>): AsyncGenerator<EngineEvent> {
    yield* this.ddl(() => this.drop(st));
  }

  /** CREATE/UPDATE/DROP STATISTICS: the table and columns must exist; DuckDB keeps its own statistics. */
  protected async *execStatistics(st: StatementOf<'statistics'>, frame: Frame): AsyncGenerator<EngineEvent> {
    const cat = await this.getCatalog();
    const ctx = this.ctx(frame, 'execute', cat);
    for (const table of st.tables) {
      const r = resolveObject(ctx, table);
      if (!r || r.kind !== 'object' || r.object.type !== 'U') {
        throw new SqlError(1088, `Cannot find the object "${table.text}" because it does not exist or you do not have permissions.`, st.line);
      }
      for (const c of st.columns ?? []) {
        if (!r.object.columns.some((x) => x.name.toLowerCase() === c.toLowerCase())) {
          throw new SqlError(1911, `Column name '${c}' does not exist in the target table or view.`, st.line);
        }
      }
    }
    yield this.done();
  }

  protected async *execRename(st: StatementOf<'rename'>): AsyncGenerator<EngineEvent> {
    yield* this.ddl(() => this.renameTable(st.table, st.newName, st.line, 'rename'));
  }

  /**
   * DDL: runs in a DuckDB transaction of its own unless one is open. Then every session's catalog
   * is stale; this session's own is patched instead of reloaded when the statement said how
   * (`catalogPatch`: a new table) and no other session changed the catalog meanwhile, so that a
   * script creating thousands of tables does not reload a growing catalog after each one.
   */
  protected async *ddl(work: () => Promise<void>, rowCount?: () => number): AsyncGenerator<EngineEvent> {
    const own = this.trancount === 0;
    const temps = new Map(this.temps);
    const before = this.host.catalogVersion;
    let done = false;
    this.takeCatalogPatch();
    if (own) await this.conn.run('BEGIN TRANSACTION');
    try {
      await work();
      if (own) await this.conn.run('COMMIT');
      done = true;
    } catch (e) {
      if (own) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        // The rollback undid any #temp table the statement made or dropped.
        this.temps = temps;
      }
      throw e;
    } finally {
      const patch = this.takeCatalogPatch();
      // The catalog this session holds now (loaded before or during the statement), unless another
      // session changed the catalog meanwhile.
      const current = this.catalog?.version === before && this.host.catalogVersion === before ? this.catalog : undefined;
      this.host.catalogVersion++;
      if (done && patch && current) {
        patch(current.snap);
        this.catalog = { version: this.host.catalogVersion, snap: current.snap };
      } else {
        this.catalog = undefined;
      }
    }
    yield rowCount ? this.done(rowCount()) : { kind: 'done' };
  }

  protected async checkNewObject(ref: NameRef, kind: string): Promise<{ schema: string; name: string; schemaId: number; existing?: ObjectInfo }> {
    const cat = await this.getCatalog();
    const parts = ref.parts;
    if (parts.length > 3 || (parts.length === 3 && parts[0]!.toLowerCase() !== this.host.database.toLowerCase())) {
      throw new SqlError(
        2760,
        `The specified schema name "${parts.slice(0, -1).join('.')}" either does not exist or you do not have permission to use it.`,
        ref.line,
      );
    }
    const name = parts[parts.length - 1]!;
    if (name.startsWith('#')) throw unsupported(`temporary ${kind}s (#name)`, ref.line);
    const schemaName = parts.length >= 2 && parts[parts.length - 2] ? parts[parts.length - 2]! : 'dbo';
    const schema = cat.schemas.get(schemaName.toLowerCase());
    if (!schema || schema.id === 3 || schema.id === 4) {
      throw new SqlError(2760, `The specified schema name "${schemaName}" either does not exist or you do not have permission to use it.`, ref.line);
    }
    if (name.length > 128) throw new SqlError(103, `The identifier that starts with '${name.slice(0, 128)}' is too long. Maximum length is 128.`, ref.line);
    return { schema: schema.name, name, schemaId: schema.id, existing: cat.objects.get(`${schema.name}.${name}`.toLowerCase()) };
  }

  protected async insertObject(id: number, schemaId: number, name: string, type: ObjectType, definition: string | null, options: string | null): Promise<void> {
    await this.conn.run(
      `INSERT INTO __lp.objects VALUES (${id}, ${schemaId}, ${sqlString(name)}, '${type}', ${definition === null ? 'NULL' : sqlString(definition)}, ${options === null ? 'NULL' : sqlString(options)}, now()::TIMESTAMP, now()::TIMESTAMP)`,
    );
  }

  protected async insertColumns(id: number, cols: readonly { name: string; type: TypeSpec; nullable: boolean; identity?: boolean }[]): Promise<void> {
    if (!cols.length) return;
    const rows = cols.map((c, i) => {
      const f = columnFacts(c.type);
      return `(${id}, ${i + 1}, ${sqlString(c.name)}, ${sqlString(formatType(c.type))}, ${sqlString(c.type.name)}, ${f.charLength ?? 'NULL'}, ${f.maxLength}, ${f.precision}, ${f.scale}, ${c.nullable}, ${!!c.identity})`;
    });
    await this.conn.run(`INSERT INTO __lp.columns VALUES ${rows.join(', ')}`);
  }

  protected async createTable(st: StatementOf<'createTable'>, frame: Frame, signal: AbortSignal): Promise<void> {
    const temp = st.name.parts[st.name.parts.length - 1]!.startsWith('#');
    const o = temp ? this.checkNewTempTable(st.name) : await this.checkNewObject(st.name, 'table');
    if (o.existing) throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    const id = this.host.nextId();
    // A #temp table is a DuckDB temp table of this session's connection; the session keeps its
    // declared types itself (it is not in the database's catalog, as SQL Server keeps it in tempdb).
    const target = temp ? `temp.main.${q(o.name)}` : duckTableName(o);
    const create = temp ? 'CREATE TEMP TABLE' : 'CREATE TABLE';
    const record = async (columns: { name: string; type: TypeSpec; nullable: boolean; identity?: boolean }[]): Promise<void> => {
      if (temp) {
        this.temps.set(o.name.toLowerCase(), { id, schema: 'dbo', name: o.name, type: 'U', columns, duckName: target });
        return;
      }
      await this.insertObject(id, o.schemaId, o.name, 'U', null, st.options || null);
      await this.insertColumns(id, columns);
      // The table as a reload would read it back (types through their stored text).
      const info: ObjectInfo = {
        id,
        schema: o.schema,
        name: o.name,
        type: 'U',
        columns: columns.map((c) => ({ name: c.name, type: parseTypeText(formatType(c.type)), nullable: c.nullable })),
      };
      this.catalogPatch = (snap) => (snap.objects as Map<string, ObjectInfo>).set(`${o.schema}.${o.name}`.toLowerCase(), info);
    };
    if (st.asQuery) {
      const cat = await this.getCatalog();
      const ctx = this.ctx(frame, 'execute', cat);
      const t = translateQuery(ctx, st.asQuery);
      checkColumnNames(t.cols, o.name, st.line);
      const cleanup = await this.materialize(ctx, signal);
      try {
        await this.conn.run(`${create} ${target} AS SELECT * FROM (${t.sql}) AS __q(${t.cols.map((c) => q(c.name)).join(', ')})`, this.duckParams(ctx.params));
      } finally {
        await cleanup();
      }
      const types = await this.describeTypes(`SELECT * FROM ${target}`, []);
      await record(t.cols.map((c, i) => ({ name: c.name, type: c.type ?? typeSpecForDuck(types[i]!), nullable: true })));
      // CTAS and SELECT ... INTO report the rows they wrote.
      this.rowcount = Number((await this.conn.runAndReadAll(`SELECT count(*) FROM ${target}`)).getRows()[0]![0]);
      return;
    }
    const seen = new Set<string>();
    const defs: string[] = [];
    for (const [ordinal, c] of st.columns.entries()) {
      checkType(c.type, st.line, c.name);
      const key = c.name.toLowerCase();
      if (seen.has(key))
        throw new SqlError(
          2705,
          `Column names in each table must be unique. Column name '${c.name}' in table '${st.name.text}' is specified more than once.`,
          st.line,
        );
      seen.add(key);
      defs.push(await this.columnSql(c, id, ordinal + 1, frame, temp));
    }
    await this.conn.run(`${create} ${target} (${defs.join(', ')})`);
    await record(
      st.columns.map((c) => ({
        name: c.name,
        type: c.type.length === undefined ? withDdlLength(c.type) : c.type,
        nullable: !c.notNull && !c.identity,
        identity: !!c.identity,
      })),
    );
  }

  /** `sp_rename @objname, @newname [, @objtype]` for tables, with SQL Server's caution message. */
  protected async *spRename(args: readonly { name?: string; value: SqlValue }[], line: number): AsyncGenerator<EngineEvent> {
    const arg = (name: string, position: number): SqlValue | undefined => {
      const named = args.find((a) => a.name?.toLowerCase() === name);
      return named ? named.value : args[position] && !args[position]!.name ? args[position]!.value : undefined;
    };
    const objname = arg('@objname', 0);
    const newname = arg('@newname', 1);
    const objtype = arg('@objtype', 2);
    if (objname === undefined || objname === null || newname === undefined || newname === null) {
      throw new SqlError(
        201,
        `Procedure or function 'sp_rename' expects parameter '${objname == null ? '@objname' : '@newname'}', which was not supplied.`,
        line,
        16,
        4,
      );
    }
    if (objtype !== undefined && objtype !== null && String(objtype).toUpperCase() !== 'OBJECT') {
      throw unsupported(`sp_rename of a ${String(objtype).toUpperCase()} (tables only)`, line);
    }
    const text = String(objname);
    let parts: string[];
    try {
      parts = parseNameText(text);
    } catch {
      throw new SqlError(15253, `Syntax error parsing SQL identifier '${text}'.`, line, 11);
    }
    yield* this.ddl(() => this.renameTable({ parts, line, text }, String(newname), line, 'sp_rename'));
    yield {
      kind: 'info',
      message: { number: 15477, state: 1, class: 10, message: 'Caution: Changing any part of an object name could break scripts and stored procedures.', line },
    };
    yield { kind: 'returnStatus', value: 0 };
  }

  /**
   * RENAME OBJECT (Synapse) and sp_rename (SQL Server) of a user table: DuckDB renames the table and
   * the catalog its row. Views and procedures that name the old table break, as in SQL Server.
   */
  protected async renameTable(ref: NameRef, newName: string, line: number, how: 'rename' | 'sp_rename'): Promise<void> {
    const cat = await this.getCatalog();
    const r = resolveObject(this.ctx({ vars: new Map() }, 'execute', cat), ref);
    if (!r || r.kind !== 'object') {
      if (how === 'sp_rename') {
        throw new SqlError(
          15225,
          `No item by the name of '${ref.text}' could be found in the current database '${this.host.database}', given that @itemtype was input as '(null)'.`,
          line,
          11,
        );
      }
      throw new SqlError(208, `Invalid object name '${ref.text}'.`, line);
    }
    const o = r.object;
    if (o.duckName) throw unsupported('renaming a #temp table', line);
    if (o.type !== 'U') throw unsupported(`renaming a ${o.type === 'V' ? 'view' : 'procedure'} (only tables can be renamed)`, line);
    if (!newName || newName.startsWith('#')) throw new SqlError(15070, `The new name '${newName}' is not a valid name for a table.`, line, 11);
    if (newName.length > 128)
      throw new SqlError(103, `The identifier that starts with '${newName.slice(0, 128)}' is too long. Maximum length is 128.`, line, 15);
    if (cat.objects.has(`${o.schema}.${newName}`.toLowerCase()) && newName.toLowerCase() !== o.name.toLowerCase()) {
      throw new SqlError(2714, `There is already an object named '${newName}' in the database.`, line);
    }
    await this.conn.run(`ALTER TABLE ${duckTableName(o)} RENAME TO ${q(newName)}`);
    await this.conn.run(`UPDATE __lp.objects SET name = ${sqlString(newName)}, modify_date = now()::TIMESTAMP WHERE object_id = ${o.id}`);
  }

  /** Checks a new #temp table's name (local temporary tables only, as in Synapse). */
  protected checkNewTempTable(ref: NameRef): { schema: string; name: string; schemaId: number; existing?: ObjectInfo } {
    const name = ref.parts[ref.parts.length - 1]!;
    if (name.startsWith('##')) throw unsupported('global temporary tables (##name)', ref.line);
    if (name.length > 116)
      throw new SqlError(
        193,
        `The object or column name starting with '${name.slice(0, 116)}' is too long. The maximum length is 116 characters.`,
        ref.line,
        15,
      );
    return { schema: 'dbo', name, schemaId: 1, existing: this.temps.get(name.toLowerCase()) };
  }

  protected async columnSql(c: ColumnDef, tableId: number, ordinal: number, frame: Frame, temp = false): Promise<string> {
    const t = withDdlLength(c.type);
    let sql = `${q(c.name)} ${duckType(t)}`;
    if (c.identity) {
      // Named by the column's position: DuckDB's nextval('...') cannot name a sequence whose name holds a double quote.
      // A #temp table's sequence is temporary too.
      const seq = temp ? `temp.main.seq_${tableId}_${ordinal}` : `__lp.seq_${tableId}_${ordinal}`;
      await this.conn.run(`CREATE ${temp ? 'TEMP ' : ''}SEQUENCE ${seq} START ${c.identity.seed} INCREMENT ${c.identity.increment}`);
      sql += ` DEFAULT nextval('${seq}')`;
    } else if (c.default) {
      const v = await this.evaluate(c.default, frame, t);
      sql += ` DEFAULT ${literalOf(this.ctx(frame, 'execute', await this.getCatalog()), v.value, t)}`;
    }
    if (c.notNull || c.identity) sql += ' NOT NULL';
    if (typeof t.length === 'number' && ['char', 'varchar', 'nchar', 'nvarchar'].includes(t.name)) {
      sql += ` CHECK (length(${q(c.name)}) <= ${t.length})`;
    }
    return sql;
  }

  protected async createView(st: StatementOf<'createView'>, frame: Frame): Promise<void> {
    const o = await this.checkNewObject(st.name, 'view');
    if (st.mode === 'create' && o.existing) throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    if (st.mode === 'alter' && (!o.existing || o.existing.type !== 'V')) throw new SqlError(208, `Invalid object name '${st.name.text}'.`, st.line);
    if (o.existing && o.existing.type !== 'V') throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    const cat = await this.getCatalog();
    const ctx = this.ctx({ vars: new Map() }, 'describe', cat);
    let t: Translated;
    try {
      t = translateQuery(ctx, st.query);
    } catch (e) {
      if (e instanceof SqlError && e.number === 137) throw new SqlError(137, e.message, e.line || st.line);
      throw e;
    }
    void frame;
    let cols = t.cols;
    if (st.columns) {
      if (st.columns.length !== cols.length) throw new SqlError(8159, `'${o.name}' has fewer columns than were specified in the column list.`, st.line);
      cols = cols.map((c, i) => ({ ...c, name: st.columns![i]! }));
    }
    checkColumnNames(cols, o.name, st.line);
    const types = await this.describeTypes(t.sql, ctx.params);
    const id = o.existing?.id ?? this.host.nextId();
    if (o.existing) {
      await this.conn.run(`DELETE FROM __lp.columns WHERE object_id = ${id}`);
      await this.conn.run(`UPDATE __lp.objects SET definition = ${sqlString(st.text)}, modify_date = now()::TIMESTAMP WHERE object_id = ${id}`);
    } else await this.insertObject(id, o.schemaId, o.name, 'V', st.text, null);
    await this.insertColumns(
      id,
      cols.map((c, i) => ({ name: c.name, type: declaredOrDuck(c.type, types[i]), nullable: c.nullable })),
    );
  }

  protected async drop(st: StatementOf<'drop'>): Promise<void> {
    const cat = await this.getCatalog();
    const word = st.what === 'PROCEDURE' ? 'procedure' : st.what.toLowerCase();
    for (const ref of st.names) {
      if (st.what === 'SCHEMA') {
        const name = ref.parts[ref.parts.length - 1]!;
        const s = cat.schemas.get(name.toLowerCase());
        if (!s) {
          if (st.ifExists) continue;
          throw new SqlError(3701, `Cannot drop the schema '${name}', because it does not exist or you do not have permission.`, ref.line);
        }
        if (s.id <= 4) throw new SqlError(15150, `Cannot drop the schema '${s.name}'.`, ref.line);
        const user = [...cat.objects.values()].find((o) => o.schema.toLowerCase() === s.name.toLowerCase());
        if (user) throw new SqlError(3729, `Cannot drop schema '${s.name}' because it is being referenced by object '${user.name}'.`, ref.line);
        await this.conn.run(`DROP SCHEMA ${q(s.name)}`);
        await this.conn.run(`DELETE FROM __lp.schemas WHERE schema_id = ${s.id}`);
        continue;
      }
      const r = resolveObject(this.ctx({ vars: new Map() }, 'execute', cat), ref);
      const want: ObjectType = st.what === 'TABLE' ? 'U' : st.what === 'VIEW' ? 'V' : 'P';
      if (!r || r.kind !== 'object') {
        if (st.ifExists) continue;
        throw new SqlError(3701, `Cannot drop the ${word} '${ref.text}', because it does not exist or you do not have permission.`, ref.line);
      }
      const o = r.object;
      if (o.type !== want) {
        const actual = o.type === 'U' ? 'table' : o.type === 'V' ? 'view' : 'procedure';
        throw new SqlError(
          3705,
          `Cannot use DROP ${st.what} with '${ref.text}' because '${ref.text}' is a ${actual}. Use DROP ${actual.toUpperCase()}.`,
          ref.line,
        );
      }
      if (o.type === 'U' && o.duckName) {
        // A #temp table: the session's own.
        await this.conn.run(`DROP TABLE ${o.duckName}`);
        const seqs = await this.conn.runAndReadAll(`SELECT sequence_name FROM duckdb_sequences() WHERE temporary AND sequence_name LIKE 'seq_${o.id}_%'`);
        for (const [name] of seqs.getRows()) await this.conn.run(`DROP SEQUENCE temp.main.${q(String(name))}`);
        this.temps.delete(o.name.toLowerCase());
        continue;
      }
      if (o.type === 'U') {
        await this.conn.run(`DROP TABLE ${duckTableName(o)}`);
        const seqs = await this.conn.runAndReadAll(
          `SELECT sequence_name FROM duckdb_sequences() WHERE schema_name = '__lp' AND sequence_name LIKE 'seq_${o.id}_%'`,
        );
        for (const [name] of seqs.getRows()) await this.conn.run(`DROP SEQUENCE __lp.${q(String(name))}`);
      }
      await this.conn.run(`DELETE FROM __lp.columns WHERE object_id = ${o.id}`);
      await this.conn.run(`DELETE FROM __lp.objects WHERE object_id = ${o.id}`);
    }
  }
}
