// The 50 MB RETR reply of the codec benchmark; byte for byte the same as make_wire() in
// bench/native/codec_throughput.cpp.
export function makeWire(bodySize) {
  const parts = [Buffer.from('+OK message follows\r\n')];
  let state = 12345;
  let line = 0;
  let body = 0;
  const alphabet = Buffer.alloc(58 + 121);
  for (let i = 0; i < alphabet.length; i++) alphabet[i] = 65 + (i % 58);
  const out = Buffer.alloc(bodySize + Math.ceil(bodySize / 20) + 64);
  let at = 0;
  while (body < bodySize) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const length = 1 + ((state >>> 16) % 120);
    if (++line % 50 === 0) {
      out[at++] = 0x2e;
      out[at++] = 0x2e;
      body += 1;
    }
    alphabet.copy(out, at, line % 58, (line % 58) + length);
    at += length;
    out[at++] = 0x0d;
    out[at++] = 0x0a;
    body += length + 2;
  }
  parts.push(out.subarray(0, at), Buffer.from('.\r\n'));
  return Buffer.concat(parts);
}
