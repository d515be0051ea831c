/**
 * What every request and upgrade is checked against: the token, and the Host values and cookie name that
 * depend on the port (known only once the server listens, so the gate is filled in then).
 */
export interface Gate {
  token: string;
  allowedHosts: Set<string>;
  cookieName: string;
}
