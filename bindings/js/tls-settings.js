/** The TLS options of connect(), in the form both TLS engines (WASM and Node) take. */

function asList(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** @param {import('./index.js').ConnectOptions} options */
export function tlsSettings(options) {
  return {
    servername: options.servername ?? options.host,
    ca: asList(options.ca),
    defaultRoots: options.defaultRoots !== false,
    pins: asList(options.pins),
    minVersion: options.minVersion ?? 'TLSv1.2',
    maxVersion: options.maxVersion ?? 'TLSv1.3',
  };
}
