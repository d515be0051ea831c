/**
 * Imported first by main.ts, before anything that builds a zod schema (the contract does, on import).
 * Zod decides at schema construction whether to compile fast parsers with the Function constructor; it
 * probes for that once, and the probe — though caught — is reported as a CSP violation under our no-eval
 * policy. jitless skips the probe; the renderer parses nothing hot enough to miss the compiled parsers.
 */
import { z } from 'zod';

z.config({ jitless: true });
