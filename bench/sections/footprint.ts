import type { Section } from '../lib/section.js';
export const footprintSection: Section = { name: 'footprint', title: 'todo', async run() { return { figures: [] }; } };
