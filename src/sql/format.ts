/**
 * Numbers as text, by their SQL type: the one place that decides how the results view and the
 * wizard's preview print a value. No vscode, no Node-only APIs.
 *
 * - real (float32): the shortest decimal that reads back as the same float32 (23.04, not the
 *   double 23.040000915527344 the driver hands over);
 * - float (float64): JavaScript's shortest round-trip form of the double;
 * - decimal, numeric, money: as the server sent them (a string is kept; a number gets the type's
 *   scale, 12.3 in a decimal(18,4) prints 12.3000);
 * - bigint: exact (drivers send it as text or as a bigint, never rounded through a double).
 */

/** The shortest decimal (1 to 9 significant digits) that rounds to the same float32 as `n`. */
export function formatReal(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const f = Math.fround(n);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  for (let p = 1; p <= 9; p++) {
    const shortest = Number(f.toPrecision(p));
    if (Math.fround(shortest) === f) return String(shortest);
  }
  return String(f); // not reached: 9 significant digits always round-trip a float32
}

/** A double in JavaScript's shortest round-trip form. */
export function formatFloat(n: number): string {
  return String(n);
}

/** The base name of a type as the driver reports it: `decimal(18,4)` → `decimal`. */
function baseName(sqlType: string): string {
  return sqlType
    .trim()
    .toLowerCase()
    .replace(/\s*\(.*$/, '');
}

function scaleOf(sqlType: string): number | undefined {
  const m = /\(\s*\d+\s*,\s*(\d+)\s*\)/.exec(sqlType);
  return m ? Number(m[1]) : undefined;
}

/**
 * A numeric value as text for a column of SQL type `sqlType` (`real`, `float`, `decimal(18,4)`,
 * `bigint`, ...), or undefined when `v` is not a number the type formats (the caller prints it
 * its own way).
 */
export function formatSqlNumber(v: unknown, sqlType: string): string | undefined {
  const base = baseName(sqlType);
  switch (base) {
    case 'real':
      return typeof v === 'number' ? formatReal(v) : undefined;
    case 'float':
      return typeof v === 'number' ? formatFloat(v) : undefined;
    case 'decimal':
    case 'numeric':
    case 'money':
    case 'smallmoney': {
      if (typeof v === 'string') return v;
      if (typeof v === 'bigint') return v.toString();
      if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
      const scale = base === 'money' || base === 'smallmoney' ? 4 : (scaleOf(sqlType) ?? 0);
      return Math.abs(v) < 1e21 ? v.toFixed(scale) : String(v);
    }
    case 'bigint':
    case 'int':
    case 'smallint':
    case 'tinyint':
      return typeof v === 'bigint' || typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    default:
      return undefined;
  }
}

/**
 * A number whose SQL type is not known (an ONNX output, a preview cell): a value that is exactly a
 * float32 is printed as a real, any other as a float.
 */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.fround(n) === n ? formatReal(n) : formatFloat(n);
}
