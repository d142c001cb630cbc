/** TDS constants shared by the local pool's wire protocol modules ([MS-TDS] 2.2). */

/** Packet header types (MS-TDS 2.2.3.1.1). */
export const PacketType = {
  SqlBatch: 0x01,
  Rpc: 0x03,
  TabularResult: 0x04,
  Attention: 0x06,
  BulkLoad: 0x07,
  FedAuthToken: 0x08,
  TransactionManager: 0x0e,
  Login7: 0x10,
  Sspi: 0x11,
  Prelogin: 0x12,
} as const;

/** Packet header status bits. */
export const PacketStatus = {
  EndOfMessage: 0x01,
  Ignore: 0x02,
  ResetConnection: 0x08,
  ResetConnectionSkipTran: 0x10,
} as const;

export const HEADER_LENGTH = 8;

/** TDS 7.4, as LOGINACK carries it (big-endian on the wire). */
export const TDS_VERSION_7_4 = 0x74000004;

/** Token types the server writes (MS-TDS 2.2.7). */
export const Token = {
  ColMetadata: 0x81,
  Error: 0xaa,
  Info: 0xab,
  ReturnValue: 0xac,
  LoginAck: 0xad,
  Row: 0xd1,
  NbcRow: 0xd2,
  EnvChange: 0xe3,
  Done: 0xfd,
  DoneProc: 0xfe,
  DoneInProc: 0xff,
  ReturnStatus: 0x79,
} as const;

/** DONE / DONEPROC / DONEINPROC status bits. */
export const DoneStatus = {
  Final: 0x0000,
  More: 0x0001,
  Error: 0x0002,
  InTransaction: 0x0004,
  Count: 0x0010,
  Attention: 0x0020,
  ServerError: 0x0100,
} as const;

/** The current command a DONE token reports; SQL Server uses 0xC1 for SELECT, 0xC3 for INSERT, etc. */
export const CurCmd = {
  None: 0x00,
  Select: 0xc1,
} as const;

/** ENVCHANGE types. */
export const EnvChangeType = {
  Database: 1,
  Language: 2,
  PacketSize: 4,
  SqlCollation: 7,
  BeginTransaction: 8,
  CommitTransaction: 9,
  RollbackTransaction: 10,
} as const;

/** TYPE_INFO ids the local pool reads and writes (MS-TDS 2.2.5.4). */
export const TypeId = {
  Null: 0x1f,
  Int1: 0x30,
  Bit: 0x32,
  Int2: 0x34,
  Int4: 0x38,
  DateTime4: 0x3a,
  Flt4: 0x3b,
  DateTime: 0x3d,
  Flt8: 0x3e,
  Int8: 0x7f,
  Guid: 0x24,
  IntN: 0x26,
  DateN: 0x28,
  TimeN: 0x29,
  DateTime2N: 0x2a,
  DateTimeOffsetN: 0x2b,
  BitN: 0x68,
  DecimalN: 0x6a,
  NumericN: 0x6c,
  FltN: 0x6d,
  DateTimeN: 0x6f,
  BigVarBinary: 0xa5,
  BigVarChar: 0xa7,
  BigBinary: 0xad,
  BigChar: 0xaf,
  NVarChar: 0xe7,
  NChar: 0xef,
  /** Legacy long types, sent for (max) columns before TDS 7.2. */
  Image: 0x22,
  Text: 0x23,
  NText: 0x63,
} as const;

/** Length value that marks a (MAX) type in TYPE_INFO. */
export const MAX_LENGTH = 0xffff;

/**
 * The collation the local pool announces and uses for (var)char data:
 * SQL_Latin1_General_CP1_CI_AS (LCID 0x0409, sort id 52, code page 1252).
 */
export const DEFAULT_COLLATION = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);

/** Well-known stored procedure ids an RPC may name by number. */
export const ProcId = {
  ExecuteSql: 10,
} as const;

/** Names the server reports for itself. */
export const SERVER_NAME = 'localpool';
