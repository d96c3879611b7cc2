/** Helpers of the command-line client: account URLs and password input. */

/**
 * pop3s://user@host[:port] (implicit TLS, 995) or pop3://user@host[:port] (STLS, 110;
 * "?tls=none" for clear text). A password in the URL is refused: it would be visible in argv.
 */
export function parseAccountUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not a URL: ${text}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'pop3' && scheme !== 'pop3s') throw new Error(`unsupported scheme ${scheme}: use pop3s:// or pop3://`);
  if (url.password) {
    throw new Error('do not put the password in the URL (it would be visible to other users); use POP3_PASSWORD or the prompt');
  }
  if (!url.username) throw new Error('the URL needs a user name: pop3s://user@host');
  const tls = scheme === 'pop3s' ? 'implicit' : url.searchParams.get('tls') === 'none' ? 'none' : 'starttls';
  return {
    user: decodeURIComponent(url.username),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : scheme === 'pop3s' ? 995 : 110,
    tls,
  };
}

/** The password from POP3_PASSWORD, or typed at a prompt without echo. */
export async function readPassword(user, { env = process.env, input = process.stdin, output = process.stderr } = {}) {
  if (env.POP3_PASSWORD !== undefined) return env.POP3_PASSWORD;
  if (!input.isTTY) throw new Error('no password: set POP3_PASSWORD (standard input is not a terminal to ask on)');
  output.write(`password for ${user}: `);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let password = '';
    const onData = (chunk) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(password);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new Error('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') password = password.slice(0, -1);
        else password += char;
      }
    };
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    input.on('data', onData);
  });
}
