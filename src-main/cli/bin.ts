/** Entry of the bundled CLI (out/node/cli.js). */
import { main } from './program';

void main(process.argv).then((code) => {
  process.exitCode = code;
  // Anything left holding the event loop (a stuck worker) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 3000).unref();
});
