/** Every bench section, in the order `npm run bench` runs them. */
import type { Section } from '../lib/section';
import { compareSection } from './compare';
import { gridSection } from './grid';
import { imageFolderSection } from './image-folder';
import { ingestSection } from './ingest';
import { insightsSection } from './insights';
import { storeSection } from './store';
import { trackingSection } from './tracking';
import { trainingSection } from './training';
import { viewersSection } from './viewers';

export const SECTIONS: Section[] = [
  trainingSection, trackingSection, gridSection, storeSection, ingestSection, viewersSection, compareSection, imageFolderSection,
  insightsSection,
];
