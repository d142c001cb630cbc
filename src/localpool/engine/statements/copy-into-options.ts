/**
 * COPY INTO's WITH options, checked and given Synapse's documented defaults ("COPY INTO
 * (Transact-SQL)"): FILE_TYPE 'CSV', FIELDTERMINATOR ',', ROWTERMINATOR '\n' (read as \r\n or \n),
 * FIELDQUOTE '"', FIRSTROW 1, ENCODING 'UTF8', DATEFORMAT the session's (mdy), MAXERRORS 0,
 * COMPRESSION from the file's extension, IDENTITY_INSERT 'OFF', AUTO_CREATE_TABLE 'OFF'.
 * Options the local pool does not run are refused by name.
 */
import { SqlError } from '../api.js';
import { unsupported } from '../parser.js';
import type { CopyIntoOption } from './copy-into-parse.js';

export type DateFormat = 'mdy' | 'dmy' | 'ymd' | 'ydm' | 'myd' | 'dym';

export interface CopyOptions {
  readonly fileType: 'CSV' | 'PARQUET';
  readonly firstRow: number;
  readonly fieldTerminator: string;
  /** undefined: \r\n or \n, whichever the file uses (Synapse reads '\n' as \r\n). */
  readonly rowTerminator?: '\n' | '\r\n' | '\r';
  readonly fieldQuote: string;
  readonly encoding: 'UTF8' | 'UTF16';
  readonly dateFormat: DateFormat;
  readonly maxErrors: number;
  readonly errorFile?: string;
  readonly compression: 'auto' | 'gzip' | 'none' | 'snappy';
  readonly identityInsert: boolean;
  readonly autoCreateTable: boolean;
}

/** Options of Synapse's COPY INTO that the local pool refuses, with the reason. */
const REFUSED: Record<string, string> = {
  CREDENTIAL: 'the COPY INTO option CREDENTIAL (the local pool reads files from its import folder; no credential is needed)',
  ERRORFILE_CREDENTIAL: 'the COPY INTO option ERRORFILE_CREDENTIAL (rejected rows are written under the import folder)',
  FILE_FORMAT: 'the COPY INTO option FILE_FORMAT (external file formats); use FILE_TYPE',
};

const DATE_FORMATS = new Set<DateFormat>(['mdy', 'dmy', 'ymd', 'ydm', 'myd', 'dym']);

function badValue(o: CopyIntoOption, what: string): SqlError {
  return new SqlError(13812, `COPY INTO option ${o.name} = ${o.value.kind === 'string' ? `'${o.value.text}'` : o.value.text} is not valid: ${what}`, o.line);
}

/** T-SQL terminator text: `\t`, `\n`, `\r`, `\0`, `\\` escapes, or hexadecimal (`0x0A`, `0x0D0A`). */
export function terminatorText(text: string): string {
  if (/^0x([0-9a-f]{2})+$/i.test(text)) return Buffer.from(text.slice(2), 'hex').toString('latin1');
  return text.replace(/\\([tnr0\\])/g, (_m, c: string) => ({ t: '\t', n: '\n', r: '\r', '0': '\0', '\\': '\\' })[c]!);
}

function stringValue(o: CopyIntoOption): string {
  if (o.value.kind !== 'string') throw badValue(o, 'give it as a quoted string.');
  return o.value.text;
}

function wholeNumber(o: CopyIntoOption, min: number): number {
  const text = o.value.kind === 'number' || o.value.kind === 'string' ? o.value.text.trim() : '';
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) throw badValue(o, `give a whole number of at least ${min}.`);
  return Number(text);
}

function onOff(o: CopyIntoOption): boolean {
  const v = stringValue(o).toUpperCase();
  if (v !== 'ON' && v !== 'OFF') throw badValue(o, "give 'ON' or 'OFF'.");
  return v === 'ON';
}

