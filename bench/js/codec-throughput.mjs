// Codec throughput of the WASM build in Node: the same RETR reply as the native bench, fed
// through the Embind ClientConnection in 64 KiB chunks exactly as Pop3Client feeds it, the body
// handed out as Pop3Client hands it out (views of each chunk, client/body-spans.js). Timed on
// the process's CPU time, as the native bench is: on a shared machine wall time mostly measures
// the other tenants. The module is the one a Node client without TLS in WASM gets (the lite one)
// unless `flavour` says otherwise.
import { loadCore } from '../../bindings/js/node.js';
import { bodyPieces } from '../../bindings/js/client/body-spans.js';
import { makeWire } from './codec-wire.mjs';

export async function wasmCodecThroughput(megabytes = 50, flavour = 'lite') {
  const core = await loadCore(undefined, { wasmTls: flavour === 'full' });
  const wire = makeWire(megabytes * 1000 * 1000);
  const chunk = 64 * 1024;
  let best = 0;
  let bodyBytes = 0;
  for (let round = 0; round < 5; round++) {
    // capa: false, or the connect sequence's CAPA would take the whole reply as capability lines.
    const session = new core.ClientConnection({ tls: { mode: 'none' }, capa: false, limits: { maxMessageBytes: 2 ** 40 } });
    const failed = session.creationError();
    if (failed) throw new Error(`ClientConnection: ${failed.message}`);
    const feed = (bytes) => {
      const ptr = session.inputBuffer(bytes.length);
      core.HEAPU8.set(bytes, ptr);
      session.receive(bytes.length);
    };
    feed(Buffer.from('+OK ready\r\n'));
    session.submit({ command: 'USER', arg: 'u' });
    feed(Buffer.from('+OK\r\n'));
    session.submit({ command: 'PASS', arg: 'p' });
    feed(Buffer.from('+OK\r\n'));
    session.submit({ command: 'RETR', number: 1 });
    while (session.nextEvent() !== null);
    session.takeOutput();
    bodyBytes = 0;
    const start = process.cpuUsage();
    for (let pos = 0; pos < wire.length; pos += chunk) {
      const bytes = wire.subarray(pos, pos + chunk);
      feed(bytes);
      for (let e = session.nextEvent(); e !== null; e = session.nextEvent()) {
        if (e.type === 'body') for (const piece of bodyPieces(e, bytes, core.HEAPU8)) bodyBytes += piece.length;
      }
    }
    const used = process.cpuUsage(start);
    // The reply must have been read as a message: a session that took it for something else
    // (a CAPA listing, say) would time the wrong code.
    if (bodyBytes < megabytes * 1000 * 1000) throw new Error(`the WASM session decoded ${bodyBytes} body bytes of ${wire.length}`);
    const seconds = (used.user + used.system) / 1e6;
    best = Math.max(best, wire.length / seconds / 1e6);
    session.delete();
    // The message must have come out as body chunks (all but the status line, the dot-stuffing
    // and the terminator): anything less timed some other code path.
    if (bodyBytes < 0.9 * wire.length) {
      throw new Error(`codec bench: only ${bodyBytes} body bytes of a ${wire.length}-byte reply came out`);
    }
  }
  return { flavour, wireBytes: wire.length, bodyBytes, mbPerS: best };
}
