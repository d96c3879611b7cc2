// "Which should I choose?": each answer leans to POP or to IMAP; a clear majority decides,
// otherwise the source article's advice applies (when in doubt, IMAP).
const LEANS = {
  'devices.one': 'pop', 'devices.many': 'imap',
  'connection.yes': 'imap', 'connection.no': 'pop',
  'serverSpace.small': 'pop', 'serverSpace.plenty': 'imap',
  'localSpace.small': 'imap', 'localSpace.plenty': 'pop',
  'safety.yes': 'imap', 'safety.no': 'pop',
};

/** @param {Record<string, string>} answers question id -> option @returns {{ choice: 'pop'|'imap', clear: boolean, reasons: string[] }} keys of the reasons */
export function recommend(answers) {
  const keys = Object.entries(answers).map(([question, option]) => `${question}.${option}`);
  const pop = keys.filter((key) => LEANS[key] === 'pop');
  const imap = keys.filter((key) => LEANS[key] === 'imap');
  if (pop.length - imap.length >= 2) return { choice: 'pop', clear: true, reasons: pop };
  if (imap.length - pop.length >= 2) return { choice: 'imap', clear: true, reasons: imap };
  return { choice: 'imap', clear: false, reasons: [...imap, ...pop] };
}