export function copyOptions(options: readonly CopyIntoOption[]): CopyOptions {
  let fileType: CopyOptions['fileType'] = 'CSV';
  let firstRow = 1;
  let fieldTerminator = ',';
  let rowTerminator: CopyOptions['rowTerminator'];
  let fieldQuote = '"';
  let encoding: CopyOptions['encoding'] = 'UTF8';
  let dateFormat: DateFormat = 'mdy';
  let maxErrors = 0;
  let errorFile: string | undefined;
  let compression: CopyOptions['compression'] = 'auto';
  let identityInsert = false;
  let autoCreateTable = false;
  const seen = new Set<string>();
  const csvOnly: CopyIntoOption[] = [];
  for (const o of options) {
    if (seen.has(o.name)) throw new SqlError(1036, `The COPY INTO option ${o.name} is specified more than once.`, o.line);
    seen.add(o.name);
    if (REFUSED[o.name]) throw unsupported(REFUSED[o.name]!, o.line);
    switch (o.name) {
      case 'FILE_TYPE': {
        const v = stringValue(o).toUpperCase();
        if (v === 'ORC') throw unsupported("FILE_TYPE = 'ORC' in COPY INTO", o.line);
        if (v !== 'CSV' && v !== 'PARQUET') throw badValue(o, "give 'CSV' or 'PARQUET'.");
        fileType = v;
        break;
      }
      case 'FIRSTROW':
        firstRow = wholeNumber(o, 1);
        csvOnly.push(o);
        break;
      case 'FIELDTERMINATOR': {
        fieldTerminator = terminatorText(stringValue(o));
        if (!fieldTerminator.length || fieldTerminator.length > 4) throw badValue(o, 'give 1 to 4 characters.');
        csvOnly.push(o);
        break;
      }
      case 'ROWTERMINATOR': {
        const raw = stringValue(o);
        const t = terminatorText(raw);
        // Synapse prefixes \r to '\n' given as text; 0x0A means \n alone.
        if (t === '\n' && !/^0x/i.test(raw)) rowTerminator = undefined;
        else if (t === '\n' || t === '\r\n' || t === '\r') rowTerminator = t;
        else throw unsupported(`ROWTERMINATOR '${raw}' in COPY INTO (only \\n, \\r\\n and \\r)`, o.line);
        csvOnly.push(o);
        break;
      }
      case 'FIELDQUOTE':
        fieldQuote = terminatorText(stringValue(o));
        if (fieldQuote.length !== 1) throw badValue(o, 'give a single character.');
        csvOnly.push(o);
        break;
      case 'ENCODING': {
        const v = stringValue(o).toUpperCase().replace('-', '');
        if (v !== 'UTF8' && v !== 'UTF16') throw badValue(o, "give 'UTF8' or 'UTF16'.");
        encoding = v;
        csvOnly.push(o);
        break;
      }
      case 'DATEFORMAT': {
        const v = stringValue(o).toLowerCase() as DateFormat;
        if (!DATE_FORMATS.has(v)) throw badValue(o, "give one of 'mdy', 'dmy', 'ymd', 'ydm', 'myd', 'dym'.");
        dateFormat = v;
        csvOnly.push(o);
        break;
      }
      case 'MAXERRORS':
        maxErrors = wholeNumber(o, 0);
        break;
      case 'ERRORFILE':
        errorFile = stringValue(o);
        csvOnly.push(o);
        break;
      case 'COMPRESSION': {
        const v = stringValue(o).toUpperCase();
        if (v === 'DEFAULTCODEC') throw unsupported("COMPRESSION = 'DefaultCodec' in COPY INTO", o.line);
        if (v !== 'GZIP' && v !== 'NONE' && v !== 'SNAPPY') throw badValue(o, "give 'GZIP', 'Snappy' or 'NONE'.");
        compression = v === 'GZIP' ? 'gzip' : v === 'SNAPPY' ? 'snappy' : 'none';
        break;
      }
      case 'IDENTITY_INSERT':
        identityInsert = onOff(o);
        break;
      case 'AUTO_CREATE_TABLE':
        autoCreateTable = onOff(o);
        break;
      default:
        throw new SqlError(
          13812,
          `'${o.name}' is not a COPY INTO option. The options are FILE_TYPE, FIRSTROW, FIELDTERMINATOR, ROWTERMINATOR, FIELDQUOTE, ENCODING, DATEFORMAT, MAXERRORS, ERRORFILE, COMPRESSION, IDENTITY_INSERT and AUTO_CREATE_TABLE.`,
          o.line,
        );
    }
  }
  if (fileType === 'PARQUET' && csvOnly.length) {
    throw new SqlError(13812, `The COPY INTO option ${csvOnly[0]!.name} applies to CSV files only, and FILE_TYPE is 'PARQUET'.`, csvOnly[0]!.line);
  }
  if (fileType === 'CSV' && compression === 'snappy')
    throw new SqlError(13812, "COMPRESSION = 'Snappy' applies to Parquet files; CSV files take 'GZIP'.", options.find((o) => o.name === 'COMPRESSION')!.line);
  if (fileType === 'CSV' && autoCreateTable)
    throw new SqlError(13812, "AUTO_CREATE_TABLE = 'ON' is available for Parquet files only.", options.find((o) => o.name === 'AUTO_CREATE_TABLE')!.line);
  return {
    fileType,
    firstRow,
    fieldTerminator,
    rowTerminator,
    fieldQuote,
    encoding,
    dateFormat,
    maxErrors,
    errorFile,
    compression,
    identityInsert,
    autoCreateTable,
  };
}
