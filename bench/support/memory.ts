// Memory figures of the current process for the benchmarks' child processes.
import { readFileSync } from 'node:fs';

/** A field of /proc/self/status in bytes (Linux), e.g. VmHWM (peak RSS of this program since exec) or VmRSS. */
export function procStatus(field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface MemoryReport {
  /** RSS when the measured work started (after imports and connecting). */
  rssBefore: number;
  /** RSS when it ended. */
  rssAfter: number;
  /** process.resourceUsage().maxRSS in bytes (getrusage; on Linux it can start at the parent's RSS at fork). */
  maxRss: number;
  /** Peak RSS since exec (VmHWM), where the system gives it; else maxRss. */
  peak: number;
}

export function memoryReport(rssBefore: number): MemoryReport {
  const maxRss = process.resourceUsage().maxRSS * 1024;
  return { rssBefore, rssAfter: process.memoryUsage.rss(), maxRss, peak: procStatus('VmHWM') ?? maxRss };
}
