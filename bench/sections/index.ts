/** Every bench section, in the order `npm run bench` runs them. */
import type { Section } from '../lib/section';
import { trainingSection } from './training';

export const SECTIONS: Section[] = [trainingSection];
