// Clients that misbehave on purpose, for the bridge's abuse tests: raw TCP connections that send
// (part of) an HTTP request or nothing at all, WebSocket frames built by hand (lying lengths,
// endless fragments, floods of pings), a parser of the frames the bridge sends back, and a
// WebSocket connect attempt that reports how it ended instead of throwing.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

import WebSocket from 'ws';

/** The text of a WebSocket upgrade request (the `pop3-bridge` subprotocol offered). */
export function upgradeRequest({ path = '/pop3', target, headers = {} } = {}) {
  const query = target === undefined ? '' : `?target=${encodeURIComponent(target)}`;
  const lines = [
    `GET ${path}${query} HTTP/1.1`, 'Host: bridge.test', 'Upgrade: websocket', 'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: pop3-bridge',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * One client frame (masked, as RFC 6455 requires of clients unless `mask: false`).
 * @param {number} opcode 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong
 * @param {Buffer} payload
 * @param {{fin?: boolean, mask?: boolean, declaredLength?: number | bigint}} options
 *   `declaredLength`: the length the header claims (the payload sent is still `payload`)
 */
export function frame(opcode, payload = Buffer.alloc(0), { fin = true, mask = true, declaredLength } = {}) {
  const length = BigInt(declaredLength ?? payload.length);
  let header;
  if (length < 126n) {
    header = Buffer.from([0, Number(length)]);
  } else if (length < 65536n) {
    header = Buffer.from([0, 126, 0, 0]);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(length, 2);
  }
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (!mask) return Buffer.concat([header, payload]);
  header[1] |= 0x80;
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= key[i & 3];
  return Buffer.concat([header, key, masked]);
}

/** A TCP connection to the bridge on 127.0.0.1, optionally from another loopback address. */
export function rawConnect(port, { localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Watches a raw connection until it closes: what the bridge sent and when it closed.
 * @returns {Promise<{text: string, afterMs: number}>} `afterMs` since `since` (default: now)
 */
export function untilClosed(socket, since = Date.now()) {
  let text = '';
  socket.on('data', (d) => (text += d.toString('latin1')));
  return new Promise((resolve) => socket.once('close', () => resolve({ text, afterMs: Date.now() - since })));
}

/**
 * Sends `text` one byte every `everyMs` (slowloris) until the socket closes or the text ends.
 */
export function drip(socket, text, everyMs = 100) {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) {
      clearInterval(timer);
      return;
    }
    socket.write(text[i++]);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

/** Parses server (unmasked) frames from a byte stream: returns a 'data' handler. */
export function frameParser(onFrame) {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      if (buffer.length < 2) return;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      onFrame({ fin: Boolean(buffer[0] & 0x80), opcode: buffer[0] & 0x0f, payload: buffer.subarray(offset, offset + length) });
      buffer = buffer.subarray(offset + length);
    }
  };
}

/**
 * A WebSocket made by hand: the upgrade, then raw bytes both ways.
 * @returns {Promise<{socket: net.Socket, frames: object[], closed: Promise<{code: number | null, reason: string, afterMs: number}>}>}
 *   `closed`: the bridge's close frame (or code null when the connection ended without one),
 *   with the time since the upgrade
 */
export async function rawWebSocket(port, { target, path, localAddress, headers } = {}) {
  const socket = await rawConnect(port, { localAddress });
  socket.write(upgradeRequest({ path, target, headers }));
  const rest = await new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (d) => {
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.removeListener('data', onData);
      const status = head.subarray(0, head.indexOf('\r\n')).toString();
      if (!status.startsWith('HTTP/1.1 101')) reject(new Error(status));
      else resolve(head.subarray(end + 4));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
  const opened = Date.now();
  const frames = [];
  let closeFrame = null;
  const parse = frameParser((f) => {
    frames.push(f);
    if (f.opcode === 8 && !closeFrame) closeFrame = f;
  });
  const closed = new Promise((resolve) => {
    const settle = () => resolve(closeFrame
      ? { code: closeFrame.payload.length >= 2 ? closeFrame.payload.readUInt16BE(0) : 1005, reason: closeFrame.payload.subarray(2).toString(), afterMs: Date.now() - opened }
      : { code: null, reason: '', afterMs: Date.now() - opened });
    socket.once('close', settle);
  });
  let answered = false;
  socket.on('data', (d) => {
    parse(d);
    // Answer the close frame, as a client should, so that the bridge closes at once.
    if (closeFrame && !answered) {
      answered = true;
      socket.end(frame(8, closeFrame.payload.subarray(0, 2)));
    }
  });
  if (rest.length) parse(rest);
  return { socket, frames, closed };
}

/**
 * One WebSocket connect attempt that never throws: how did it end?
 * @returns {Promise<{kind: 'open', ws: WebSocket, closed: Promise<{code: number, reason: string}>} | {kind: string}>}
 *   kind 'open'; 'http-<status>' when the upgrade was answered with an HTTP error; 'reset' when
 *   the connection was closed before any answer; otherwise 'error: <message>'
 */
export function attemptWebSocket(url, { target, localAddress, headers } = {}) {
  return new Promise((resolve) => {
    const u = new URL(url);
    u.searchParams.set('target', target);
    const ws = new WebSocket(u, ['pop3-bridge'], { localAddress, headers, handshakeTimeout: 30_000 });
    const closed = new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.once('open', () => resolve({ kind: 'open', ws, closed }));
    ws.once('unexpected-response', (request, response) => {
      resolve({ kind: `http-${response.statusCode}` });
      response.resume();
      request.destroy();
    });
    ws.on('error', (err) => {
      const reset = ['ECONNRESET', 'EPIPE'].includes(err.code) || /socket hang up/.test(err.message);
      resolve({ kind: reset ? 'reset' : `error: ${err.message}` });
    });
  });
}
