/** Tables, views or columns the SQL Pools explorer shows per page under a schema or a table; "Show more…" loads the next. */
export const EXPLORER_PAGE_SIZE = 200;
