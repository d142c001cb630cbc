/**
 * What the pass-through selector shows for the chosen columns: their names (`CustomerKey`,
 * `CustomerKey, StoreId`), or the count and the first names when they do not fit in `maxChars`
 * (`5 columns: CustomerKey, StoreId, …`); `None` when nothing is chosen.
 */
export function passThroughLabel(columns: readonly string[], maxChars = 40): string {
  if (columns.length === 0) return 'None';
  const all = columns.join(', ');
  if (columns.length === 1 || all.length <= maxChars) return all;
  const head = `${columns.length} columns: `;
  let shown = columns[0]!;
  for (const c of columns.slice(1)) {
    if (head.length + shown.length + 2 + c.length + 3 > maxChars) break;
    shown = `${shown}, ${c}`;
  }
  return `${head}${shown}, …`;
}
