/** The lab's customers as a CSV file with a header row, in wwi_ml.CustomerTest's column order. */
import { writeFile } from 'node:fs/promises';
import { CUSTOMER_TEST_COLUMNS, generateCustomers } from '../../src/samples/customers.js';

export async function writeCustomersCsv(path: string, rows: number): Promise<void> {
  const names = CUSTOMER_TEST_COLUMNS.map((c) => c.name);
  const lines = [names.join(',')];
  for (const c of generateCustomers(rows)) lines.push(names.map((n) => String((c as unknown as Record<string, unknown>)[n])).join(','));
  await writeFile(path, lines.join('\n') + '\n');
}
