/**
 * Tags and notes a person adds to runs and experiments after launch. Limits live here, so the API's
 * validation, the CLI's messages and the UI's inputs say the same thing.
 */
import { z } from 'zod';

export const MAX_TAG_LENGTH = 40;
export const MAX_TAGS = 20;
export const MAX_NOTES_LENGTH = 10_000;

/**
 * A tag is one word a filter can name (`tag:baseline`): letters, digits and `_ - . + /` in any script, no
 * spaces, quotes, colons or commas, and never a control character. Stored lower-case, so `Baseline` and
 * `baseline` are one tag.
 */
export const TAG_PATTERN = /^[\p{L}\p{N}_\-.+/]+$/u;

export const tagSchema = z
  .string({ error: 'a tag must be text' })
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(MAX_TAG_LENGTH, `a tag has at most ${MAX_TAG_LENGTH} characters`)
  .regex(TAG_PATTERN, 'a tag is one word: letters, digits and _ - . + / (no spaces, quotes, colons or commas)')
  .transform((tag) => tag.toLowerCase());

export const tagListSchema = z.array(tagSchema).max(MAX_TAGS, `at most ${MAX_TAGS} tags at once`);

export const notesSchema = z
  .string({ error: 'notes must be text' })
  .max(MAX_NOTES_LENGTH, `notes have at most ${MAX_NOTES_LENGTH.toLocaleString('en-US')} characters`)
  // Control characters other than newlines and tabs only ever arrive by accident (or to fool a terminal).
  .refine((text) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text), 'notes cannot hold control characters');

/** Tags after adding some and removing others: order of first appearance, no duplicates. */
export function applyTagChange(current: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const removed = new Set(remove);
  const next: string[] = [];
  for (const tag of [...current, ...add]) if (!removed.has(tag) && !next.includes(tag)) next.push(tag);
  return next;
}
