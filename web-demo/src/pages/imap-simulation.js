// IMAP, simulated (no IMAP server runs here): folders kept on the server, each message with its
// flags. Every device only chooses which folder it looks at; reading, moving and deleting change
// the server's copy, so a change made on one device is what the other sees too.
export const FOLDERS = ['inbox', 'sent', 'archive'];

// The starting messages. A message's `subjectKey` points into the page's message file
// (imapSubjects[folder][index]), so that the simulated mail speaks the page's language.
const START = { inbox: [['inbox', 0], ['inbox', 1]], sent: [['sent', 0]], archive: [] };

export class ImapSimulation {
  constructor() {
    this.reset();
  }

  reset() {
    this.folders = Object.fromEntries(Object.entries(START).map(([folder, subjects]) =>
      [folder, subjects.map((subjectKey) => ({ subjectKey, seen: folder === 'sent' }))]));
    this.open = { laptop: 'inbox', phone: 'inbox' };
  }

  select(device, folder) {
    this.open[device] = folder;
  }

  /** The first unread message of the device's folder is opened: the server sets its \Seen flag. */
  markFirstRead(device) {
    const list = this.folders[this.open[device]];
    const first = list.find((m) => !m.seen) ?? list[0];
    if (first) first.seen = true;
  }

  deleteFirst(device) {
    this.folders[this.open[device]].shift();
  }

  /** A server-side move (IMAP MOVE, RFC 6851): the message leaves one folder for another. */
  moveFirst(device, to) {
    const from = this.folders[this.open[device]];
    if (from !== this.folders[to] && from.length) this.folders[to].push(from.shift());
  }

  count(folder) {
    const list = this.folders[folder];
    return { count: list.length, unread: list.filter((m) => !m.seen).length };
  }

  view(device) {
    return { folder: this.open[device], messages: this.folders[this.open[device]], ...this.count(this.open[device]) };
  }
}
