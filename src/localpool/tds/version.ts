/**
 * The TDS version a connection speaks (MS-TDS 2.2.6.4 LOGIN7, 2.2.7.14 LOGINACK). A client names
 * the highest version it knows; the server answers with the lower of that and 7.4, and from then on
 * both sides read and write that version's formats. What changes between versions is kept here, as
 * flags, so the readers and writers ask one question ("are there ALL_HEADERS?") and not a version
 * number.
 */

/** LOGINACK's version numbers (as the DWORD reads big-endian on the wire) of the versions the pool speaks. */
export const TdsVersionNumber = {
  V7_0: 0x70000000,
  V7_1: 0x71000001,
  V7_2: 0x72090002,
  V7_3A: 0x730a0003,
  V7_3B: 0x730b0003,
  V7_4: 0x74000004,
} as const;

export class TdsVersion {
  /** "7.0" … "7.4" (7.3A and 7.3B are both "7.3"). */
  readonly label: string;
  /** SQL batch, RPC and transaction manager requests start with ALL_HEADERS (7.2+). */
  readonly allHeaders: boolean;
  /** (max) values travel as PLP (7.2+); before, as the legacy text, ntext and image types. */
  readonly plp: boolean;
  /** date, time, datetime2 and datetimeoffset exist (7.3+); before, they are sent as nvarchar. */
  readonly dateTypes: boolean;
  /** NBCROW, a row with a NULL bitmap (7.3B+). */
  readonly nbcRow: boolean;
  /** (var)char TYPE_INFO carries a collation and the login announces one (7.1+). */
  readonly collations: boolean;
  /**
   * 7.2+: DONE row counts are 8 bytes, COLMETADATA / RETURNVALUE user types 4 bytes, ERROR / INFO
   * line numbers 4 bytes, and transactions are reported with ENVCHANGE 8-10. Before: 4, 2, 2, none.
   */
  readonly wide: boolean;

  constructor(readonly number: number) {
    const major = number >>> 24;
    this.label = `7.${Math.min(Math.max(major - 0x70, 0), 4)}`;
    this.allHeaders = major >= 0x72;
    this.plp = major >= 0x72;
    this.dateTypes = major >= 0x73;
    this.nbcRow = number >= TdsVersionNumber.V7_3B;
    this.collations = major >= 0x71;
    this.wide = major >= 0x72;
  }
}

export const TDS_7_4 = new TdsVersion(TdsVersionNumber.V7_4);

const KNOWN = new Map<number, TdsVersion>(Object.values(TdsVersionNumber).map((n) => [n, n === TdsVersionNumber.V7_4 ? TDS_7_4 : new TdsVersion(n)]));

/**
 * The version to speak with a client that sent `clientVersion` in LOGIN7 (its DWORD read
 * little-endian): the lower of it and 7.4, as one of the numbers SQL Server answers with (clients
 * check LOGINACK against those). Undefined below 7.0, which has no LOGIN7.
 */
export function negotiateVersion(clientVersion: number): TdsVersion | undefined {
  const v = clientVersion >>> 0;
  const major = v >>> 24;
  if (major < 0x70) return undefined;
  if (major >= 0x74) return TDS_7_4;
  if (major === 0x73) return KNOWN.get(v >= TdsVersionNumber.V7_3B ? TdsVersionNumber.V7_3B : TdsVersionNumber.V7_3A);
  if (major === 0x72) return KNOWN.get(TdsVersionNumber.V7_2);
  if (major === 0x71) return KNOWN.get(TdsVersionNumber.V7_1);
  return KNOWN.get(TdsVersionNumber.V7_0);
}
