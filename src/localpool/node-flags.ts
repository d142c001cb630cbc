/**
 * The Node/V8 options the local pool's own process is started with (by the extension, and by the
 * PREDICT benchmark that measures it).
 *
 * A streamed result makes short-lived arrays for every row. With V8's default young generation
 * (16 MB semi-spaces) many of them outlive a scavenge while they wait to be encoded, get promoted, and
 * pile up in the old generation until a full collection. With 64 MB semi-spaces they die young:
 * `npm run bench -- predict` measured the pool's peak RSS at 673–740 MB with this option against
 * 705–958 MB without it (1 000 000 rows streamed, two runs each), at the same speed.
 */
export const LOCAL_POOL_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
