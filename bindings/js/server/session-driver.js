/**
 * Runs one WASM ServerConnection for one client connection: moves bytes both ways with
 * backpressure, answers the session's requests from the host's accounts and mailbox store, keeps
 * the RFC 1939 idle timer and applies scripted faults. It knows nothing of sockets: the host hands
 * it a `link` (write/pause/resume/end/destroy) and feeds it input. Browser-safe.
 */
import { Pop3Error } from '../errors.js';

const MESSAGE_CHUNK = 64 * 1024;

/**
 * @typedef {object} Link what the driver needs of a connection
 * @property {(bytes: Uint8Array) => boolean} write false: the link is full; wait for drained()
 * @property {() => void} pause stop delivering input
 * @property {() => void} resume deliver input again
 * @property {() => void} end close after what was written is sent
 * @property {() => void} destroy drop the connection now
 */

/**
 * The secrets an account entry gives the core: `'password'`, `{ password }`, or stored SCRAM keys
 * (`{ scramSha1, scramSha256, scramSha512 }`, from deriveScramKeys) for hosts that keep no password.
 */
function secretsOf(entry) {
  if (typeof entry === 'string') return { password: entry };
  return { password: entry.password, scramSha1: entry.scramSha1, scramSha256: entry.scramSha256, scramSha512: entry.scramSha512 };
}

export class SessionDriver {
  #core;
  #connection;
  #link;
  #host;
  #faults;
  #pendingInput = [];   // bytes the session has not taken yet (it was full)
  #inputPaused = false;
  #writable = true;
  #pumping = false;
  #again = false;
  #maildrop = null;     // { messages, read, remove } once open
  #lockedUser = null;
  #ownsLock = false;
  #lock = null;
  #reading = null;      // { number, bytes } of the message being streamed
  #idleTimer = null;
  #bytesWritten = 0;
  #retrBytes = 0;
  #ended = false;
  #closedInfo = null;

  /**
   * @param {object} core the protocol module (loadCore())
   * @param {object} options the ServerConnection options (tls mode, certificate, capabilities)
   * @param {Link} link
   * @param {object} host `{ users, store, locks: Set<string>, faults, onEvent(type, detail) }`
   */
  constructor(core, options, link, host) {
    this.#core = core;
    this.#link = link;
    this.#host = host;
    this.#faults = { ...(host.faults ?? {}) };
    this.#connection = new core.ServerConnection(options);
    const error = this.#connection.creationError();
    if (error) {
      this.#connection.delete();
      this.#connection = null;
      throw new Pop3Error('INVALID_ARGUMENT', `the server's options are unusable: ${error.message}`, { cause: error });
    }
    this.#armIdleTimer();
    this.#pump();  // the greeting (or, with implicit TLS, nothing until the ClientHello)
  }

  /** The logged-in user, once there is one. */
  get user() {
    return this.#connection?.user() || this.#lockedUser || undefined;
  }

