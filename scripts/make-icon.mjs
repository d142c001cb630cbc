// Draws media/icon.png (128×128, the extension's icon in the Extensions view and the Marketplace):
// a database cylinder with a rising prediction line, on the SQL Pools blue. Plain Node (zlib), so
// it needs no image tool; the PNG is committed and the build does not run this.
// Usage: node scripts/make-icon.mjs [out.png]
import { writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { deflateSync } from 'node:zlib';

const N = 128;
const px = new Uint8Array(N * N * 4);

/** Blends colour [r, g, b] with coverage a (0..1) into pixel (x, y). */
function plot(x, y, [r, g, b], a) {
  if (x < 0 || y < 0 || x >= N || y >= N || a <= 0) return;
  const i = (y * N + x) * 4;
  const old = px[i + 3] / 255;
  const out = a + old * (1 - a);
  const mix = (c, o) => Math.round((c * a + o * old * (1 - a)) / (out || 1));
  px[i] = mix(r, px[i]);
  px[i + 1] = mix(g, px[i + 1]);
  px[i + 2] = mix(b, px[i + 2]);
  px[i + 3] = Math.round(out * 255);
}

/** Fills every pixel whose centre's signed distance `d(x, y)` is below 0, antialiased over one pixel. */
function fill(d, colour) {
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) plot(x, y, colour, Math.min(1, Math.max(0, 0.5 - d(x + 0.5, y + 0.5))));
}

const roundedBox = (cx, cy, hw, hh, r) => (x, y) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const ellipse = (cx, cy, rx, ry) => (x, y) => (Math.hypot((x - cx) / rx, (y - cy) / ry) - 1) * Math.min(rx, ry);
const box = (x0, y0, x1, y1) => (x, y) => Math.max(x0 - x, x - x1, y0 - y, y - y1);
const union =
  (...ds) =>
  (x, y) =>
    Math.min(...ds.map((d) => d(x, y)));
const segment = (ax, ay, bx, by, w) => (x, y) => {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) - w / 2;
};

const blue = [0, 104, 184];
const white = [255, 255, 255];
const pale = [190, 222, 248];
const amber = [255, 183, 0];

fill(roundedBox(64, 64, 62, 62, 18), blue);
// The cylinder: body, then its top in a paler tone, then two bands.
fill(union(box(22, 38, 78, 96), ellipse(50, 96, 28, 9)), white);
fill(ellipse(50, 38, 28, 9), pale);
for (const y of [58, 77]) fill((x, yy) => Math.max(Math.abs(ellipse(50, y, 28, 9)(x, yy)) - 1.5, yy - y, 22 - x, x - 78), pale);
// The prediction: a rising line with points, leaving the cylinder to the upper right.
const pts = [
  [40, 84],
  [58, 70],
  [76, 74],
  [104, 36],
];
for (let i = 1; i < pts.length; i++) fill(segment(...pts[i - 1], ...pts[i], 6), amber);
for (const [x, y] of pts) fill(ellipse(x, y, 6, 6), amber);

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(N, 0);
header.writeUInt32BE(N, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1);
const png = Buffer.concat([
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = process.argv[2] ?? new URL('../media/icon.png', import.meta.url).pathname;
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
