import type { Section } from '../lib/section.js';
export const learningSection: Section = { name: 'learning', title: 'todo', async run() { return { figures: [] }; } };
