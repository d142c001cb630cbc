/**
 * What one request produced, collected from tedious's events: result sets (kept up to `maxRows`, or
 * handed to `onRow` with backpressure), messages, errors and row counts.
 */
import type { Request } from 'tedious';
import type { BatchOutcome, ResultColumn, ResultSet, RunOptions, SqlCell, SqlMessage } from '../port.js';
import { columnTypeText, toMessage, type TediousMessageToken, type TediousMetadata } from './metadata.js';

export class BatchCollector {
  readonly resultSets: ResultSet[] = [];
  readonly messages: SqlMessage[] = [];
  readonly errors: SqlMessage[] = [];
  readonly rowCounts: number[] = [];
  readonly affectedCounts: number[] = [];
  /** What a throwing or rejecting `onRow` threw: the request is cancelled and this is rethrown. */
  rowFailure: unknown;
  private setOpen = false;
  private columns: ResultColumn[] = [];
  private currentSet: ResultSet | undefined;
  private readonly maxRows: number;

  /** `cancel` cancels the running request (when `onRow` fails). */
  constructor(
    private readonly options: RunOptions,
    private readonly cancel: () => void,
  ) {
    this.maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  }

  readonly onInfo = (t: TediousMessageToken): void => {
    this.messages.push(toMessage('info', t));
  };

  readonly onError = (t: TediousMessageToken): void => {
    const m = toMessage('error', t);
    this.messages.push(m);
    this.errors.push(m);
  };

  /** Listens to the request's result events. */
  attach(request: Request): void {
    request.on('columnMetadata', (meta) => {
      const list = (Array.isArray(meta) ? meta : Object.values(meta)) as unknown as TediousMetadata[];
      this.columns = list.map((m) => ({ name: m.colName, type: columnTypeText(m), nullable: ((m.flags ?? 0) & 0x01) === 0x01 }));
      this.currentSet = { columns: this.columns, rows: [], truncated: false, rowCount: 0 };
      this.setOpen = true;
      this.resultSets.push(this.currentSet);
      this.options.onResultSet?.(this.columns);
    });
    request.on('row', (cols: { value: unknown }[]) => this.onRow(request, cols));
    const onDone = (rowCount: number | undefined) => {
      if (rowCount !== undefined) {
        this.rowCounts.push(rowCount);
        if (!this.setOpen) this.affectedCounts.push(rowCount);
      }
      this.setOpen = false;
    };
    request.on('done', onDone);
    request.on('doneInProc', onDone);
    request.on('doneProc', onDone);
  }

  outcome(elapsedMs: number, cancelled: boolean): BatchOutcome {
    const { resultSets, messages, errors, rowCounts, affectedCounts } = this;
    return { resultSets, messages, errors, rowCounts, affectedCounts, elapsedMs, cancelled };
  }

  private onRow(request: Request, cols: { value: unknown }[]): void {
    const row = cols.map((c) => c.value as SqlCell);
    const currentSet = this.currentSet;
    if (currentSet) currentSet.rowCount++;
    const onRow = this.options.onRow;
    if (onRow) {
      if (this.rowFailure) return;
      let pending: void | Promise<void>;
      try {
        pending = onRow(row, this.columns);
      } catch (e) {
        this.rowFailure = e;
        this.cancel();
        return;
      }
      if (pending && typeof (pending as Promise<void>).then === 'function') {
        request.pause();
        (pending as Promise<void>).then(
          () => request.resume(),
          (e: unknown) => {
            this.rowFailure = e;
            request.resume();
            this.cancel();
          },
        );
      }
      return;
    }
    if (!currentSet) return;
    if (currentSet.rows.length < this.maxRows) currentSet.rows.push(row);
    else currentSet.truncated = true;
  }
}
