// IMAP, simulated (no IMAP server runs here): one inbox kept on the server with flags; each device
// shows the server's state, so a change made on one is seen by the other.
export class ImapSimulation {
  constructor() {
    this.reset();
  }

  reset() {
    this.inbox = [
      { subject: 'Meeting on Friday', seen: false },
      { subject: 'Photos from the trip', seen: false },
    ];
  }

  markFirstRead() {
    const first = this.inbox.find((m) => !m.seen) ?? this.inbox[0];
    if (first) first.seen = true;
  }

  deleteFirst() {
    this.inbox.shift();
  }

  view() {
    return { count: this.inbox.length, unread: this.inbox.filter((m) => !m.seen).length };
  }
}
