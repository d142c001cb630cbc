// What a VSIX holds: its entries (read from the zip's central directory) and a short report of
// its size and largest entries. Used by scripts/package.mjs and the package tests.
// Usage: node scripts/vsix-contents.mjs <file.vsix> ... [--top N]
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The entries of a zip file: name, size and compressed size.
 * @returns {{ name: string, size: number, compressed: number }[]}
 */
export function vsixEntries(file) {
  const buf = readFileSync(file);
  // The end-of-central-directory record: the last PK\5\6 within the final 64 KB (the comment's maximum).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory).`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: damaged central directory at entry ${n}.`);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLength), size, compressed });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** A few lines: the file's size, its entry count and unpacked size, and its `top` largest entries. */
export function vsixReport(file, top = 8) {
  const entries = vsixEntries(file);
  const unpacked = entries.reduce((s, e) => s + e.size, 0);
  const lines = [`${basename(file)}: ${mb(statSync(file).size)} (${entries.length} files, ${mb(unpacked)} unpacked)`];
  for (const e of [...entries].sort((a, b) => b.compressed - a.compressed).slice(0, top)) {
    lines.push(`  ${mb(e.compressed).padStart(9)} packed ${mb(e.size).padStart(9)} unpacked  ${e.name}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const t = args.indexOf('--top');
  const top = t >= 0 ? Number(args[t + 1]) : 8;
  const files = args.filter((a, i) => !a.startsWith('--') && (t < 0 || i !== t + 1));
  if (!files.length) {
    console.error('usage: node scripts/vsix-contents.mjs <file.vsix> ... [--top N]');
    process.exit(2);
  }
  for (const f of files) console.log(vsixReport(f, top));
}
