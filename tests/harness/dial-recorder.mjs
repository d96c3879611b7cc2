// Records every outgoing TCP connection this process makes through net.connect (the bridge's
// connector dials targets that way, always with an IP address), and can send dials for chosen
// addresses elsewhere - a stand-in for "the internet" in offline tests: the bridge believes it
// connected to 93.184.216.34, the bytes go to a server of the test's own.
import net from 'node:net';

/**
 * @param {{redirect?: Record<string, {host: string, port: number}>}} options
 * @returns {{dials: {host: string, port: number}[], restore(): void}}
 */
export function recordDials({ redirect = {} } = {}) {
  const original = net.connect;
  const dials = [];
  net.connect = function connect(...args) {
    const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
    dials.push({ host: options.host, port: options.port });
    const to = redirect[options.host];
    if (to && typeof args[0] === 'object') return original.call(net, { ...options, host: to.host, port: to.port, family: 4 }, ...args.slice(1));
    return original.apply(net, args);
  };
  return {
    dials,
    restore() {
      net.connect = original;
    },
  };
}