  /** Whether the session runs over TLS. */
  get secure() {
    return Boolean(this.#connection?.secure());
  }

  /** Bytes from the client. */
  input(bytes) {
    if (!this.#connection || this.#ended) return;
    this.#pendingInput.push(bytes);
    this.#pump();
  }

  /** The client closed its side. */
  inputEnded() {
    if (!this.#connection) return;
    this.#feedInput();
    this.#connection.receiveEof();
    this.#pump();
  }

  /** The link can take more output after write() returned false. */
  drained() {
    this.#writable = true;
    this.#pump();
  }

  /** The connection is gone (either side): release the lock and the WASM object. */
  dispose(reason = 'the connection closed') {
    if (!this.#connection) return;
    this.#connection.abort();
    this.#drainEvents();  // sees 'closed'
    this.#finish(reason);
  }

  // ---- the loop -------------------------------------------------------------------------------

  // One pass at a time: answering a request may await the store, and input or a drain that
  // arrives meanwhile only asks for another pass.
  async #pump() {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        if (!this.#connection) return;
        this.#feedInput();
        await this.#answerEvents();
        if (!this.#connection) return;
        if (await this.#writeOutput()) this.#again = true;
        if (this.#connection && this.#connection.finished()) {
          this.#ended = true;
          this.#link.end();
          this.#finish(this.#closedInfo?.reason ?? 'closed');
          return;
        }
      } while (this.#again);
    } catch (error) {
      this.#host.onEvent?.('error', { error });
      this.#link.destroy();
      this.dispose('a host error');
    } finally {
      this.#pumping = false;
    }
  }

  // Offers held input; what the session does not take stays held and the link is paused, which
  // becomes TCP backpressure on the client.
  #feedInput() {
    const connection = this.#connection;
    let tookAny = false;
    while (this.#pendingInput.length > 0) {
      const bytes = this.#pendingInput[0];
      const pointer = connection.inputBuffer(bytes.length);
      this.#core.HEAPU8.set(bytes, pointer);  // HEAPU8 re-read: memory may have grown
      const taken = connection.receive(bytes.length);
      if (taken > 0) tookAny = true;
      if (taken === bytes.length) {
        this.#pendingInput.shift();
        continue;
      }
      this.#pendingInput[0] = bytes.subarray(taken);
      break;
    }
    if (tookAny) this.#armIdleTimer();
    const full = this.#pendingInput.length > 0;
    if (full && !this.#inputPaused) {
      this.#inputPaused = true;
      this.#link.pause();
    } else if (!full && this.#inputPaused) {
      this.#inputPaused = false;
      this.#link.resume();
    }
  }

  /** @returns {Promise<boolean>} whether anything was written */
  async #writeOutput() {
    if (!this.#writable || this.#ended) return false;
    const out = this.#connection.takeOutput();
    if (out.length === 0) return false;
    const faults = this.#faults;
    if (faults.delayMs) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
    if (!this.#connection) return false;
    let bytes = out;
    let drop = false;
    if (faults.dropAfterBytes !== undefined && this.#bytesWritten + bytes.length >= faults.dropAfterBytes) {
      bytes = bytes.subarray(0, Math.max(0, faults.dropAfterBytes - this.#bytesWritten));
      drop = true;
    }
    this.#bytesWritten += bytes.length;
    if (bytes.length > 0) this.#writable = this.#link.write(bytes);
    if (drop) {
      this.#link.destroy();
      this.dispose('fault: dropAfterBytes');
      return false;
    }
    return true;
  }

  async #answerEvents() {
    for (let event = this.#connection?.nextEvent(); event; event = this.#connection?.nextEvent()) {
      await this.#answer(event);
      if (!this.#connection) return;
    }
  }

  #drainEvents() {
    for (let event = this.#connection?.nextEvent(); event; event = this.#connection?.nextEvent()) {
      if (event.type === 'closed') this.#closedInfo = event;
    }
  }

  async #answer(event) {
    const connection = this.#connection;
    switch (event.type) {
      case 'login': {
        this.#host.onEvent?.('login', { user: event.user, method: event.method, mechanism: event.mechanism || undefined });
        const entry = Object.hasOwn(this.#host.users ?? {}, event.user) ? this.#host.users[event.user] : undefined;
        // An unknown user is verified against no secret: it fails exactly as a wrong password does.
        connection.answerLogin(entry === undefined ? { verdict: 'verify' } : { verdict: 'verify', ...secretsOf(entry) });
        break;
      }
      case 'maildrop':
        await this.#openMaildrop(event.user);
        break;
      case 'messageData':
        await this.#sendMessageData(event);
        break;
      case 'messageDone':
        this.#reading = null;
        break;
      case 'update': {
        let failure;
        try {
          if (event.uids.length > 0) await this.#maildrop.remove(event.uids);
        } catch (error) {
          failure = `some messages were not removed: ${error.message}`;
        }
        this.#connection?.finishUpdate(failure);
        this.#host.onEvent?.('update', { user: this.#lockedUser, deleted: event.uids, failure });
        break;
      }
      case 'closed':
        this.#closedInfo = event;
        this.#releaseLock();
        break;
      default:
        break;  // tlsRequested: the TLS engine is in the connection; nothing to do here
    }
  }

  async #openMaildrop(user) {
    const connection = this.#connection;
    // The lock is the maildrop's: users that share one (a Maildir served to several) share it.
    let lock;
    try {
      lock = this.#host.store.lockKey?.(user) ?? user;
    } catch (error) {
      connection.refuseMaildrop('SYS/PERM', 'there is no maildrop for this user');
      this.#host.onEvent?.('error', { error });
      return;
    }
    if (this.#faults.inUse || this.#host.locks.has(lock)) {
      connection.refuseMaildrop('IN-USE', 'the maildrop is in use by another session');
      return;
    }
    this.#host.locks.add(lock);
    this.#lockedUser = user;
    this.#lock = lock;
    this.#ownsLock = true;
    let maildrop;
    try {
      maildrop = await this.#host.store.open(user);
    } catch (error) {
      this.#releaseLock();
      this.#connection?.refuseMaildrop('SYS/TEMP', 'the maildrop cannot be opened');
      this.#host.onEvent?.('error', { error });
      return;
    }
    if (!this.#connection) return;
    this.#maildrop = maildrop;
    this.#connection.openMaildrop(maildrop.messages.map(({ size, uid }) => ({ size, uid })));
    this.#host.onEvent?.('maildrop', { user, messages: maildrop.messages.length });
  }

  async #sendMessageData({ number, uid, offset }) {
    if (this.#reading?.number !== number) {
      this.#reading = { number, bytes: await this.#maildrop.read(uid) };
      if (!this.#connection) return;
    }
    const { bytes } = this.#reading;
    let chunk = bytes.subarray(offset, offset + MESSAGE_CHUNK);
    const end = offset + chunk.length >= bytes.length;
    const cut = this.#faults.cutRetrAfterBytes;
    if (cut !== undefined && this.#retrBytes + chunk.length >= cut) {
      // Mid-RETR: send what the fault allows, then drop the connection.
      chunk = chunk.subarray(0, Math.max(0, cut - this.#retrBytes));
      this.#stage(chunk);
      this.#connection.messageData(chunk.length, false);
      await this.#writeOutput();
      this.#link.destroy();
      this.dispose('fault: cutRetrAfterBytes');
      return;
    }
    this.#retrBytes += chunk.length;
    this.#stage(chunk);
    this.#connection.messageData(chunk.length, end);
  }

  #stage(chunk) {
    const pointer = this.#connection.inputBuffer(chunk.length);
    this.#core.HEAPU8.set(chunk, pointer);
  }

  // RFC 1939's auto-logout timer: restarted whenever the session takes input; when it fires the
  // session closes without UPDATE, so nothing is deleted.
  #armIdleTimer() {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    const ms = this.#host.idleTimeoutMs ?? this.#connection.idleTimeoutSeconds() * 1000;
    this.#idleTimer = setTimeout(() => {
      if (!this.#connection) return;
      this.#connection.timeout();
      this.#pump();
    }, ms);
    this.#idleTimer.unref?.();
  }

  #releaseLock() {
    if (this.#ownsLock) this.#host.locks.delete(this.#lock);
    this.#ownsLock = false;
    this.#maildrop?.close?.();
    this.#maildrop = null;
  }

  #finish(reason) {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    this.#releaseLock();
    const info = this.#closedInfo;
    if (this.#connection) {
      this.#connection.delete();
      this.#connection = null;
    }
    this.#pendingInput = [];
    this.#host.onEvent?.('close', { reason: info?.reason ?? reason, updated: Boolean(info?.updated), bytesSent: this.#bytesWritten });
  }
}
