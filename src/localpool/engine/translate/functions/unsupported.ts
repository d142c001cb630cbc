/** T-SQL functions the local pool knows but does not run: each is refused with the local pool's "does not support" error. */
import { unsupported } from '../../parse/base.js';
import type { FunctionTable, FunctionTranslator } from './call.js';

const NAMES = [
  'FORMAT',
  'PARSE',
  'TRY_PARSE',
  'OPENJSON',
  'JSON_VALUE',
  'JSON_QUERY',
  'ISJSON',
  'COMPRESS',
  'DECOMPRESS',
  'HASHBYTES',
  'CHECKSUM',
  'BINARY_CHECKSUM',
  'SOUNDEX',
  'DIFFERENCE',
  'PATINDEX',
  'STUFF',
  'TRANSLATE',
  'STRING_ESCAPE',
  'TYPE_NAME',
  'COL_NAME',
  'COLUMNPROPERTY',
  'OBJECTPROPERTY',
  'OBJECTPROPERTYEX',
  'HAS_PERMS_BY_NAME',
  'IS_MEMBER',
  'IS_SRVROLEMEMBER',
  'SCOPE_IDENTITY',
  'IDENT_CURRENT',
  'GROUPING',
  'PERCENTILE_CONT',
  'PERCENTILE_DISC',
  'APPROX_COUNT_DISTINCT',
];

const refuse: FunctionTranslator = (c) => {
  throw unsupported(`the function ${c.e.name}`, c.e.line);
};

export const UNSUPPORTED_FUNCTIONS: FunctionTable = Object.fromEntries(NAMES.map((name) => [name, refuse]));
